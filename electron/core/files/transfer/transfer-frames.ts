// The frames of a file stream and their bytes: u32 big-endian length ‖ u8 type ‖ body; records raw, control frames msgpack checked by zod.
import { decode, encode } from '@msgpack/msgpack';
import { z } from 'zod';
import { RECORD_TAG_BYTES, SEALED_RECORD_BYTES } from '../file-records.js';
import { TransferProtocolError } from './errors.js';

/** Why a side stops a transfer: the user cancelled, the sender has no such file for this peer, its source changed, or it failed. */
export const CANCEL_REASONS = ['cancelled', 'unknown-file', 'source-changed', 'failed'] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

/**
 * Receiver → sender: `want` (the file and the first record it lacks), `verified` (the whole file checked against
 * its hash). Sender → receiver: `record`s back to back from `from`, then `done`. Either side: `cancel`.
 */
export type TransferFrame =
  | { readonly type: 'want'; readonly fileId: string; readonly from: number }
  | { readonly type: 'record'; readonly index: number; readonly sealed: Uint8Array }
  | { readonly type: 'done' }
  | { readonly type: 'cancel'; readonly reason: CancelReason }
  | { readonly type: 'verified' };

export const LENGTH_BYTES = 4;
const TYPE_CODES = { want: 1, record: 2, done: 3, cancel: 4, verified: 5 } as const satisfies Record<TransferFrame['type'], number>;
const INDEX_BYTES = 4;
/** A control frame's body fits here; a record frame is the only large one. */
export const MAX_CONTROL_BODY_BYTES = 1_024;
/** The largest frame after its length prefix: type, index and one full sealed record. */
export const MAX_FRAME_BYTES = 1 + INDEX_BYTES + SEALED_RECORD_BYTES;

const wantSchema = z.strictObject({
  fileId: z.string().min(1).max(255),
  from: z.int().min(0).max(0xffff_ffff),
});
const cancelSchema = z.strictObject({ reason: z.enum(CANCEL_REASONS) });

/** The wire bytes of one frame. */
export function encodeTransferFrame(frame: TransferFrame): Buffer {
  let body: Uint8Array;
  switch (frame.type) {
    case 'want':
      body = encode(wantSchema.parse({ fileId: frame.fileId, from: frame.from }));
      break;
    case 'cancel':
      body = encode(cancelSchema.parse({ reason: frame.reason }));
      break;
    case 'record': {
      const index = Buffer.alloc(INDEX_BYTES);
      index.writeUInt32BE(frame.index);
      body = Buffer.concat([index, frame.sealed]);
      break;
    }
    case 'done':
    case 'verified':
      body = new Uint8Array(0);
      break;
  }
  const head = Buffer.alloc(LENGTH_BYTES + 1);
  head.writeUInt32BE(1 + body.length);
  head[LENGTH_BYTES] = TYPE_CODES[frame.type];
  return Buffer.concat([head, body]);
}

/** The largest frame (after the length) allowed with a given type byte; undefined for an unknown type. */
export function maxFrameBytes(typeCode: number): number | undefined {
  if (typeCode === TYPE_CODES.record) return MAX_FRAME_BYTES;
  if (typeCode === TYPE_CODES.want || typeCode === TYPE_CODES.cancel) return 1 + MAX_CONTROL_BODY_BYTES;
  if (typeCode === TYPE_CODES.done || typeCode === TYPE_CODES.verified) return 1;
  return undefined;
}

/** The frame in `bytes` (type byte and body, without the length). Throws TransferProtocolError. */
export function decodeTransferFrame(bytes: Uint8Array): TransferFrame {
  const typeCode = bytes[0] ?? 0;
  const body = bytes.subarray(1);
  switch (typeCode) {
    case TYPE_CODES.want:
      return { type: 'want', ...parseControl(wantSchema, body, 'want') };
    case TYPE_CODES.cancel:
      return { type: 'cancel', ...parseControl(cancelSchema, body, 'cancel') };
    case TYPE_CODES.record: {
      if (body.length < INDEX_BYTES + RECORD_TAG_BYTES) throw new TransferProtocolError(`a record frame of ${String(body.length)} bytes is too short`);
      const index = Buffer.from(body.buffer, body.byteOffset, INDEX_BYTES).readUInt32BE();
      return { type: 'record', index, sealed: body.subarray(INDEX_BYTES) };
    }
    case TYPE_CODES.done:
    case TYPE_CODES.verified:
      if (body.length !== 0) throw new TransferProtocolError(`a '${typeCode === TYPE_CODES.done ? 'done' : 'verified'}' frame carries no body`);
      return { type: typeCode === TYPE_CODES.done ? 'done' : 'verified' };
    default:
      throw new TransferProtocolError(`unknown frame type ${String(typeCode)}`);
  }
}

function parseControl<T>(schema: z.ZodType<T>, body: Uint8Array, name: string): T {
  let value: unknown;
  try {
    value = decode(body, { useBigInt64: false });
  } catch (cause) {
    throw new TransferProtocolError(`a '${name}' frame's body is not valid msgpack`, { cause });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new TransferProtocolError(`invalid '${name}' frame: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(frame)'}: ${issue.message}`).join('; ')}`);
  return parsed.data;
}
