// The envelope carried inside every Signal message between contacts: id, time, kind and a typed body.
import { randomBytes } from 'node:crypto';
import { decode, encode } from '@msgpack/msgpack';
import { z } from 'zod';
import { LIMITS } from '../../shared/api/index.js';

export const ENVELOPE_VERSION = 1;

/** Any byte array (msgpack decodes bin fields to Uint8Array). */
const bytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'must be bytes');

const boundedBytes = (max: number) =>
  z.custom<Uint8Array>((value) => value instanceof Uint8Array && value.length <= max, `must be at most ${String(max)} bytes`);
const seq = z.number().int().min(1);
const groupId = z.string().regex(/^[0-9a-f]{32}$/);
const hexId = z.string().regex(/^[0-9a-f]{32}$/);
/** The secret of a group's invitations (base64url); empty asks an admin instead. */
const joinSecret = z.string().regex(/^[A-Za-z0-9_-]{0,64}$/);

/** What a receiver needs to fetch, check and open a file: its id, how it is called and typed, its hash and key. */
const fileOffer = z
  .object({
    id: hexId,
    /** As the sender named it; the receiver makes it safe before using it anywhere. */
    name: z.string().min(1).max(LIMITS.fileName),
    size: z.number().int().min(0).max(LIMITS.fileBytes),
    /** The sender's sniffed type: shown, never trusted (the receiver sniffs the verified bytes itself). */
    mime: z.string().max(100),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    key: boundedBytes(32).refine((key) => key.length === 32, 'must be 32 bytes'),
    /** A relay holding the sealed file, for when the sender is offline. */
    relay: z.object({ relay: z.string().regex(/^[a-z2-7]{56}$/), capability: z.string().regex(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/) }).strict().nullable(),
  })
  .strict();
export type FileOffer = z.infer<typeof fileOffer>;
export const fileOfferSchema = fileOffer;

const presenceBody = z.object({ status: z.enum(['available', 'away', 'busy']), text: z.string().max(LIMITS.statusText) }).strict();

/** Each kind with its body. `seq` orders a sender's stored messages to one contact: 1, 2, 3 … */
const envelopeBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), seq: z.number().int().min(1), text: z.string().min(1).max(LIMITS.messageText) }).strict(),
  /** Cumulative acknowledgement: every sequenced message up to `upTo` is stored by the receiver. */
  z.object({ kind: z.literal('receipt'), upTo: z.number().int().min(0) }).strict(),
  z.object({ kind: z.literal('presence'), presence: presenceBody }).strict(),
  z.object({ kind: z.literal('typing'), typing: z.boolean() }).strict(),
  z.object({ kind: z.literal('profile'), nickname: z.string().min(1).max(LIMITS.nickname) }).strict(),
  /**
   * Where the sender lets us leave messages while they are offline: a relay and a deposit capability for it; both null
   * when they have none (any more). Sent on every new link and whenever it changes.
   */
  z
    .object({
      kind: z.literal('mailbox'),
      relay: z.string().regex(/^[a-z2-7]{56}$/).nullable(),
      /** `<capability id>.<secret>`, base64url, as the relay made it; checked here because it becomes an HTTP header. */
      capability: z
        .string()
        .regex(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/)
        .nullable(),
    })
    .strict(),
  // ——— groups (electron/core/groups/): sequenced like text, so each member gets them in order, exactly once ———
  /** Signed roster operations, parents first: one new operation, or the whole log for a member who just joined. */
  z.object({ kind: z.literal('group-ops'), seq, group: groupId, operations: z.array(boundedBytes(4_200)).min(1).max(2_000) }).strict(),
  /** The sender's sender key distribution for the group's current key epoch. */
  z.object({ kind: z.literal('group-key'), seq, group: groupId, distribution: boundedBytes(1_024) }).strict(),
  /** A message to the group, sealed once with the sender's sender key; `message` names it across all members' copies. */
  z.object({ kind: z.literal('group-message'), seq, group: groupId, message: hexId, ciphertext: boundedBytes(LIMITS.messageText * 4 + 1_024) }).strict(),
  /** A contact invites us into one of their groups. */
  z
    .object({
      kind: z.literal('group-invite'),
      seq,
      group: groupId,
      name: z.string().min(1).max(LIMITS.groupName),
      memberCount: z.number().int().min(1).max(100_000),
      secret: joinSecret,
    })
    .strict(),
  /** We accept an invitation (or use a link) over an existing session: our binding makes our member card. */
  z.object({ kind: z.literal('group-join'), seq, group: groupId, secret: joinSecret, binding: boundedBytes(64) }).strict(),
  /** The admin's answer to a group-join that does not let us in by itself: it waits for an admin (an old invitation, or a group that asks). */
  z.object({ kind: z.literal('group-join-waiting'), seq, group: groupId, reason: z.enum(['expired', 'ask']) }).strict(),
  // ——— files (messaging/files/): the offer travels like text; the bytes on their own stream or from a relay ———
  z.object({ kind: z.literal('file'), seq, file: fileOffer }).strict(),
  /** The sender withdrew the file, or the receiver declined or stopped it. */
  z.object({ kind: z.literal('file-cancel'), seq, file: hexId }).strict(),
  /** The receiver holds the file, checked: the sender shows it sent (however it travelled, the relay included). */
  z.object({ kind: z.literal('file-received'), seq, file: hexId }).strict(),
  /** Sent by the side that accepted a contact request, as the first Signal message of the session. */
  z
    .object({ kind: z.literal('accept'), seq: z.number().int().min(1), nickname: z.string().min(1).max(LIMITS.nickname), binding: bytes })
    .strict(),
]);

const envelopeSchema = z
  .object({
    v: z.literal(ENVELOPE_VERSION),
    /** 128-bit random id, hex. */
    id: z.string().regex(/^[0-9a-f]{32}$/),
    /** Milliseconds since the epoch, sender's clock. */
    sentAt: z.number().int().min(0),
    body: envelopeBody,
  })
  .strict();

export type Envelope = z.infer<typeof envelopeSchema>;
export type EnvelopeBody = z.infer<typeof envelopeBody>;
export type EnvelopeKind = EnvelopeBody['kind'];
export type GroupEnvelopeBody = Extract<EnvelopeBody, { kind: `group-${string}` }>;

export type FileEnvelopeBody = Extract<EnvelopeBody, { kind: 'file' | 'file-cancel' | 'file-received' }>;

export function isFileBody(body: EnvelopeBody): body is FileEnvelopeBody {
  return body.kind === 'file' || body.kind === 'file-cancel' || body.kind === 'file-received';
}

export function isGroupBody(body: EnvelopeBody): body is GroupEnvelopeBody {
  return body.kind.startsWith('group-');
}

export class EnvelopeFormatError extends Error {
  override readonly name = 'EnvelopeFormatError';
}

export function newEnvelopeId(): string {
  return randomBytes(16).toString('hex');
}

export function makeEnvelope(body: EnvelopeBody, now = Date.now()): Envelope {
  return { v: ENVELOPE_VERSION, id: newEnvelopeId(), sentAt: now, body };
}

export function encodeEnvelope(envelope: Envelope): Uint8Array {
  return encode(envelopeSchema.parse(envelope));
}

/** Decodes and validates a decrypted envelope; anything else is an EnvelopeFormatError. */
export function decodeEnvelope(bytes: Uint8Array): Envelope {
  let raw: unknown;
  try {
    raw = decode(bytes);
  } catch (error) {
    throw new EnvelopeFormatError('The envelope is not valid MessagePack.', { cause: error });
  }
  const parsed = envelopeSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EnvelopeFormatError(`The envelope is malformed at ${issue?.path.join('.') || 'top level'}: ${issue?.message ?? 'invalid'}.`);
  }
  return parsed.data;
}
