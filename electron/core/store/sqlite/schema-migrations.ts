// The database's numbered schema migrations; `PRAGMA user_version` records how many have run.

/** Each entry takes the schema from version `index` to `index + 1`; never edit one that has shipped, add the next. */
export const SCHEMA_MIGRATIONS: readonly string[] = [
  // 1: state entries, conversations, messages with their indexes and full-text search.
  `
  CREATE TABLE state_entries (
    path TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE conversations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
  ) STRICT;

  CREATE TABLE messages (
    row INTEGER PRIMARY KEY,
    conversation INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    stored_at INTEGER NOT NULL,
    body TEXT NOT NULL,
    json TEXT NOT NULL
  ) STRICT;
  CREATE UNIQUE INDEX messages_by_id ON messages(conversation, id);
  CREATE INDEX messages_by_time ON messages(conversation, row);
  CREATE INDEX messages_by_bare_id ON messages(id);

  CREATE VIRTUAL TABLE messages_fts USING fts5(body, content='messages', content_rowid='row', tokenize='signal_tokenizer');
  CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts(rowid, body) VALUES (new.row, new.body);
  END;
  CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.row, old.body);
  END;
  `,
];

export const SCHEMA_VERSION = SCHEMA_MIGRATIONS.length;
