// The shape of one numbered state migration.

/** A state document before validation: a JSON object with its format version. */
export type StateDocument = Record<string, unknown> & { formatVersion: number };

export interface StateMigration {
  /** The format version this migration produces; migrations run in ascending order. */
  readonly version: number;
  readonly up: (doc: StateDocument) => StateDocument;
}
