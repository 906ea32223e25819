// libsignal's SenderKeyStore over a KeyValueStore: one record per (sender address, device, distribution id).
import { type ProtocolAddress, SenderKeyRecord, SenderKeyStore } from '@signalapp/libsignal-client';
import { SignalRecordError } from '../signal/index.js';
import type { KeyValueStore } from './key-value-store.js';

const recordKey = (sender: ProtocolAddress, distributionId: string): string =>
  `sender-key/${sender.name()}.${sender.deviceId()}/${distributionId}`;

/**
 * Records are written through on every save; the last record of each key is also kept decoded, since libsignal reads
 * it at every message and decoding costs a good part of one (the session store does the same, for the same reason).
 * This assumes one instance owns the store's sender keys while it is open, and relies on libsignal never changing a
 * record it was given (it saves a new one).
 */
export class KeyValueSenderKeyStore extends SenderKeyStore {
  readonly #store: KeyValueStore;
  readonly #decoded = new Map<string, SenderKeyRecord>();

  constructor(store: KeyValueStore) {
    super();
    this.#store = store;
  }

  override async saveSenderKey(sender: ProtocolAddress, distributionId: string, record: SenderKeyRecord): Promise<void> {
    const key = recordKey(sender, distributionId);
    await this.#store.put(key, record.serialize());
    // Kept only once durable: after a failed write the next read must give the stored state, not one never saved.
    this.#decoded.set(key, record);
  }

  override async getSenderKey(sender: ProtocolAddress, distributionId: string): Promise<SenderKeyRecord | null> {
    const key = recordKey(sender, distributionId);
    const decoded = this.#decoded.get(key);
    if (decoded !== undefined) return decoded;
    const bytes = await this.#store.get(key);
    if (bytes === undefined) return null;
    try {
      const record = SenderKeyRecord.deserialize(Uint8Array.from(bytes));
      this.#decoded.set(key, record);
      return record;
    } catch (error) {
      throw new SignalRecordError('sender-key', key, { cause: error });
    }
  }

  /** Not part of libsignal's interface: whether a key is held, to tell a missing key from a bad message. */
  async hasSenderKey(sender: ProtocolAddress, distributionId: string): Promise<boolean> {
    return (await this.getSenderKey(sender, distributionId)) !== null;
  }

  /** Not part of libsignal's interface: an old epoch's key goes, so nothing more is encrypted or read with it. */
  async deleteSenderKey(sender: ProtocolAddress, distributionId: string): Promise<void> {
    const key = recordKey(sender, distributionId);
    this.#decoded.delete(key);
    await this.#store.delete(key);
  }
}
