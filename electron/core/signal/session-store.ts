// libsignal SessionStore over a SignalRecordStore: one session record per peer address and device.
import { type ProtocolAddress, SessionRecord, SessionStore } from '@signalapp/libsignal-client';
import { SignalRecordError } from './errors.js';
import type { SignalRecordStore } from './record-store.js';

/** The record key of a session: the store engineer's `<address>.<deviceId>` form. */
export const sessionKey = (address: ProtocolAddress): string => `${address.name()}.${address.deviceId()}`;

/**
 * Records are written through on every save; the last record of each peer is also kept decoded, since libsignal
 * reads the session at every message and decoding it costs about a sixth of a message. This assumes the store is
 * the only writer of session records while it is open, which holds: one SignalSessions owns a profile's records.
 * libsignal never changes a record it was given (it saves a new one), so a failed operation leaves the kept one valid.
 */
export class RecordSessionStore extends SessionStore {
  readonly #records: SignalRecordStore;
  readonly #decoded = new Map<string, SessionRecord>();

  constructor(records: SignalRecordStore) {
    super();
    this.#records = records;
  }

  override async saveSession(address: ProtocolAddress, record: SessionRecord): Promise<void> {
    const key = sessionKey(address);
    await this.#records.put('session', key, record.serialize());
    // Kept only once durable: after a failed write the next read must give the stored state, not one never saved.
    this.#decoded.set(key, record);
  }

  override async getSession(address: ProtocolAddress): Promise<SessionRecord | null> {
    const key = sessionKey(address);
    const decoded = this.#decoded.get(key);
    if (decoded !== undefined) return decoded;
    const bytes = await this.#records.get('session', key);
    if (bytes === undefined) return null;
    try {
      const record = SessionRecord.deserialize(Uint8Array.from(bytes));
      this.#decoded.set(key, record);
      return record;
    } catch (error) {
      throw new SignalRecordError('session', key, { cause: error });
    }
  }

  /** Not part of libsignal's interface: a removed contact's session goes, from the store and from the decoded cache. */
  async deleteSession(address: ProtocolAddress): Promise<void> {
    const key = sessionKey(address);
    this.#decoded.delete(key);
    await this.#records.delete('session', key);
  }

  override async getExistingSessions(addresses: ProtocolAddress[]): Promise<SessionRecord[]> {
    const sessions: SessionRecord[] = [];
    for (const address of addresses) {
      const session = await this.getSession(address);
      if (session !== null) sessions.push(session);
    }
    return sessions;
  }
}
