// Typed accessors over the sealed state database; every change is durable (journaled) before its promise settles.
import { InvalidDocumentError, ProfileLockedError } from './errors.js';
import type { StateDatabase } from './state-database.js';
import { StateMutators, type ContactPatch } from './state-mutators.js';
import type {
  ContactRecord,
  ContactRequestRecord,
  FileRecord,
  GroupInvitationRecord,
  GroupJoinRequestRecord,
  GroupRecord,
  MailboxRecord,
  OutboxRecord,
  RelayRecord,
  Settings,
  SignalRecordKind,
  StateData,
} from './state-schema.js';

export interface Identity {
  onionSeed: Uint8Array | null;
}

export type Contact = ContactRecord;

/** A contact as first added: nothing exchanged yet. */
export function newContact(fields: Pick<Contact, 'address' | 'nickname' | 'addedAt' | 'status'>): Contact {
  return {
    ...fields,
    theirNickname: null,
    verified: false,
    identityChanged: false,
    blocked: false,
    delivery: null,
    theirMailbox: null,
    outSeq: 0,
    inSeq: 0,
    unread: 0,
    lastMessage: null,
    hidden: false,
  };
}
export type ContactRequest = Omit<ContactRequestRecord, 'payload'> & { payload: Uint8Array };
export type OutboxEntry = Omit<OutboxRecord, 'envelope'> & { envelope: Uint8Array };
export type Relay = RelayRecord;
export type Mailbox = Omit<MailboxRecord, 'queueSeed'> & { queueSeed: Uint8Array };
export type Group = Omit<GroupRecord, 'operations' | 'waiting'> & {
  operations: Uint8Array[];
  waiting: { from: string; envelope: Uint8Array; at: string }[];
};
export type GroupInvitation = GroupInvitationRecord;
export type StoredFile = Omit<FileRecord, 'key'> & { key: Uint8Array };

export function fileFromRecord(record: FileRecord): StoredFile {
  return { ...structuredClone(record), key: fromBase64(record.key) };
}

export function fileToRecord(file: StoredFile): FileRecord {
  return { ...structuredClone({ ...file, key: undefined }), key: toBase64(file.key) };
}
export type GroupJoinRequest = GroupJoinRequestRecord;

export function groupFromRecord(record: GroupRecord): Group {
  return {
    ...structuredClone(record),
    operations: record.operations.map(fromBase64),
    waiting: record.waiting.map((w) => ({ ...w, envelope: fromBase64(w.envelope) })),
  };
}

export function groupToRecord(group: Group): GroupRecord {
  return {
    ...structuredClone(group),
    operations: group.operations.map(toBase64),
    waiting: group.waiting.map((w) => ({ ...w, envelope: toBase64(w.envelope) })),
  };
}

const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
const fromBase64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

export class ProfileState {
  private locked = false;

  constructor(private readonly db: StateDatabase) {}

  /**
   * Applies several changes with a single durable write (one journal record). A change that breaks the schema is refused
   * (InvalidDocumentError) and memory goes back to what is on disk, so later writes are not poisoned.
   */
  async update(change: (draft: StateData) => void): Promise<void> {
    change(this.data);
    try {
      await this.db.write();
    } catch (error) {
      if (error instanceof InvalidDocumentError) this.db.reload();
      throw error;
    }
  }

  /** Applies several named changes (contacts, requests, outbox) with a single durable write, as {@link update} does. */
  transact(change: (tx: StateMutators) => void): Promise<void> {
    return this.update((d) => change(new StateMutators(d)));
  }

  /** Changes one stored contact with one write; false if there is no contact at that address. */
  async updateContact(address: string, patch: ContactPatch): Promise<boolean> {
    let found = false;
    await this.transact((tx) => {
      found = tx.contacts.update(address, patch);
    });
    return found;
  }

  /**
   * Applies a change in memory only; it becomes durable with the next write of any kind (update or persist).
   * For changes whose durability a caller orders itself, e.g. Signal ratchet steps saved together with a message.
   */
  stage(change: (draft: StateData) => void): void {
    change(this.data);
  }

  /** Makes every staged change durable. */
  persist(): Promise<void> {
    return this.update(() => undefined);
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
    const { onionSeed } = this.data.identity;
    return { onionSeed: onionSeed === null ? null : fromBase64(onionSeed) };
  }

  setIdentity(patch: Partial<Identity>): Promise<void> {
    return this.update((d) => {
      if (patch.onionSeed !== undefined) d.identity.onionSeed = patch.onionSeed && toBase64(patch.onionSeed);
    });
  }

  /** One Signal record (see electron/core/signal/record-store.ts); undefined when absent. */
  signalRecord(kind: SignalRecordKind, key: string): Uint8Array | undefined {
    const value = this.data.signalRecords[kind][key];
    return value === undefined ? undefined : fromBase64(value);
  }

  /** Staged: durable with the next write (see {@link stage}). */
  putSignalRecord(kind: SignalRecordKind, key: string, value: Uint8Array): void {
    this.stage((d) => {
      d.signalRecords[kind][key] = toBase64(value);
    });
  }

  /** Staged: durable with the next write (see {@link stage}). */
  deleteSignalRecord(kind: SignalRecordKind, key: string): void {
    this.stage((d) => {
      delete d.signalRecords[kind][key];
    });
  }

  signalRecordKeys(kind: SignalRecordKind): string[] {
    return Object.keys(this.data.signalRecords[kind]);
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
    return Object.values(this.data.contacts).map((c) => structuredClone(c));
  }

  contact(address: string): Contact | undefined {
    const record = this.data.contacts[address];
    return record && structuredClone(record);
  }

  putContact(contact: Contact): Promise<void> {
    return this.update((d) => {
      d.contacts[contact.address] = structuredClone(contact);
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

  /** My relays, oldest first. */
  relays(): Relay[] {
    return Object.values(this.data.relays)
      .sort((a, b) => a.addedAt.localeCompare(b.addedAt))
      .map((r) => structuredClone(r));
  }

  /** My mailboxes, one per contact that has one. */
  mailboxes(): Mailbox[] {
    return Object.values(this.data.mailboxes).map((m) => ({ ...structuredClone(m), queueSeed: fromBase64(m.queueSeed) }));
  }

  mailbox(contact: string): Mailbox | undefined {
    const record = this.data.mailboxes[contact];
    return record && { ...structuredClone(record), queueSeed: fromBase64(record.queueSeed) };
  }

  groups(): Group[] {
    return Object.values(this.data.groups).map(groupFromRecord);
  }

  group(id: string): Group | undefined {
    const record = this.data.groups[id];
    return record && groupFromRecord(record);
  }

  files(): StoredFile[] {
    return Object.values(this.data.files).map(fileFromRecord);
  }

  file(id: string): StoredFile | undefined {
    const record = this.data.files[id];
    return record && fileFromRecord(record);
  }

  groupInvitations(): GroupInvitation[] {
    return Object.values(this.data.groupInvitations).map((i) => structuredClone(i));
  }

  groupJoinRequests(): GroupJoinRequest[] {
    return Object.values(this.data.groupJoinRequests).map((r) => structuredClone(r));
  }

  /** A group key record (sender keys, replay records); undefined when absent. */
  groupKey(key: string): Uint8Array | undefined {
    const value = this.data.groupKeys[key];
    return value === undefined ? undefined : fromBase64(value);
  }

  /** Staged: durable with the next write (see {@link stage}), like Signal records. */
  putGroupKey(key: string, value: Uint8Array): void {
    this.stage((d) => {
      d.groupKeys[key] = toBase64(value);
    });
  }

  /** Staged: durable with the next write (see {@link stage}). */
  deleteGroupKey(key: string): void {
    this.stage((d) => {
      delete d.groupKeys[key];
    });
  }

  groupKeyNames(): string[] {
    return Object.keys(this.data.groupKeys);
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
}
