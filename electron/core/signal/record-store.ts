// The storage contract of the Signal layer: opaque byte records by (kind, key), and an in-memory implementation.

/**
 * What a record holds, and how its key is formed:
 * - `session`: libsignal session record, key `<onion address>.<device id>` (device id is always 1);
 * - `identity`: a remote peer's trusted identity and its status (see identity-record.ts), key `<onion address>`;
 * - `prekey` / `signed-prekey` / `kyber-prekey`: libsignal prekey records, key the decimal prekey id;
 * - `local`: this profile's own Signal state, keys `identity-key-pair`, `registration-id` and `next-prekey-ids`.
 */
export type SignalRecordKind = 'session' | 'identity' | 'prekey' | 'signed-prekey' | 'kyber-prekey' | 'local';

export const SIGNAL_RECORD_KINDS: readonly SignalRecordKind[] = [
  'session',
  'identity',
  'prekey',
  'signed-prekey',
  'kyber-prekey',
  'local',
];

/**
 * Durable storage for Signal records. A `put` or `delete` resolves only once the change is durable: the ratchet
 * must never step back after a crash, or a peer's later messages would no longer decrypt.
 */
export interface SignalRecordStore {
  get(kind: SignalRecordKind, key: string): Promise<Uint8Array | undefined>;
  put(kind: SignalRecordKind, key: string, value: Uint8Array): Promise<void>;
  delete(kind: SignalRecordKind, key: string): Promise<void>;
  /** Every key of one kind, in no particular order: used to prune old prekeys. */
  keys(kind: SignalRecordKind): Promise<string[]>;
}

/** Records in Maps, for tests, benches and profiles that are never saved. Values are copied in and out. */
export class InMemorySignalRecordStore implements SignalRecordStore {
  readonly #records = new Map<SignalRecordKind, Map<string, Uint8Array>>();

  get(kind: SignalRecordKind, key: string): Promise<Uint8Array | undefined> {
    const value = this.#records.get(kind)?.get(key);
    return Promise.resolve(value === undefined ? undefined : Uint8Array.from(value));
  }

  put(kind: SignalRecordKind, key: string, value: Uint8Array): Promise<void> {
    const records = this.#records.get(kind) ?? new Map<string, Uint8Array>();
    records.set(key, Uint8Array.from(value));
    this.#records.set(kind, records);
    return Promise.resolve();
  }

  delete(kind: SignalRecordKind, key: string): Promise<void> {
    this.#records.get(kind)?.delete(key);
    return Promise.resolve();
  }

  keys(kind: SignalRecordKind): Promise<string[]> {
    return Promise.resolve([...(this.#records.get(kind)?.keys() ?? [])]);
  }
}
