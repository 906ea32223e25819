// Named changes to the state document (contacts, requests, outbox, relays, mailboxes), so callers say what changes instead of editing raw JSON.
import { fileToRecord, groupFromRecord, groupToRecord, type StoredFile, type Contact, type ContactRequest, type Group, type GroupInvitation, type GroupJoinRequest, type Mailbox, type OutboxEntry, type Relay } from './profile-state.js';
import type { StateData } from './state-schema.js';

const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/** A change to one contact: fields to set, or a function that edits a copy and may return nothing. */
export type ContactPatch = Partial<Omit<Contact, 'address'>> | ((contact: Contact) => void);

/**
 * The changes one state write can carry. Made by ProfileState.transact for one write; every mutator edits the document in
 * memory, and the transaction makes them durable together (one journal record).
 */
export class StateMutators {
  constructor(private readonly draft: StateData) {}

  readonly contacts = {
    /** Changes a stored contact; false (and nothing changed) if there is no contact at that address. */
    update: (address: string, patch: ContactPatch): boolean => {
      const record = this.draft.contacts[address];
      if (record === undefined) return false;
      if (typeof patch === 'function') patch(record);
      else Object.assign(record, structuredClone(patch));
      return true;
    },
    put: (contact: Contact): void => {
      this.draft.contacts[contact.address] = structuredClone(contact);
    },
    remove: (address: string): void => {
      delete this.draft.contacts[address];
    },
  };

  readonly contactRequests = {
    put: (request: ContactRequest): void => {
      this.draft.contactRequests[request.address] = structuredClone({ ...request, payload: toBase64(request.payload) });
    },
    remove: (address: string): void => {
      delete this.draft.contactRequests[address];
    },
  };

  readonly outbox = {
    put: (entry: OutboxEntry): void => {
      this.draft.outbox[entry.id] = { ...entry, envelope: toBase64(entry.envelope) };
    },
    /** Changes the scheduling fields of a stored entry; false if it is gone (delivered or removed meanwhile). */
    update: (id: string, patch: Partial<Pick<OutboxEntry, 'attempts' | 'nextAttemptAt' | 'heldUntil' | 'failed'>>): boolean => {
      const record = this.draft.outbox[id];
      if (record === undefined) return false;
      Object.assign(record, patch);
      return true;
    },
    remove: (id: string): void => {
      delete this.draft.outbox[id];
    },
    /** Removes every entry addressed to `to`. */
    removeTo: (to: string): void => {
      for (const [id, entry] of Object.entries(this.draft.outbox)) if (entry.to === to) delete this.draft.outbox[id];
    },
  };

  readonly relays = {
    put: (relay: Relay): void => {
      this.draft.relays[relay.address] = structuredClone(relay);
    },
    remove: (address: string): void => {
      delete this.draft.relays[address];
    },
  };

  /** My mailboxes, by contact address. */
  readonly mailboxes = {
    put: ({ queueSeed, ...mailbox }: Mailbox): void => {
      this.draft.mailboxes[mailbox.contact] = { ...structuredClone(mailbox), queueSeed: toBase64(queueSeed) };
    },
    remove: (contact: string): void => {
      delete this.draft.mailboxes[contact];
    },
  };

  readonly groups = {
    put: (group: Group): void => {
      this.draft.groups[group.id] = groupToRecord(group);
    },
    /** Changes a stored group through a copy; false (and nothing changed) if there is no such group. */
    update: (id: string, change: (group: Group) => void): boolean => {
      const record = this.draft.groups[id];
      if (record === undefined) return false;
      const group = groupFromRecord(record);
      change(group);
      this.draft.groups[id] = groupToRecord(group);
      return true;
    },
    remove: (id: string): void => {
      delete this.draft.groups[id];
    },
  };

  readonly groupInvitations = {
    put: (invitation: GroupInvitation): void => {
      this.draft.groupInvitations[invitation.id] = structuredClone(invitation);
    },
    remove: (id: string): void => {
      delete this.draft.groupInvitations[id];
    },
  };

  /** By requester address. */
  readonly groupJoinRequests = {
    put: (request: GroupJoinRequest): void => {
      this.draft.groupJoinRequests[request.address] = structuredClone(request);
    },
    remove: (address: string): void => {
      delete this.draft.groupJoinRequests[address];
    },
  };

  readonly files = {
    put: (file: StoredFile): void => {
      this.draft.files[file.id] = fileToRecord(file);
    },
    /** Changes a stored file's progress fields; false if there is no such file. */
    update: (id: string, patch: Partial<Pick<StoredFile, 'state' | 'bytes' | 'error' | 'savedTo' | 'relayCopy'>>): boolean => {
      const record = this.draft.files[id];
      if (record === undefined) return false;
      Object.assign(record, structuredClone(patch));
      return true;
    },
    remove: (id: string): void => {
      delete this.draft.files[id];
    },
  };
}
