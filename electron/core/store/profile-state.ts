// Typed accessors over the sealed state database; every change is written through before its promise settles.
import type { Low } from 'lowdb';
import { ProfileLockedError } from './errors.js';
import type { ContactRecord, ContactRequestRecord, OutboxRecord, Settings, StateData } from './state-schema.js';

export interface Identity {
  onionSeed: Uint8Array | null;
  signalIdentityKeyPair: Uint8Array | null;
  signalRegistrationId: number | null;
}

export type Contact = Omit<ContactRecord, 'signalIdentityKey'> & { signalIdentityKey: Uint8Array | null };
export type ContactRequest = Omit<ContactRequestRecord, 'payload'> & { payload: Uint8Array };
export type OutboxEntry = Omit<OutboxRecord, 'envelope'> & { envelope: Uint8Array };

/** A map of opaque byte records, as the Signal store adapters need them. */
export interface ByteRecords<K> {
  get(key: K): Uint8Array | undefined;
  put(key: K, value: Uint8Array): Promise<void>;
  remove(key: K): Promise<void>;
  keys(): K[];
}

export interface SignalAddress {
  name: string;
  deviceId: number;
}

const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
const fromBase64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));
const sessionKey = ({ name, deviceId }: SignalAddress): string => `${name}.${String(deviceId)}`;
function parseSessionKey(key: string): SignalAddress {
  const dot = key.lastIndexOf('.');
  return { name: key.slice(0, dot), deviceId: Number(key.slice(dot + 1)) };
}

export class ProfileState {
  readonly signal: {
    sessions: ByteRecords<SignalAddress>;
    identityKeys: ByteRecords<string>;
    preKeys: ByteRecords<number>;
    signedPreKeys: ByteRecords<number>;
    kyberPreKeys: ByteRecords<number> & { isUsed(id: number): boolean; markUsed(id: number): Promise<void> };
  };

  private locked = false;

  constructor(private readonly db: Low<StateData>) {
    this.signal = {
      sessions: this.byteRecords((d) => d.signal.sessions, parseSessionKey, sessionKey),
      identityKeys: this.byteRecords((d) => d.signal.identityKeys, String, String),
      preKeys: this.byteRecords((d) => d.signal.preKeys, Number, String),
      signedPreKeys: this.byteRecords((d) => d.signal.signedPreKeys, Number, String),
      kyberPreKeys: {
        get: (id) => {
          const entry = this.data.signal.kyberPreKeys[String(id)];
          return entry && fromBase64(entry.record);
        },
        put: (id, value) =>
          this.update((d) => {
            d.signal.kyberPreKeys[String(id)] = { record: toBase64(value), used: false };
          }),
        remove: (id) =>
          this.update((d) => {
            delete d.signal.kyberPreKeys[String(id)];
          }),
        keys: () => Object.keys(this.data.signal.kyberPreKeys).map(Number),
        isUsed: (id) => this.data.signal.kyberPreKeys[String(id)]?.used ?? false,
        markUsed: (id) =>
          this.update((d) => {
            const entry = d.signal.kyberPreKeys[String(id)];
            if (entry) entry.used = true;
          }),
      },
    };
  }

  /** Applies several changes with a single durable write. */
  async update(change: (draft: StateData) => void): Promise<void> {
    change(this.data);
    await this.db.write();
  }

  get nickname(): string {
    return this.data.profile.nickname;
  }

  setNickname(nickname: string): Promise<void> {
    return this.update((d) => {
      d.profile.nickname = nickname;
    });
  }

  get identity(): Identity {
    const { onionSeed, signalIdentityKeyPair, signalRegistrationId } = this.data.identity;
    return {
      onionSeed: onionSeed === null ? null : fromBase64(onionSeed),
      signalIdentityKeyPair: signalIdentityKeyPair === null ? null : fromBase64(signalIdentityKeyPair),
      signalRegistrationId,
    };
  }

  setIdentity(patch: Partial<Identity>): Promise<void> {
    return this.update((d) => {
      if (patch.onionSeed !== undefined) d.identity.onionSeed = patch.onionSeed && toBase64(patch.onionSeed);
      if (patch.signalIdentityKeyPair !== undefined) {
        d.identity.signalIdentityKeyPair = patch.signalIdentityKeyPair && toBase64(patch.signalIdentityKeyPair);
      }
      if (patch.signalRegistrationId !== undefined) d.identity.signalRegistrationId = patch.signalRegistrationId;
    });
  }

  get settings(): Settings {
    return structuredClone(this.data.settings);
  }

  updateSettings(patch: Partial<Settings>): Promise<void> {
    return this.update((d) => {
      d.settings = { ...d.settings, ...structuredClone(patch) };
    });
  }

  contacts(): Contact[] {
    return Object.values(this.data.contacts).map(decodeContact);
  }

  contact(address: string): Contact | undefined {
    const record = this.data.contacts[address];
    return record && decodeContact(record);
  }

  putContact(contact: Contact): Promise<void> {
    return this.update((d) => {
      d.contacts[contact.address] = {
        ...contact,
        signalIdentityKey: contact.signalIdentityKey && toBase64(contact.signalIdentityKey),
      };
    });
  }

  removeContact(address: string): Promise<void> {
    return this.update((d) => {
      delete d.contacts[address];
    });
  }

  contactRequests(): ContactRequest[] {
    return Object.values(this.data.contactRequests).map((r) => ({ ...r, payload: fromBase64(r.payload) }));
  }

  putContactRequest(request: ContactRequest): Promise<void> {
    return this.update((d) => {
      d.contactRequests[request.address] = { ...request, payload: toBase64(request.payload) };
    });
  }

  removeContactRequest(address: string): Promise<void> {
    return this.update((d) => {
      delete d.contactRequests[address];
    });
  }

  /** Pending outgoing envelopes, oldest first. */
  outbox(): OutboxEntry[] {
    return Object.values(this.data.outbox)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map((r) => ({ ...r, envelope: fromBase64(r.envelope) }));
  }

  putOutboxEntry(entry: OutboxEntry): Promise<void> {
    return this.update((d) => {
      d.outbox[entry.id] = { ...entry, envelope: toBase64(entry.envelope) };
    });
  }

  removeOutboxEntry(id: string): Promise<void> {
    return this.update((d) => {
      delete d.outbox[id];
    });
  }

  /** Called by lock(): the document stays in memory no longer than the session. */
  close(): void {
    this.locked = true;
  }

  /** The whole document, for backups. */
  snapshot(): StateData {
    return structuredClone(this.data);
  }

  private get data(): StateData {
    if (this.locked) throw new ProfileLockedError();
    return this.db.data;
  }

  private byteRecords<K>(
    select: (d: StateData) => Record<string, string>,
    decodeKey: (key: string) => K,
    encodeKey: (key: K) => string,
  ): ByteRecords<K> {
    return {
      get: (key) => {
        const value = select(this.data)[encodeKey(key)];
        return value === undefined ? undefined : fromBase64(value);
      },
      put: (key, value) =>
        this.update((d) => {
          select(d)[encodeKey(key)] = toBase64(value);
        }),
      remove: (key) =>
        this.update((d) => {
          delete select(d)[encodeKey(key)];
        }),
      keys: () => Object.keys(select(this.data)).map(decodeKey),
    };
  }
}

function decodeContact(record: ContactRecord): Contact {
  return { ...record, signalIdentityKey: record.signalIdentityKey === null ? null : fromBase64(record.signalIdentityKey) };
}
