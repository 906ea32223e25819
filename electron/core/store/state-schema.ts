// Schema of the sealed state database: profile, identity, settings, contacts, requests, outbox and Signal records.
import { z } from 'zod';

/** Binary values are kept as base64 strings inside the JSON document. */
const bytes = z.base64();
const instant = z.iso.datetime();

export const settingsSchema = z.object({
  presence: z.object({ status: z.enum(['available', 'away', 'busy']), text: z.string().max(200) }),
  /** What to do with a message to an offline contact: keep it here, or leave it at a relay mailbox. */
  defaultDelivery: z.enum(['hold', 'relay']),
  bridges: z.array(z.string().max(1000)).max(50),
  notifications: z.boolean(),
});

export const contactRecordSchema = z.object({
  address: z.string().min(1),
  nickname: z.string().max(64),
  addedAt: instant,
  signalIdentityKey: bytes.nullable(),
  verified: z.boolean(),
  blocked: z.boolean(),
  delivery: z.enum(['hold', 'relay']).nullable(),
});

export const contactRequestRecordSchema = z.object({
  address: z.string().min(1),
  direction: z.enum(['incoming', 'outgoing']),
  nickname: z.string().max(64),
  message: z.string().max(2000),
  at: instant,
  status: z.enum(['pending', 'rejected', 'blocked']),
  /** The request as it travels on the wire (identity key, binding, prekey bundle); opaque here. */
  payload: bytes,
});

export const outboxRecordSchema = z.object({
  id: z.string().min(1),
  to: z.string().min(1),
  createdAt: instant,
  /** The serialized envelope, kept until the contact acknowledges it. */
  envelope: bytes,
  attempts: z.number().int().min(0),
  nextAttemptAt: instant.nullable(),
  via: z.enum(['direct', 'relay']),
});

export const stateSchema = z.object({
  formatVersion: z.literal(1),
  profile: z.object({ nickname: z.string().min(1).max(64), createdAt: instant }),
  identity: z.object({
    /** The 32-byte ed25519 seed of the onion identity. */
    onionSeed: bytes.nullable(),
    signalIdentityKeyPair: bytes.nullable(),
    signalRegistrationId: z.number().int().min(0).nullable(),
  }),
  settings: settingsSchema,
  contacts: z.record(z.string(), contactRecordSchema),
  contactRequests: z.record(z.string(), contactRequestRecordSchema),
  outbox: z.record(z.string(), outboxRecordSchema),
  signal: z.object({
    /** Keyed by `<address>.<deviceId>`. */
    sessions: z.record(z.string(), bytes),
    /** Trusted identity keys of remote addresses. */
    identityKeys: z.record(z.string(), bytes),
    preKeys: z.record(z.string(), bytes),
    signedPreKeys: z.record(z.string(), bytes),
    kyberPreKeys: z.record(z.string(), z.object({ record: bytes, used: z.boolean() })),
  }),
});

export type StateData = z.infer<typeof stateSchema>;
export type Settings = z.infer<typeof settingsSchema>;
export type ContactRecord = z.infer<typeof contactRecordSchema>;
export type ContactRequestRecord = z.infer<typeof contactRequestRecordSchema>;
export type OutboxRecord = z.infer<typeof outboxRecordSchema>;
