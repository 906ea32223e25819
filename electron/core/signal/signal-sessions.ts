// One profile's Signal sessions with its contacts: introductions, session set-up, ratcheted encrypt/decrypt, trust.
import {
  CiphertextMessageType,
  ErrorCode,
  LibSignalErrorBase,
  PreKeySignalMessage,
  ProtocolAddress,
  PublicKey,
  SignalMessage,
  processPreKeyBundle,
  signalDecrypt,
  signalDecryptPreKey,
  signalEncrypt,
} from '@signalapp/libsignal-client';
import { type OnionKey, parseOnionAddress } from '../identity/index.js';
import { createBinding, verifyBinding } from './binding.js';
import {
  BindingError,
  DecryptionError,
  DuplicateMessageError,
  SessionError,
  StalePreKeyError,
  UnknownPeerError,
  UntrustedIdentityError,
} from './errors.js';
import { RecordIdentityKeyStore } from './identity-key-store.js';
import type { IdentityStatus } from './identity-record.js';
import { KeyedQueue } from './keyed-queue.js';
import { loadOrCreateLocalIdentity } from './local-identity.js';
import { DEVICE_ID, parsePreKeyBundle, serializePreKeyBundle } from './prekey-bundle.js';
import { DEFAULT_PREKEY_POLICY, PreKeyIssuer, type PreKeyPolicy } from './prekey-issuer.js';
import { decodePreKeyEnvelope, encodePreKeyEnvelope } from './prekey-message.js';
import { RecordKyberPreKeyStore, RecordPreKeyStore, RecordSignedPreKeyStore } from './prekey-stores.js';
import type { SignalRecordStore } from './record-store.js';
import { safetyNumber } from './safety-number.js';
import { RecordSessionStore } from './session-store.js';

export interface SignalSessionsOptions {
  /** The profile's Signal records; one SignalSessions per profile writes them (it keeps sessions decoded). */
  readonly records: SignalRecordStore;
  /** The profile's onion identity: it signs the binding of our Signal key to our address. */
  readonly onionKey: OnionKey;
  readonly prekeyPolicy?: Partial<PreKeyPolicy>;
  /** Injected so tests can age signed prekeys. */
  readonly now?: () => Date;
}

/** What a ContactRequest carries so its receiver can check who we are and start a session with us. */
export interface SignalIntroduction {
  /** Our serialized libsignal identity public key (33 bytes). */
  readonly signalIdentityKey: Uint8Array;
  /** Our onion key's signature binding that key to our address. */
  readonly binding: Uint8Array;
  /** A fresh PQXDH prekey bundle, see prekey-bundle.ts. */
  readonly prekeyBundle: Uint8Array;
}

/** The body of a `Signal` frame. `prekey` until the peer has answered, `whisper` afterwards. */
export interface SignalCiphertext {
  readonly kind: 'prekey' | 'whisper';
  readonly body: Uint8Array;
}

export interface PeerIdentity {
  readonly status: IdentityStatus;
  /** The trusted key (serialized); while `changed`, still the old one. */
  readonly identityKey: Uint8Array;
  /** The key the peer presented instead, awaiting `acceptIdentityChange`. */
  readonly pendingIdentityKey?: Uint8Array;
}

/**
 * Every peer-facing method takes the peer's onion address in any form `parseOnionAddress` accepts (bad input throws
 * its `OnionAddressError`) and runs after the earlier operations on that peer have finished.
 */
export class SignalSessions {
  readonly #onionKey: OnionKey;
  readonly #localAddress: ProtocolAddress;
  readonly #localIdentityKey: PublicKey;
  readonly #binding: Uint8Array;
  readonly #sessions: RecordSessionStore;
  readonly #identities: RecordIdentityKeyStore;
  readonly #preKeys: RecordPreKeyStore;
  readonly #signedPreKeys: RecordSignedPreKeyStore;
  readonly #kyberPreKeys: RecordKyberPreKeyStore;
  readonly #issuer: PreKeyIssuer;
  readonly #records: SignalRecordStore;
  readonly #queue = new KeyedQueue();

  private constructor(options: SignalSessionsOptions, issuer: PreKeyIssuer, identities: RecordIdentityKeyStore, identityKey: PublicKey) {
    this.#onionKey = options.onionKey;
    this.#localAddress = ProtocolAddress.new(options.onionKey.address, DEVICE_ID);
    this.#localIdentityKey = identityKey;
    this.#binding = createBinding(options.onionKey, identityKey.serialize());
    this.#sessions = new RecordSessionStore(options.records);
    this.#identities = identities;
    this.#preKeys = new RecordPreKeyStore(options.records);
    this.#signedPreKeys = new RecordSignedPreKeyStore(options.records);
    this.#kyberPreKeys = new RecordKyberPreKeyStore(options.records);
    this.#issuer = issuer;
    this.#records = options.records;
  }

  /** Loads the profile's Signal identity from `records`, making it on first use. */
  static async open(options: SignalSessionsOptions): Promise<SignalSessions> {
    const local = await loadOrCreateLocalIdentity(options.records);
    const policy = { ...DEFAULT_PREKEY_POLICY, ...options.prekeyPolicy };
    const issuer = new PreKeyIssuer(options.records, local, policy, options.now ?? (() => new Date()));
    const identities = new RecordIdentityKeyStore(options.records, local);
    return new SignalSessions(options, issuer, identities, local.identityKeyPair.publicKey);
  }

  /** Our identity key and its binding alone, e.g. to prove our key in an acceptance; cheap, mints nothing. */
  localBinding(): { signalIdentityKey: Uint8Array; binding: Uint8Array } {
    return { signalIdentityKey: this.#localIdentityKey.serialize(), binding: Uint8Array.from(this.#binding) };
  }

  /** Our identity key and binding, with a fresh bundle: call once per contact request, each consumes one-time keys. */
  localIdentity(): Promise<SignalIntroduction> {
    return this.#queue.run(ISSUER_QUEUE, async () => ({
      ...this.localBinding(),
      prekeyBundle: serializePreKeyBundle(await this.#issuer.issue()),
    }));
  }

  /**
   * Starts a session from a peer's introduction: checks the binding (`BindingError`), the bundle (`BundleFormatError`)
   * and the trusted identity (`IdentityChangedError`), then builds the session. Our next `encrypt` is a `prekey` message.
   */
  async startSession(peerAddress: string, introduction: SignalIntroduction): Promise<void> {
    const peer = canonical(peerAddress);
    return this.#queue.run(peer, async () => {
      verifyBinding(peer, introduction.signalIdentityKey, introduction.binding);
      const bundle = parsePreKeyBundle(introduction.prekeyBundle);
      if (!sameBytes(bundle.identityKey().serialize(), introduction.signalIdentityKey)) {
        throw new BindingError(peer, 'bundle-identity');
      }
      await this.#identities.present(peer, introduction.signalIdentityKey);
      try {
        await processPreKeyBundle(bundle, this.#address(peer), this.#localAddress, this.#sessions, this.#identities);
      } catch (error) {
        throw translate(peer, error, (cause) => new SessionError(peer, 'start', { cause }));
      }
    });
  }

  /**
   * Whether `encrypt` to the peer would work. Not while the peer's identity key changed and the user has not reviewed
   * it: the session we hold was made with the old key, and whoever now holds the address no longer claims that key.
   */
  async hasSession(peerAddress: string): Promise<boolean> {
    const peer = canonical(peerAddress);
    if ((await this.#identities.record(peer))?.status === 'changed') return false;
    return this.#hasCurrentSession(this.#address(peer));
  }

  /**
   * Deletes the session with the peer (the contact was removed): what they still send on it can no longer be read,
   * and talking again needs a new introduction. Their trusted identity key is kept, so a changed key still warns.
   */
  async forgetSession(peerAddress: string): Promise<void> {
    const peer = canonical(peerAddress);
    return this.#queue.run(peer, () => this.#sessions.deleteSession(this.#address(peer)));
  }

  /** Encrypts for a peer we have a session with (`UnknownPeerError` otherwise), advancing the ratchet. */
  async encrypt(peerAddress: string, plaintext: Uint8Array): Promise<SignalCiphertext> {
    const peer = canonical(peerAddress);
    return this.#queue.run(peer, async () => {
      const address = this.#address(peer);
      let message;
      try {
        message = await signalEncrypt(Uint8Array.from(plaintext), address, this.#localAddress, this.#sessions, this.#identities);
      } catch (error) {
        // libsignal reports a missing session as a generic error; asking the store only on failure keeps the
        // common path to one session read.
        if (!(await this.#hasCurrentSession(address))) throw new UnknownPeerError(peer, 'session', { cause: error });
        throw translate(peer, error, (cause) => new SessionError(peer, 'encrypt', { cause }));
      }
      if (message.type() === (CiphertextMessageType.PreKey as number)) {
        const envelope = { identityKey: this.#localIdentityKey.serialize(), binding: Uint8Array.from(this.#binding), message: message.serialize() };
        return { kind: 'prekey', body: encodePreKeyEnvelope(envelope) };
      }
      return { kind: 'whisper', body: message.serialize() };
    });
  }

  /**
   * Decrypts a peer's message. A `prekey` message may come from a peer we never met: its binding is checked
   * (`BindingError`) and its identity key trusted if new, refused if changed (`IdentityChangedError`). A damaged or
   * forged message gives `DecryptionError`, a replay `DuplicateMessageError`; neither disturbs the session.
   */
  async decrypt(peerAddress: string, ciphertext: SignalCiphertext): Promise<Uint8Array> {
    const peer = canonical(peerAddress);
    return this.#queue.run(peer, async () => {
      const address = this.#address(peer);
      if (ciphertext.kind === 'whisper') {
        const message = parseMessage(peer, () => SignalMessage.deserialize(Uint8Array.from(ciphertext.body)));
        try {
          return await signalDecrypt(message, address, this.#localAddress, this.#sessions, this.#identities);
        } catch (error) {
          throw translate(peer, error, rejected(peer));
        }
      }
      const envelope = decodePreKeyEnvelope(peer, ciphertext.body);
      verifyBinding(peer, envelope.identityKey, envelope.binding);
      const message = parseMessage(peer, () => PreKeySignalMessage.deserialize(envelope.message));
      // Only a key libsignal can read is worth a trust record, even one its owner bound.
      const identityKey = parseMessage(peer, () => PublicKey.deserialize(envelope.identityKey)).serialize();
      await this.#identities.present(peer, identityKey);
      try {
        return await signalDecryptPreKey(
          message,
          address,
          this.#localAddress,
          this.#sessions,
          this.#identities,
          this.#preKeys,
          this.#signedPreKeys,
          this.#kyberPreKeys,
        );
      } catch (error) {
        const translated = translate(peer, error, rejected(peer));
        if (translated instanceof DecryptionError && (await this.#preKeysGone(message))) throw new StalePreKeyError(peer, message.preKeyId(), { cause: error });
        throw translated;
      }
    });
  }

  /** Whether a prekey message names one-time or signed prekeys of ours that we no longer hold. */
  async #preKeysGone(message: PreKeySignalMessage): Promise<boolean> {
    const preKeyId = message.preKeyId();
    const gone = async (kind: 'prekey' | 'signed-prekey', id: number): Promise<boolean> => (await this.#records.get(kind, String(id))) === undefined;
    return (preKeyId !== null && (await gone('prekey', preKeyId))) || (await gone('signed-prekey', message.signedPreKeyId()));
  }

  /** What we trust for a peer, or undefined if it never presented a key. */
  async peerIdentity(peerAddress: string): Promise<PeerIdentity | undefined> {
    const peer = canonical(peerAddress);
    return this.#queue.run(peer, async () => {
      const record = await this.#identities.record(peer);
      if (record === undefined) return undefined;
      return record.status === 'changed'
        ? { status: record.status, identityKey: record.trustedKey, pendingIdentityKey: record.pendingKey }
        : { status: record.status, identityKey: record.trustedKey };
    });
  }

  /**
   * The user approved a peer's new identity key (`NoIdentityChangeError` if none is pending). The refused introduction
   * or prekey message can then be processed again.
   */
  async acceptIdentityChange(peerAddress: string): Promise<void> {
    const peer = canonical(peerAddress);
    return this.#queue.run(peer, () => this.#identities.acceptChange(peer));
  }

  /** The user compared safety numbers with the peer and they matched. */
  async markVerified(peerAddress: string): Promise<void> {
    const peer = canonical(peerAddress);
    return this.#queue.run(peer, () => this.#identities.markVerified(peer));
  }

  /** The 60-digit safety number for the peer's trusted key, equal on both sides (`UnknownPeerError` before any key). */
  async safetyNumber(peerAddress: string): Promise<string> {
    const peer = canonical(peerAddress);
    return this.#queue.run(peer, async () => {
      const identityKey = await this.#identities.getIdentity(this.#address(peer));
      if (identityKey === null) throw new UnknownPeerError(peer, 'identity');
      return safetyNumber({ address: this.#onionKey.address, identityKey: this.#localIdentityKey }, { address: peer, identityKey });
    });
  }

  async #hasCurrentSession(address: ProtocolAddress): Promise<boolean> {
    const session = await this.#sessions.getSession(address);
    return session?.hasCurrentState() ?? false;
  }

  #address(peer: string): ProtocolAddress {
    return ProtocolAddress.new(peer, DEVICE_ID);
  }
}

/** The one-time prekey an introduction of ours offers (null if none): what a StalePreKeyError names when it answers it. */
export function introductionPreKeyId(introduction: SignalIntroduction): number | null {
  return parsePreKeyBundle(introduction.prekeyBundle).preKeyId();
}

/** Queue key of prekey issuance; never an onion address, which has 56 characters. */
const ISSUER_QUEUE = 'local:prekey-issuer';

// Parsing checks a SHA3 checksum on every call; the same few peer addresses come back for every message.
const canonicalAddresses = new Map<string, string>();
const MAX_REMEMBERED_ADDRESSES = 4096;

function canonical(peerAddress: string): string {
  const known = canonicalAddresses.get(peerAddress);
  if (known !== undefined) return known;
  const address = parseOnionAddress(peerAddress).address;
  if (canonicalAddresses.size >= MAX_REMEMBERED_ADDRESSES) canonicalAddresses.clear();
  canonicalAddresses.set(peerAddress, address);
  return address;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((byte, i) => byte === b[i]);

function parseMessage<T>(peer: string, deserialize: () => T): T {
  try {
    return deserialize();
  } catch (error) {
    throw new DecryptionError(peer, 'malformed', { cause: error });
  }
}

/**
 * libsignal's errors as this layer's named errors. Errors thrown by our store callbacks reach here wrapped by libsignal
 * (their text kept in its message), so they land in the fallback with the rest.
 */
function translate(peer: string, error: unknown, fallback: (cause: unknown) => Error): Error {
  if (LibSignalErrorBase.is(error, ErrorCode.DuplicatedMessage)) return new DuplicateMessageError(peer, { cause: error });
  if (LibSignalErrorBase.is(error, ErrorCode.UntrustedIdentity)) return new UntrustedIdentityError(peer, { cause: error });
  return fallback(error);
}

const rejected = (peer: string) => (cause: unknown): Error => new DecryptionError(peer, 'rejected', { cause });
