// The relay's HTTP API as data: paths, error codes and the JSON bodies both sides validate with zod.
import { z } from 'zod';

export const API_PREFIX = '/v1';
/** The longest a fetch may wait for a deposit before answering an empty batch. */
export const MAX_WAIT_SECONDS = 25;
export const MAX_FETCH_LIMIT = 100;

/** A queue id is its ed25519 public key, base64url without padding (43 characters). */
export const QUEUE_ID = /^[A-Za-z0-9_-]{43}$/;
/** Envelope ids are chosen by the depositor: 16 to 64 characters of base64url. */
export const ENVELOPE_ID = /^[A-Za-z0-9_-]{16,64}$/;
/** Capability ids and secrets are random base64url strings the relay made. */
export const CAPABILITY_ID = /^[A-Za-z0-9_-]{22}$/;
export const CAPABILITY_SECRET = /^[A-Za-z0-9_-]{43}$/;

/** Header carrying a deposit capability: `<capability id>.<secret>`. */
export const HEADER_CAPABILITY = 'x-allium-capability';
/** Header naming the deposited envelope, the key of idempotency. */
export const HEADER_ENVELOPE_ID = 'x-allium-envelope-id';

export const queuePath = (queueId: string): string => `${API_PREFIX}/queues/${queueId}`;
export const capabilitiesPath = (queueId: string): string => `${queuePath(queueId)}/capabilities`;
export const capabilityPath = (queueId: string, capabilityId: string): string => `${capabilitiesPath(queueId)}/${capabilityId}`;
export const messagesPath = (queueId: string): string => `${queuePath(queueId)}/messages`;
export const ackPath = (queueId: string): string => `${queuePath(queueId)}/ack`;
export const DEPOSITS_PATH = `${API_PREFIX}/deposits`;
export const INFO_PATH = `${API_PREFIX}/info`;

/** Every refusal's `error` field; each has one HTTP status (see RELAY_ERROR_STATUS). */
export const RELAY_ERROR_CODES = [
  'malformed-request',
  'invalid-json',
  'not-found',
  'method-not-allowed',
  'signature-missing',
  'signature-invalid',
  'signature-stale',
  'capability-missing',
  'capability-invalid',
  'queue-not-found',
  'envelope-conflict',
  'body-too-large',
  'body-not-padded',
  'rate-limited',
  'queue-full',
  'too-many-capabilities',
  'relay-full',
  'too-many-waiting',
  'name-taken',
  'listing-outdated',
  'listing-not-found',
  'not-listing-owner',
  'too-many-listings',
  'directory-full',
  'blob-not-found',
  'blob-offset-mismatch',
  'blob-incomplete',
  'blob-too-large',
  'blob-quota',
  'range-not-satisfiable',
  'proof-required',
  'internal-error',
] as const;
export type RelayErrorCode = (typeof RELAY_ERROR_CODES)[number];

export const RELAY_ERROR_STATUS: Readonly<Record<RelayErrorCode, number>> = {
  'malformed-request': 400,
  'invalid-json': 400,
  'not-found': 404,
  'method-not-allowed': 405,
  'signature-missing': 401,
  'signature-invalid': 401,
  'signature-stale': 401,
  'capability-missing': 401,
  'capability-invalid': 403,
  'queue-not-found': 404,
  'envelope-conflict': 409,
  'body-too-large': 413,
  'body-not-padded': 422,
  'rate-limited': 429,
  'queue-full': 507,
  'too-many-capabilities': 507,
  'relay-full': 507,
  'too-many-waiting': 503,
  'name-taken': 409,
  'listing-outdated': 409,
  'listing-not-found': 404,
  'not-listing-owner': 403,
  'too-many-listings': 507,
  'directory-full': 507,
  'blob-not-found': 404,
  'blob-offset-mismatch': 409,
  'blob-incomplete': 409,
  'blob-too-large': 413,
  'blob-quota': 507,
  'range-not-satisfiable': 416,
  'proof-required': 428,
  'internal-error': 500,
};

export const refusalSchema = z.object({ error: z.enum(RELAY_ERROR_CODES), message: z.string() });
export type RelayRefusal = z.infer<typeof refusalSchema>;

export const infoSchema = z.object({
  service: z.literal('allium-relay'),
  version: z.literal(1),
  buckets: z.array(z.number().int().positive()),
  retentionMs: z.number().int().positive(),
  maxWaitSeconds: z.number().int().positive(),
  /** The blob store's limits; absent on a relay without one. */
  blobs: z
    .object({
      maxBytes: z.number().int().positive(),
      chunkBytes: z.number().int().positive(),
      retentionMs: z.number().int().positive(),
      queueMaxBytes: z.number().int().positive(),
    })
    .optional(),
});
export type RelayInfo = z.infer<typeof infoSchema>;

export const queueCreatedSchema = z.object({ queueId: z.string().regex(QUEUE_ID), created: z.boolean() });

export const capabilityCreatedSchema = z.object({
  capabilityId: z.string().regex(CAPABILITY_ID),
  /** `<capability id>.<secret>`: what the recipient hands a contact; the relay keeps only the secret's hash. */
  capability: z.string(),
});

export const capabilityRevokedSchema = z.object({ revoked: z.boolean() });

export const depositAcceptedSchema = z.object({
  /** Milliseconds since the epoch after which the relay deletes the envelope undelivered. */
  expiresAt: z.number().int(),
  /** False when this envelope id was already deposited: nothing new was stored. */
  stored: z.boolean(),
});

export const fetchedMessageSchema = z.object({
  sequence: z.number().int().positive(),
  envelopeId: z.string().regex(ENVELOPE_ID),
  /** The padded body, base64. */
  body: z.string(),
  depositedAt: z.number().int(),
  expiresAt: z.number().int(),
});
export const fetchedBatchSchema = z.object({ messages: z.array(fetchedMessageSchema) });

export const ackRequestSchema = z.strictObject({ upTo: z.number().int().nonnegative() });
export const ackedSchema = z.object({ deleted: z.number().int().nonnegative() });
