// One signed roster operation: its fields (zod), its MessagePack wire form, its signature and its hash.
import { createHash } from 'node:crypto';
import { decode, encode } from '@msgpack/msgpack';
import { z } from 'zod';
import { isOnionAddress, verifyOnionSignature, type OnionKey } from '../identity/index.js';
import { GroupFormatError } from './errors.js';

export const ROSTER_OPERATION_VERSION = 1;
/** An operation follows every head of the log its author held; more than this is refused as hostile. */
export const MAX_PARENTS = 16;
export const MAX_GROUP_NAME = 64;
const MAX_BODY_BYTES = 4096;
/** Prefixed to the body before signing, so an operation's signature means nothing anywhere else. */
const SIGNATURE_CONTEXT = new TextEncoder().encode('allium-group-op-v1');

const bytesOf = (length: number) =>
  z.custom<Uint8Array>((value) => value instanceof Uint8Array && value.length === length, `must be ${length} bytes`);
const address = z.string().refine(isOnionAddress, 'must be an onion address in canonical form');
const operationHash = z.string().regex(/^[0-9a-f]{64}$/);
const groupName = z.string().min(1).max(MAX_GROUP_NAME);
const grantedRole = z.enum(['admin', 'member']);

/** What a member needs to reach everyone else: their address and their Signal identity key bound to it. */
const memberCard = z.object({ address, signalIdentityKey: bytesOf(33), binding: bytesOf(64) }).strict();

const action = z.discriminatedUnion('kind', [
  /** `nonce`: 16 random bytes the group id commits to (group-ids.ts); absent only in logs stored before it existed. */
  z.object({ kind: z.literal('create'), name: groupName, owner: memberCard, nonce: bytesOf(16).optional() }).strict(),
  z.object({ kind: z.literal('add'), member: memberCard, role: grantedRole }).strict(),
  z.object({ kind: z.literal('remove'), member: address }).strict(),
  z.object({ kind: z.literal('leave') }).strict(),
  z.object({ kind: z.literal('role'), member: address, role: grantedRole }).strict(),
  z.object({ kind: z.literal('rename'), name: groupName }).strict(),
]);

const operationSchema = z
  .object({
    v: z.literal(ROSTER_OPERATION_VERSION),
    /** 128-bit group id, hex, fixed at creation: derived from the owner and the creation's nonce (group-ids.ts). */
    group: z.string().regex(/^[0-9a-f]{32}$/),
    /** Hashes of the log's heads when the author wrote this, ascending and distinct; empty only for `create`. */
    parents: z
      .array(operationHash)
      .max(MAX_PARENTS)
      .refine((hashes) => hashes.every((hash, i) => i === 0 || hashes[i - 1]! < hash), 'must be ascending and distinct'),
    author: address,
    /** Milliseconds since the epoch, author's clock: for display only, never for ordering. */
    at: z.number().int().min(0),
    action,
  })
  .strict();

const signedSchema = z
  .object({
    v: z.literal(ROSTER_OPERATION_VERSION),
    body: z.custom<Uint8Array>((value) => value instanceof Uint8Array && value.length <= MAX_BODY_BYTES, 'must be at most 4096 bytes'),
    sig: bytesOf(64),
  })
  .strict();

export type MemberCard = z.infer<typeof memberCard>;
export type RosterAction = z.infer<typeof action>;
export type RosterActionKind = RosterAction['kind'];
export type GrantedRole = z.infer<typeof grantedRole>;
export type RosterOperation = z.infer<typeof operationSchema>;
/** What an author decides; version and author are filled in when signing. */
export type RosterOperationDraft = Omit<RosterOperation, 'v' | 'author'>;

/** An operation as the log keeps it: decoded, with the exact signed bytes and the hash that names it. */
export interface SignedRosterOperation {
  /** Hex SHA-256 of `body`: what later operations name as their parents. */
  readonly hash: string;
  readonly operation: RosterOperation;
  readonly body: Uint8Array;
  readonly signature: Uint8Array;
  /** The wire form, as sent to other members and stored. */
  readonly bytes: Uint8Array;
}

function hashOf(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

function signedMessage(body: Uint8Array): Uint8Array {
  const message = new Uint8Array(SIGNATURE_CONTEXT.length + body.length);
  message.set(SIGNATURE_CONTEXT);
  message.set(body, SIGNATURE_CONTEXT.length);
  return message;
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || 'top level'}: ${issue?.message ?? 'invalid'}`;
}

/** Signs a draft as `key`'s address. Throws {@link GroupFormatError} if the draft is not a valid operation. */
export function signRosterOperation(key: OnionKey, draft: RosterOperationDraft): SignedRosterOperation {
  const parsed = operationSchema.safeParse({ ...draft, v: ROSTER_OPERATION_VERSION, author: key.address });
  if (!parsed.success) throw new GroupFormatError(`A roster operation is malformed at ${firstIssue(parsed.error)}.`);
  const body = encode(parsed.data);
  const signature = key.sign(signedMessage(body));
  return { hash: hashOf(body), operation: parsed.data, body, signature, bytes: encode({ v: ROSTER_OPERATION_VERSION, body, sig: signature }) };
}

function decodeMsgpack(bytes: Uint8Array, what: string): unknown {
  try {
    return decode(bytes);
  } catch (error) {
    throw new GroupFormatError(`The ${what} is not valid MessagePack.`, { cause: error });
  }
}

/** Decodes and validates the wire form; the signature is checked by the log. Anything else is a {@link GroupFormatError}. */
export function decodeRosterOperation(bytes: Uint8Array): SignedRosterOperation {
  const signed = signedSchema.safeParse(decodeMsgpack(bytes, 'roster operation'));
  if (!signed.success) throw new GroupFormatError(`The roster operation is malformed at ${firstIssue(signed.error)}.`);
  const operation = operationSchema.safeParse(decodeMsgpack(signed.data.body, 'roster operation body'));
  if (!operation.success) throw new GroupFormatError(`The roster operation body is malformed at ${firstIssue(operation.error)}.`);
  const body = Uint8Array.from(signed.data.body);
  return { hash: hashOf(body), operation: operation.data, body, signature: Uint8Array.from(signed.data.sig), bytes: Uint8Array.from(bytes) };
}

/** True if the operation's author signed exactly its body. */
export function hasValidSignature(signed: SignedRosterOperation): boolean {
  return verifyOnionSignature(signed.operation.author, signedMessage(signed.body), signed.signature);
}
