// Makes a fresh prekey bundle for each introduction: rotates the signed prekey, mints one-time EC and Kyber prekeys, prunes old ones.
import { KEMKeyPair, KyberPreKeyRecord, PreKeyBundle, PreKeyRecord, PrivateKey, SignedPreKeyRecord } from '@signalapp/libsignal-client';
import { ByteReader, ByteWriter } from './byte-codec.js';
import { SignalRecordError } from './errors.js';
import type { LocalSignalIdentity } from './local-identity.js';
import { DEVICE_ID } from './prekey-bundle.js';
import type { SignalRecordStore } from './record-store.js';

export interface PreKeyPolicy {
  /** A new signed prekey is made when the newest is older than this. */
  readonly signedPreKeyRotationMs: number;
  /** A replaced signed prekey is kept this long, for bundles still waiting in unanswered contact requests. */
  readonly signedPreKeyRetentionMs: number;
  /** At most this many unused one-time prekeys of each kind are kept; the oldest go first. */
  readonly maxOneTimePreKeys: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_PREKEY_POLICY: PreKeyPolicy = {
  signedPreKeyRotationMs: 7 * DAY_MS,
  signedPreKeyRetentionMs: 90 * DAY_MS,
  maxOneTimePreKeys: 100,
};

const NEXT_IDS = 'next-prekey-ids';
// Signal's prekey ids are 24-bit; ids run 1..ID_MODULUS and wrap.
const ID_MODULUS = 0xffffff;

interface NextIds {
  preKey: number;
  signedPreKey: number;
  kyberPreKey: number;
}

export class PreKeyIssuer {
  readonly #records: SignalRecordStore;
  readonly #local: LocalSignalIdentity;
  readonly #policy: PreKeyPolicy;
  readonly #now: () => Date;

  constructor(records: SignalRecordStore, local: LocalSignalIdentity, policy: PreKeyPolicy, now: () => Date) {
    this.#records = records;
    this.#local = local;
    this.#policy = policy;
    this.#now = now;
  }

  /** A bundle no one else receives: its one-time keys are stored here until a session consumes or pruning drops them. */
  async issue(): Promise<PreKeyBundle> {
    const ids = await this.#nextIds();
    const now = this.#now().getTime();
    const identityKey = this.#local.identityKeyPair.privateKey;
    const signedPreKeys = await this.#signedPreKeys();
    const newest = signedPreKeys.at(-1);
    const rotate = newest === undefined || now - newest.timestamp() >= this.#policy.signedPreKeyRotationMs;
    const signedPreKey = rotate ? newSignedPreKey(ids.signedPreKey, now, identityKey) : newest;

    const preKeyPrivate = PrivateKey.generate();
    const preKey = PreKeyRecord.new(ids.preKey, preKeyPrivate.getPublicKey(), preKeyPrivate);
    const kyberPair = KEMKeyPair.generate();
    const kyberPreKey = KyberPreKeyRecord.new(ids.kyberPreKey, now, kyberPair, identityKey.sign(kyberPair.getPublicKey().serialize()));

    const next: NextIds = {
      preKey: following(ids.preKey),
      signedPreKey: rotate ? following(ids.signedPreKey) : ids.signedPreKey,
      kyberPreKey: following(ids.kyberPreKey),
    };
    // Ids advance before the keys are stored: a crash in between wastes an id, never hands one out twice.
    await this.#records.put('local', NEXT_IDS, encodeNextIds(next));
    if (rotate) {
      await this.#records.put('signed-prekey', String(signedPreKey.id()), signedPreKey.serialize());
      signedPreKeys.push(signedPreKey);
    }
    await this.#records.put('prekey', String(preKey.id()), preKey.serialize());
    await this.#records.put('kyber-prekey', String(kyberPreKey.id()), kyberPreKey.serialize());
    await this.#pruneSignedPreKeys(signedPreKeys, now);
    await this.#pruneOneTime('prekey', next.preKey);
    await this.#pruneOneTime('kyber-prekey', next.kyberPreKey);

    return PreKeyBundle.new(
      this.#local.registrationId,
      DEVICE_ID,
      preKey.id(),
      preKey.publicKey(),
      signedPreKey.id(),
      signedPreKey.publicKey(),
      signedPreKey.signature(),
      this.#local.identityKeyPair.publicKey,
      kyberPreKey.id(),
      kyberPreKey.publicKey(),
      kyberPreKey.signature(),
    );
  }

  /** The stored signed prekeys, oldest first. */
  async #signedPreKeys(): Promise<SignedPreKeyRecord[]> {
    const records: SignedPreKeyRecord[] = [];
    for (const key of await this.#records.keys('signed-prekey')) {
      const bytes = await this.#records.get('signed-prekey', key);
      if (bytes === undefined) continue;
      try {
        records.push(SignedPreKeyRecord.deserialize(Uint8Array.from(bytes)));
      } catch (error) {
        throw new SignalRecordError('signed-prekey', key, { cause: error });
      }
    }
    return records.sort((a, b) => a.timestamp() - b.timestamp());
  }

  /** A signed prekey retires when its successor appears, and is dropped once retired for the retention period. */
  async #pruneSignedPreKeys(oldestFirst: readonly SignedPreKeyRecord[], now: number): Promise<void> {
    for (const [index, record] of oldestFirst.entries()) {
      const successor = oldestFirst[index + 1];
      if (successor !== undefined && now - successor.timestamp() > this.#policy.signedPreKeyRetentionMs) {
        await this.#records.delete('signed-prekey', String(record.id()));
      }
    }
  }

  async #pruneOneTime(kind: 'prekey' | 'kyber-prekey', nextId: number): Promise<void> {
    const keys = await this.#records.keys(kind);
    const excess = keys.length - this.#policy.maxOneTimePreKeys;
    if (excess <= 0) return;
    // Age is the distance back from the next id, which stays right when ids wrap.
    const age = (key: string): number => (nextId - Number(key) + ID_MODULUS) % ID_MODULUS;
    const oldestFirst = keys.sort((a, b) => age(b) - age(a));
    for (const key of oldestFirst.slice(0, excess)) await this.#records.delete(kind, key);
  }

  async #nextIds(): Promise<NextIds> {
    const bytes = await this.#records.get('local', NEXT_IDS);
    if (bytes === undefined) return { preKey: 1, signedPreKey: 1, kyberPreKey: 1 };
    const damaged = (): SignalRecordError => new SignalRecordError('local', NEXT_IDS);
    const reader = new ByteReader(bytes, damaged);
    const ids = { preKey: reader.u32(), signedPreKey: reader.u32(), kyberPreKey: reader.u32() };
    if (reader.remaining !== 0 || Object.values(ids).some((id) => id < 1 || id > ID_MODULUS)) throw damaged();
    return ids;
  }
}

const following = (id: number): number => (id % ID_MODULUS) + 1;

function newSignedPreKey(id: number, now: number, identityKey: PrivateKey): SignedPreKeyRecord {
  const privateKey = PrivateKey.generate();
  const publicKey = privateKey.getPublicKey();
  return SignedPreKeyRecord.new(id, now, publicKey, privateKey, identityKey.sign(publicKey.serialize()));
}

function encodeNextIds(ids: NextIds): Uint8Array {
  return new ByteWriter().u32(ids.preKey).u32(ids.signedPreKey).u32(ids.kyberPreKey).bytes();
}
