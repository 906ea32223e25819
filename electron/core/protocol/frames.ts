// The frame types of wire protocol v1 as zod schemas: every field bounded, every decoded frame validated.
import { z } from 'zod';

/** Protocol versions this implementation speaks, newest last. */
export const SUPPORTED_VERSIONS: readonly number[] = [1];
export const NONCE_BYTES = 32;
export const SIGNATURE_BYTES = 64;
export const MAX_NICKNAME_CHARS = 64;
export const MAX_CONTACT_MESSAGE_CHARS = 1_000;
export const MAX_SIGNAL_IDENTITY_KEY_BYTES = 64;
export const MAX_BINDING_BYTES = 128;
export const MAX_PREKEY_BUNDLE_BYTES = 16_384;
/** Largest Signal ciphertext a frame carries: the 64 KiB payload minus header and msgpack overhead, rounded down. */
export const MAX_SIGNAL_BODY_BYTES = 65_000;
const MAX_VERSIONS = 16;

/** Bytes of a length in [min, max], copied into a plain Uint8Array so no frame keeps a receive buffer alive. */
function bytes(min: number, max: number): z.ZodType<Uint8Array> {
  return z
    .instanceof(Uint8Array)
    .refine((value) => value.length >= min && value.length <= max, {
      message: min === max ? `must be ${String(min)} bytes` : `must be ${String(min)}–${String(max)} bytes`,
    })
    .transform((value) => Uint8Array.from(value));
}

const version = z.int().min(1).max(255);
const counter = z.int().min(0).max(0xffff_ffff);
/** Shape only; the checksum and key are checked where the address is used (the handshake). */
const onionAddressText = z.string().regex(/^[a-z2-7]{56}$/, 'must be a 56-character v3 onion address');

export const AUTH_FAIL_REASONS = ['unsupported-version', 'bad-address', 'bad-proof', 'blocked'] as const;
export type AuthFailReason = (typeof AUTH_FAIL_REASONS)[number];

/**
 * What an authenticated stream is for. A link carries messages (the default, and all an older caller sends); a
 * file stream carries one file's records, so a transfer never holds up text, receipts or presence on the link.
 */
export const STREAM_PURPOSES = ['link', 'file'] as const;
export type StreamPurpose = (typeof STREAM_PURPOSES)[number];

export const CLOSE_REASONS = ['shutdown', 'duplicate', 'protocol-error', 'keepalive-timeout', 'blocked'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

/** `expired-invitation` / `waiting-for-admin`: a request to join a group that waits for an admin (see docs/groups.md). */
export const CONTACT_REQUEST_STATUSES = ['received', 'rate-limited', 'blocked', 'already-contact', 'expired-invitation', 'waiting-for-admin'] as const;
export type ContactRequestStatus = (typeof CONTACT_REQUEST_STATUSES)[number];

export const helloSchema = z.strictObject({
  type: z.literal('hello'),
  versions: z.array(version).min(1).max(MAX_VERSIONS),
  nonce: bytes(NONCE_BYTES, NONCE_BYTES),
});

export const authSchema = z.strictObject({
  type: z.literal('auth'),
  version,
  callerAddress: onionAddressText,
  nonce: bytes(NONCE_BYTES, NONCE_BYTES),
  signature: bytes(SIGNATURE_BYTES, SIGNATURE_BYTES),
  /** Absent for a link, so links look exactly as they did before streams had purposes. */
  purpose: z.enum(STREAM_PURPOSES).exclude(['link']).optional(),
});

export const authOkSchema = z.strictObject({ type: z.literal('auth-ok') });

export const authFailSchema = z.strictObject({ type: z.literal('auth-fail'), reason: z.enum(AUTH_FAIL_REASONS) });

export const contactRequestSchema = z.strictObject({
  type: z.literal('contact-request'),
  nickname: z.string().min(1).max(MAX_NICKNAME_CHARS),
  message: z.string().max(MAX_CONTACT_MESSAGE_CHARS),
  signalIdentityKey: bytes(1, MAX_SIGNAL_IDENTITY_KEY_BYTES),
  binding: bytes(1, MAX_BINDING_BYTES),
  prekeyBundle: bytes(1, MAX_PREKEY_BUNDLE_BYTES),
  /**
   * A request made for a group, not by a person: to a fellow member (secret null), to join with a link's secret, or
   * to ask an admin of a public group (empty secret). Absent in ordinary requests.
   */
  group: z
    .strictObject({ id: z.string().regex(/^[0-9a-f]{32}$/), secret: z.string().regex(/^[A-Za-z0-9_-]{0,64}$/).nullable() })
    .optional(),
});

export const contactRequestReceiptSchema = z.strictObject({
  type: z.literal('contact-request-receipt'),
  status: z.enum(CONTACT_REQUEST_STATUSES),
});

export const signalSchema = z.strictObject({
  type: z.literal('signal'),
  kind: z.enum(['prekey', 'whisper']),
  body: bytes(1, MAX_SIGNAL_BODY_BYTES),
});

export const pingSchema = z.strictObject({ type: z.literal('ping'), n: counter });
export const pongSchema = z.strictObject({ type: z.literal('pong'), n: counter });
export const closeSchema = z.strictObject({ type: z.literal('close'), reason: z.enum(CLOSE_REASONS) });

export const frameSchema = z.discriminatedUnion('type', [
  helloSchema,
  authSchema,
  authOkSchema,
  authFailSchema,
  contactRequestSchema,
  contactRequestReceiptSchema,
  signalSchema,
  pingSchema,
  pongSchema,
  closeSchema,
]);

export type Frame = z.infer<typeof frameSchema>;
export type FrameType = Frame['type'];
export type HelloFrame = z.infer<typeof helloSchema>;
export type AuthFrame = z.infer<typeof authSchema>;
export type AuthFailFrame = z.infer<typeof authFailSchema>;
export type ContactRequestFrame = z.infer<typeof contactRequestSchema>;
export type ContactRequestReceiptFrame = z.infer<typeof contactRequestReceiptSchema>;
export type SignalFrame = z.infer<typeof signalSchema>;
export type PingFrame = z.infer<typeof pingSchema>;
export type PongFrame = z.infer<typeof pongSchema>;
export type CloseFrame = z.infer<typeof closeSchema>;

/** Frames the layer above a peer link sends and receives; the rest belong to the handshake and the link itself. */
export type ApplicationFrame = ContactRequestFrame | ContactRequestReceiptFrame | SignalFrame;

export const FRAME_TYPES: readonly FrameType[] = frameSchema.options.map((option) => option.shape.type.value);

export function isFrameType(value: string): value is FrameType {
  return (FRAME_TYPES as readonly string[]).includes(value);
}

export function isApplicationFrame(frame: Frame): frame is ApplicationFrame {
  return frame.type === 'contact-request' || frame.type === 'contact-request-receipt' || frame.type === 'signal';
}
