// Opens a profile's SQLCipher database: raw key, WAL, synchronous=FULL, schema migrations, a clear error for a key that does not fit.
import Database from '@signalapp/sqlcipher';
import { CorruptFileError, UnsupportedFormatError } from '../errors.js';
import { SCHEMA_MIGRATIONS, SCHEMA_VERSION } from './schema-migrations.js';

export type { Database };

export const DATABASE_FILE = 'profile.db';

/**
 * Opens (creating if absent) the database at `path` with a 32-byte raw key. A file the key does not open (damaged, or
 * another profile's) is CorruptFileError naming it and left in place; a schema newer than this build is refused.
 */
export function openProfileDatabase(path: string, key: Uint8Array): Database {
  if (key.length !== 32) throw new RangeError('the database key must be 32 bytes');
  const db = new Database(path, { cacheStatements: true });
  try {
    // SQLCipher would also print a refused key on stderr; the error below says it.
    db.pragma('cipher_log_level = NONE');
    // A raw key (x'…'): SQLCipher uses it as is, no passphrase derivation.
    db.pragma(`key = "x'${Buffer.from(key).toString('hex')}'"`);
    try {
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (error) {
      throw new CorruptFileError(path, "the database does not open with this profile's key (damaged, or another profile's)", undefined, { cause: error });
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('secure_delete = ON');
    db.initTokenizer();
    migrateSchema(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function migrateSchema(db: Database): void {
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version > SCHEMA_VERSION) throw new UnsupportedFormatError('database', version);
  for (let next = version; next < SCHEMA_VERSION; next += 1) {
    db.transaction(() => {
      db.exec(SCHEMA_MIGRATIONS[next]!);
      db.pragma(`user_version = ${String(next + 1)}`);
    })();
  }
}
