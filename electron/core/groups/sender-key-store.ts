// libsignal's SenderKeyStore over a KeyValueStore: one record per (sender address, device, distribution id).
import { type ProtocolAddress, SenderKeyRecord, SenderKeyStore } from '@signalapp/libsignal-client';
import { SignalRecordError } from '../signal/index.js';
import type { KeyValueStore } from './key-value-store.js';

const recordKey = (sender: ProtocolAddress, distributionId: string): string =>
  `sender-key/${sender.name()}.${sender.deviceId()}/${distributionId}`;

export class KeyValueSenderKeyStore extends SenderKeyStore {
  readonly #store: KeyValueStore;

  constructor(store: KeyValueStore) {
    super();
    this.#store = store;
  }

  override async saveSenderKey(sender: ProtocolAddress, distributionId: string, record: SenderKeyRecord): Promise<void> {
    await this.#store.put(recordKey(sender, distributionId), record.serialize());
  }

  override async getSenderKey(sender: ProtocolAddress, distributionId: string): Promise<SenderKeyRecord | null> {
    const key = recordKey(sender, distributionId);
    const bytes = await this.#store.get(key);
    if (bytes === undefined) return null;
    try {
      return SenderKeyRecord.deserialize(Uint8Array.from(bytes));
    } catch (error) {
      throw new SignalRecordError('sender-key', key, { cause: error });
    }
  }

  /** Not part of libsignal's interface: whether a key is held, to tell a missing key from a bad message. */
  async hasSenderKey(sender: ProtocolAddress, distributionId: string): Promise<boolean> {
    return (await this.#store.get(recordKey(sender, distributionId))) !== undefined;
  }

  /** Not part of libsignal's interface: an old epoch's key goes, so nothing more is encrypted or read with it. */
  async deleteSenderKey(sender: ProtocolAddress, distributionId: string): Promise<void> {
    await this.#store.delete(recordKey(sender, distributionId));
  }
}
