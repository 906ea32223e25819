// libsignal IdentityKeyStore over a SignalRecordStore, plus the trust decisions: a changed key is recorded, never trusted.
import {
  Direction,
  IdentityChange,
  type IdentityKeyPair,
  IdentityKeyStore,
  type PrivateKey,
  type ProtocolAddress,
  PublicKey,
} from '@signalapp/libsignal-client';
import { IdentityChangedError, NoIdentityChangeError, SignalRecordError, UnknownPeerError, UntrustedIdentityError } from './errors.js';
import { decodeIdentityRecord, encodeIdentityRecord, type IdentityRecord } from './identity-record.js';
import type { LocalSignalIdentity } from './local-identity.js';
import type { SignalRecordStore } from './record-store.js';

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((byte, i) => byte === b[i]);

export class RecordIdentityKeyStore extends IdentityKeyStore {
  readonly #records: SignalRecordStore;
  readonly #local: LocalSignalIdentity;

  constructor(records: SignalRecordStore, local: LocalSignalIdentity) {
    super();
    this.#records = records;
    this.#local = local;
  }

  override getIdentityKey(): Promise<PrivateKey> {
    return Promise.resolve(this.#local.identityKeyPair.privateKey);
  }

  override getIdentityKeyPair(): Promise<IdentityKeyPair> {
    return Promise.resolve(this.#local.identityKeyPair);
  }

  override getLocalRegistrationId(): Promise<number> {
    return Promise.resolve(this.#local.registrationId);
  }

  /**
   * libsignal calls this only after {@link isTrustedIdentity} said yes, so the key is the trusted one; anything else
   * means the order of calls changed under us, and replacing a trusted key silently is what this layer must never do.
   */
  override async saveIdentity(address: ProtocolAddress, key: PublicKey): Promise<IdentityChange> {
    const record = await this.record(address.name());
    if (record === undefined || !sameBytes(record.trustedKey, key.serialize())) throw new UntrustedIdentityError(address.name());
    return IdentityChange.NewOrUnchanged;
  }

  /**
   * While a change is pending nothing is sent on the old key's session (the address no longer claims that key), but
   * what still arrives on it is read: it was written by the key we trusted.
   */
  override async isTrustedIdentity(address: ProtocolAddress, key: PublicKey, direction: Direction): Promise<boolean> {
    const record = await this.record(address.name());
    if (record === undefined || !sameBytes(record.trustedKey, key.serialize())) return false;
    return record.status !== 'changed' || direction !== Direction.Sending;
  }

  override async getIdentity(address: ProtocolAddress): Promise<PublicKey | null> {
    const record = await this.record(address.name());
    if (record === undefined) return null;
    try {
      return PublicKey.deserialize(Uint8Array.from(record.trustedKey));
    } catch (error) {
      throw new SignalRecordError('identity', address.name(), { cause: error });
    }
  }

  /** The trust record of a peer, or undefined before any key was presented for it. */
  async record(peerAddress: string): Promise<IdentityRecord | undefined> {
    const bytes = await this.#records.get('identity', peerAddress);
    return bytes === undefined ? undefined : decodeIdentityRecord(peerAddress, bytes);
  }

  /**
   * A key the peer's onion identity has bound to its address was presented. The first one is trusted; the trusted one
   * passes; any other is recorded as a pending change and refused with {@link IdentityChangedError}.
   */
  async present(peerAddress: string, key: Uint8Array): Promise<void> {
    const record = await this.record(peerAddress);
    if (record === undefined) {
      await this.#save(peerAddress, { status: 'trusted', trustedKey: key });
      return;
    }
    if (sameBytes(record.trustedKey, key)) return;
    await this.#save(peerAddress, { status: 'changed', trustedKey: record.trustedKey, pendingKey: key });
    throw new IdentityChangedError(peerAddress);
  }

  /** The user approved the pending key: it becomes the trusted one, no longer verified. */
  async acceptChange(peerAddress: string): Promise<void> {
    const record = await this.record(peerAddress);
    if (record?.status !== 'changed') throw new NoIdentityChangeError(peerAddress);
    await this.#save(peerAddress, { status: 'trusted', trustedKey: record.pendingKey });
  }

  /** The user compared safety numbers. Refused while a change is pending: which key would be verified? */
  async markVerified(peerAddress: string): Promise<void> {
    const record = await this.record(peerAddress);
    if (record === undefined) throw new UnknownPeerError(peerAddress, 'identity');
    if (record.status === 'changed') throw new IdentityChangedError(peerAddress);
    await this.#save(peerAddress, { status: 'verified', trustedKey: record.trustedKey });
  }

  async #save(peerAddress: string, record: IdentityRecord): Promise<void> {
    await this.#records.put('identity', peerAddress, encodeIdentityRecord(record));
  }
}

