// Schema of the sealed state database: profile, identity, settings, contacts, requests, outbox and Signal records.
import { z } from 'zod';

/** Binary values are kept as base64 strings inside the JSON document. */
const bytes = z.base64();
const instant = z.iso.datetime();

export const settingsSchema = z.object({
  presence: z.object({ status: z.enum(['available', 'away', 'busy']), text: z.string().max(200) }),
  /** What to do with a message to an offline contact: keep it here, or leave it at a relay mailbox. */
  defaultDelivery: z.enum(['hold', 'relay']),
  bridges: z.array(z.string().max(1000)).max(64),
  /** Extra torrc lines the user chose. */
  torOptions: z.array(z.string().max(1000)).max(64),
  notifications: z.object({ enabled: z.boolean(), showContent: z.boolean() }),
  theme: z.enum(['light', 'dark', 'system']),
  /** Files up to this many bytes are received without asking. */
  autoAcceptBytes: z.number().int().min(0),
  /** Where saved files go; empty: the user's Downloads folder. */
  downloadsDir: z.string().max(1_000),
});

export const contactRecordSchema = z.object({
  address: z.string().min(1),
  nickname: z.string().max(64),
  addedAt: instant,
  /** `requested`: we sent a request and wait for their acceptance; `accepted`: a Signal session exists. */
  status: z.enum(['requested', 'accepted']),
  /** The name the contact gave themselves. */
  theirNickname: z.string().max(64).nullable(),
  verified: z.boolean(),
  /** The contact presented a different Signal identity key; messaging waits until the user reviews it. */
  identityChanged: z.boolean(),
  blocked: z.boolean(),
  delivery: z.enum(['hold', 'relay']).nullable(),
  /** Where the contact lets us leave messages while they are offline: their relay and the deposit capability they gave us. */
  theirMailbox: z.object({ relay: z.string().length(56), capability: z.string().min(1).max(200) }).nullable(),
  /** A fellow group member the user did not add: a Signal session exists for the group's sake; not in the contact list. */
  hidden: z.boolean(),
  /** Sequence number of the last stored message we sent them (their receipts count up to it). */
  outSeq: z.number().int().min(0),
  /** Sequence number of the last message from them that we stored. */
  inSeq: z.number().int().min(0),
  unread: z.number().int().min(0),
  lastMessage: z.object({ text: z.string().max(200_000), at: z.number().int(), direction: z.enum(['in', 'out']) }).nullable(),
});

export const contactRequestRecordSchema = z.object({
  address: z.string().min(1),
  direction: z.enum(['incoming', 'outgoing']),
  nickname: z.string().max(64),
  message: z.string().max(2000),
  at: instant,
  /**
   * `rejected` and `answered` (a contact's new request we re-established from) keep only a digest of the request in
   * `payload`, so the same request repeated on later links is recognised and not acted on twice.
   */
  status: z.enum(['pending', 'rejected', 'blocked', 'answered']),
  /** Outgoing: the other side confirmed it received the request. */
  delivered: z.boolean(),
  /**
   * A request made for a group rather than by the user: to a fellow member (no secret), or to join by a link (its
   * secret) or by a public listing that asks an admin (empty secret). Never shown among contact requests.
   */
  group: z.object({ id: z.string().regex(/^[0-9a-f]{32}$/), secret: z.string().max(100).nullable() }).optional(),
  /** The request as it travels on the wire (identity key, binding, prekey bundle); opaque here. */
  payload: bytes,
});

export const outboxRecordSchema = z.object({
  id: z.string().min(1),
  to: z.string().min(1),
  createdAt: instant,
  /** The serialized envelope, kept until the contact acknowledges it. */
  envelope: bytes,
  /** Position in the sender's sequence to this contact: delivery is in this order, exactly once. */
  seq: z.number().int().min(1),
  attempts: z.number().int().min(0),
  nextAttemptAt: instant.nullable(),
  /** How the sender chose to deliver it if the contact is offline: wait for a direct link, or leave it at a relay. */
  via: z.enum(['direct', 'relay']),
  /** A relay holds it until then (absent while none does); optional, so documents written before relays still read. */
  heldUntil: instant.optional(),
  /** Why sending stopped (e.g. `identity-changed`); null while it is still being tried. */
  failed: z.string().max(200).nullable(),
  /** One member's copy of our group message: the group and the message it counts towards ("delivered to 3 of 4"). */
  group: z.object({ id: z.string(), message: z.string() }).optional(),
});

/** One of my relays, as the user added it. */
export const relayRecordSchema = z.object({
  /** 56 characters, without .onion */
  address: z.string().length(56),
  addedAt: instant,
});

/** My mailbox for one contact: a queue on one of my relays, and the capability the contact deposits with. */
export const mailboxRecordSchema = z.object({
  contact: z.string().min(1),
  relay: z.string().length(56),
  /** The queue key's 32-byte ed25519 seed: who holds it can read and delete the queue. */
  queueSeed: bytes,
  capabilityId: z.string().min(1).max(100),
  /** `<id>.<secret>`, as handed to the contact (again on every new link). */
  capability: z.string().min(1).max(200),
  createdAt: instant,
});

const groupId = z.string().regex(/^[0-9a-f]{32}$/);

/** A group we belong to (or are joining, or left): its signed roster log and what we know of it. */
export const groupRecordSchema = z.object({
  id: groupId,
  /** The roster's name, kept for display while the log is empty (joining). */
  name: z.string().min(1).max(64),
  standing: z.enum(['joining', 'member', 'left', 'removed']),
  /** Signed roster operations (their wire bytes), parents before children. */
  operations: z.array(bytes).max(10_000),
  /** Envelopes from members that could not be applied yet (an operation's parent, a sender key or roster change missing). */
  waiting: z.array(z.object({ from: z.string(), envelope: bytes, at: instant })).max(1_000),
  joinedAt: instant,
  /** While joining: the admin we asked. */
  joinVia: z.string().nullable(),
  /** While joining through an admin who has not accepted our contact request yet: the secret to ask them with then. */
  pendingJoinSecret: z.string().max(100).optional(),
  /** While joining: what the admin answered, in words (e.g. the invitation no longer works and an admin must approve). */
  notice: z.string().max(300).optional(),
  /** Owner and admins: the secret of the group's invitation link and of invitations to contacts. */
  joinSecret: z.string().max(100).nullable(),
  unread: z.number().int().min(0),
  lastMessage: z
    .object({ text: z.string().max(200_000), at: z.number().int(), direction: z.enum(['in', 'out']), sender: z.string() })
    .nullable(),
  delivery: z.enum(['hold', 'relay']).nullable(),
  listing: z
    .object({ relay: z.string().length(56), name: z.string().max(32), description: z.string().max(280), policy: z.enum(['open', 'ask']) })
    .nullable(),
});

/** A contact's invitation to one of their groups, waiting for the user's answer. */
export const groupInvitationRecordSchema = z.object({
  id: z.string().min(1),
  group: groupId,
  name: z.string().min(1).max(64),
  from: z.string().min(1),
  memberCount: z.number().int().min(0),
  secret: z.string().max(100),
  at: instant,
});

/** Someone asks to join a group we administer; their introduction waits in contactRequests (with `group`). */
export const groupJoinRequestRecordSchema = z.object({
  address: z.string().min(1),
  group: groupId,
  nickname: z.string().max(64),
  at: instant,
  /** Asked over an existing session (a group-join): the requester's binding, to make their member card if admitted. */
  binding: bytes.optional(),
});

/**
 * Why an incoming file stopped: it failed for good (`altered`, `gone` from its relay, `protocol`), or it waits for a
 * manual accept although under the automatic size (`over-budget`: its sender's daily budget; `low-disk`).
 */
export const FILE_PROBLEMS = ['altered', 'gone', 'protocol', 'over-budget', 'low-disk'] as const;

/** A file sent or received in a conversation; its bytes stay sealed in the profile's files folder. */
export const fileRecordSchema = z.object({
  /** Also the id of the message that carries it. */
  id: z.string().regex(/^[0-9a-f]{32}$/),
  /** The contact's address or the group's id. */
  conversation: z.string().min(1),
  direction: z.enum(['in', 'out']),
  /** Who sent it (our address for ours). */
  from: z.string().min(1),
  name: z.string().min(1).max(255),
  size: z.number().int().min(0),
  mime: z.string().max(100),
  preview: z.enum(['image', 'audio', 'video']).nullable(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  key: bytes,
  state: z.enum(['preparing', 'offered', 'sending', 'sent', 'receiving', 'received', 'cancelled', 'failed']),
  bytes: z.number().int().min(0),
  error: z.string().max(500).nullable(),
  /** Absent in records written before it existed. */
  problem: z.enum(FILE_PROBLEMS).nullable().default(null),
  savedTo: z.string().max(2_000).nullable(),
  createdAt: instant,
  /** A relay that holds the sealed file for whoever fetches it (the offer's capability). */
  relayCopy: z.object({ relay: z.string().length(56), capability: z.string().max(200) }).nullable(),
});

export const stateSchema = z.object({
  formatVersion: z.literal(4),
  profile: z.object({ nickname: z.string().min(1).max(64), createdAt: instant }),
  identity: z.object({
    /** The 32-byte ed25519 seed of the onion identity. */
    onionSeed: bytes.nullable(),
  }),
  settings: settingsSchema,
  contacts: z.record(z.string(), contactRecordSchema),
  contactRequests: z.record(z.string(), contactRequestRecordSchema),
  outbox: z.record(z.string(), outboxRecordSchema),
  relays: z.record(z.string(), relayRecordSchema),
  /** By contact address. */
  mailboxes: z.record(z.string(), mailboxRecordSchema),
  groups: z.record(z.string(), groupRecordSchema),
  /** By invitation id. */
  groupInvitations: z.record(z.string(), groupInvitationRecordSchema),
  /** By requester address. */
  groupJoinRequests: z.record(z.string(), groupJoinRequestRecordSchema),
  /** Files by id. */
  files: z.record(z.string(), fileRecordSchema),
  /** Sender keys and replay records of groups (see electron/core/groups/sender-keys.ts), staged like Signal records. */
  groupKeys: z.record(z.string(), bytes),
  /** The Signal layer's records: opaque bytes by kind and key (see electron/core/signal/record-store.ts). */
  signalRecords: z.object({
    session: z.record(z.string(), bytes),
    identity: z.record(z.string(), bytes),
    prekey: z.record(z.string(), bytes),
    'signed-prekey': z.record(z.string(), bytes),
    'kyber-prekey': z.record(z.string(), bytes),
    local: z.record(z.string(), bytes),
  }),
});

export type StateData = z.infer<typeof stateSchema>;
export type Settings = z.infer<typeof settingsSchema>;
export type ContactRecord = z.infer<typeof contactRecordSchema>;
export type ContactRequestRecord = z.infer<typeof contactRequestRecordSchema>;
export type OutboxRecord = z.infer<typeof outboxRecordSchema>;
export type RelayRecord = z.infer<typeof relayRecordSchema>;
export type MailboxRecord = z.infer<typeof mailboxRecordSchema>;
export type GroupRecord = z.infer<typeof groupRecordSchema>;
export type FileRecord = z.infer<typeof fileRecordSchema>;
export type FileProblem = (typeof FILE_PROBLEMS)[number];
export type GroupInvitationRecord = z.infer<typeof groupInvitationRecordSchema>;
export type GroupJoinRequestRecord = z.infer<typeof groupJoinRequestRecordSchema>;
export type SignalRecordKind = keyof StateData['signalRecords'];
