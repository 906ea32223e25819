// What the group part of messaging shares: the messenger's context, the roster logs, sender keys, and one queue per group.
import { decode, encode } from '@msgpack/msgpack';
import { z } from 'zod';
import type { GroupSenderKeys, MemberCard, SignedRosterOperation } from '../../groups/index.js';
import { KeyedQueue } from '../../signal/keyed-queue.js';
import { fileOfferSchema } from '../envelope.js';
import type { MessengerContext } from '../messenger-context.js';
import type { GroupLogs } from './group-logs.js';

export interface GroupParts {
  readonly ctx: MessengerContext;
  readonly logs: GroupLogs;
  readonly keys: GroupSenderKeys;
  /** Work on one group runs one task at a time; it never waits for a peer's chain (those run in the background). */
  readonly queue: KeyedQueue;
  /** Runs work that must not hold up the caller (sends to other peers), logging a failure instead of rejecting. */
  background(task: () => Promise<unknown>, what: string): void;
  /** Tells the UI how the group looks now. */
  emitGroup(groupId: string): void;
}

export function newGroupQueue(): KeyedQueue {
  return new KeyedQueue();
}

/** What is sealed with a sender key: the text and the names that tie it to one group and one message. */
const groupPlaintext = z
  .object({
    v: z.literal(1),
    group: z.string(),
    message: z.string(),
    /** Empty for a file without a caption. */
    text: z.string().max(16_000),
    /** A file offered to the whole group (its id is the message's). */
    file: fileOfferSchema.optional(),
  })
  .strict()
  .refine((p) => p.text !== '' || p.file !== undefined, 'a group message has text or a file');
export type GroupPlaintext = z.infer<typeof groupPlaintext>;

export function encodeGroupPlaintext(value: GroupPlaintext): Uint8Array {
  return encode(value);
}

/** Undefined for bytes that are not a group plaintext. */
export function decodeGroupPlaintext(bytes: Uint8Array): GroupPlaintext | undefined {
  try {
    const parsed = groupPlaintext.safeParse(decode(bytes));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Our member card: address, Signal identity key, and the binding between them. */
export function myCard(ctx: MessengerContext): MemberCard {
  const { signalIdentityKey, binding } = ctx.signal.localBinding();
  return { address: ctx.localAddress, signalIdentityKey, binding };
}

export const operationBytes = (operations: readonly SignedRosterOperation[]): Uint8Array[] => operations.map((op) => op.bytes);

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a).equals(Buffer.from(b));
}
