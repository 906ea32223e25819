// libsignal PreKeyStore, SignedPreKeyStore and KyberPreKeyStore over a SignalRecordStore, keyed by decimal prekey id.
import {
  KyberPreKeyRecord,
  KyberPreKeyStore,
  PreKeyRecord,
  PreKeyStore,
  type PublicKey,
  SignedPreKeyRecord,
  SignedPreKeyStore,
} from '@signalapp/libsignal-client';
import { PreKeyNotFoundError, SignalRecordError } from './errors.js';
import type { SignalRecordStore } from './record-store.js';

type PreKeyKind = 'prekey' | 'signed-prekey' | 'kyber-prekey';

async function load<T>(records: SignalRecordStore, kind: PreKeyKind, id: number, decode: (bytes: Uint8Array<ArrayBuffer>) => T): Promise<T> {
  const bytes = await records.get(kind, String(id));
  if (bytes === undefined) throw new PreKeyNotFoundError(kind, id);
  try {
    return decode(Uint8Array.from(bytes));
  } catch (error) {
    throw new SignalRecordError(kind, String(id), { cause: error });
  }
}

/** One-time EC prekeys: libsignal removes each once a session has been built from it. */
export class RecordPreKeyStore extends PreKeyStore {
  constructor(readonly records: SignalRecordStore) {
    super();
  }

  override async savePreKey(id: number, record: PreKeyRecord): Promise<void> {
    await this.records.put('prekey', String(id), record.serialize());
  }

  override getPreKey(id: number): Promise<PreKeyRecord> {
    return load(this.records, 'prekey', id, (bytes) => PreKeyRecord.deserialize(bytes));
  }

  override async removePreKey(id: number): Promise<void> {
    await this.records.delete('prekey', String(id));
  }
}

export class RecordSignedPreKeyStore extends SignedPreKeyStore {
  constructor(readonly records: SignalRecordStore) {
    super();
  }

  override async saveSignedPreKey(id: number, record: SignedPreKeyRecord): Promise<void> {
    await this.records.put('signed-prekey', String(id), record.serialize());
  }

  override getSignedPreKey(id: number): Promise<SignedPreKeyRecord> {
    return load(this.records, 'signed-prekey', id, (bytes) => SignedPreKeyRecord.deserialize(bytes));
  }
}

/**
 * Allium hands out only one-time Kyber prekeys (one per bundle, never a last-resort key), so a used one is deleted:
 * a replayed prekey message then finds no key, which is what libsignal's replay check for last-resort keys is for.
 */
export class RecordKyberPreKeyStore extends KyberPreKeyStore {
  constructor(readonly records: SignalRecordStore) {
    super();
  }

  override async saveKyberPreKey(id: number, record: KyberPreKeyRecord): Promise<void> {
    await this.records.put('kyber-prekey', String(id), record.serialize());
  }

  override getKyberPreKey(id: number): Promise<KyberPreKeyRecord> {
    return load(this.records, 'kyber-prekey', id, (bytes) => KyberPreKeyRecord.deserialize(bytes));
  }

  override async markKyberPreKeyUsed(id: number, _signedPreKeyId: number, _baseKey: PublicKey): Promise<void> {
    await this.records.delete('kyber-prekey', String(id));
  }
}
