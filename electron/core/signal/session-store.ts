// libsignal SessionStore over a SignalRecordStore: one session record per peer address and device.
import { type ProtocolAddress, SessionRecord, SessionStore } from '@signalapp/libsignal-client';
import { SignalRecordError } from './errors.js';
import type { SignalRecordStore } from './record-store.js';

/** The record key of a session: the store engineer's `<address>.<deviceId>` form. */
export const sessionKey = (address: ProtocolAddress): string => `${address.name()}.${address.deviceId()}`;

export class RecordSessionStore extends SessionStore {
  readonly #records: SignalRecordStore;

  constructor(records: SignalRecordStore) {
    super();
    this.#records = records;
  }

  override async saveSession(address: ProtocolAddress, record: SessionRecord): Promise<void> {
    await this.#records.put('session', sessionKey(address), record.serialize());
  }

  override async getSession(address: ProtocolAddress): Promise<SessionRecord | null> {
    const key = sessionKey(address);
    const bytes = await this.#records.get('session', key);
    if (bytes === undefined) return null;
    try {
      return SessionRecord.deserialize(Uint8Array.from(bytes));
    } catch (error) {
      throw new SignalRecordError('session', key, { cause: error });
    }
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
