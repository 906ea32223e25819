// Encodes one frame to wire bytes and decodes one payload: version byte, msgpack body, padding to a size bucket.
import { decode, encode } from '@msgpack/msgpack';
import { InvalidFrameError, MalformedFrameError, UnknownFrameTypeError, UnsupportedVersionError } from './errors.js';
import { frameSchema, isFrameType, SUPPORTED_VERSIONS, type Frame } from './frames.js';

/** Wire format version carried in the first payload byte. */
export const WIRE_VERSION = 1;
export const LENGTH_PREFIX_BYTES = 4;
/** Payload sizes on the wire: every payload is padded up to one of these, so a length says little about content. */
export const PAYLOAD_BUCKETS: readonly number[] = [256, 1_024, 4_096, 16_384, 65_536];
export const MAX_PAYLOAD_BYTES = 65_536;
/** Version byte and u32 body length. */
export const PAYLOAD_HEADER_BYTES = 5;

/** The smallest bucket that holds `bytes`, or undefined when none does. */
export function bucketFor(bytes: number): number | undefined {
  return PAYLOAD_BUCKETS.find((bucket) => bucket >= bytes);
}

/** The wire bytes of one frame: u32 big-endian payload length ‖ payload. Throws InvalidFrameError for a frame that breaks its schema or does not fit. */
export function encodeFrame(frame: Frame): Uint8Array {
  const checked = frameSchema.safeParse(frame);
  if (!checked.success) throw new InvalidFrameError(`Cannot encode '${frame.type}': ${checked.error.message}`, { cause: checked.error });
  const body = encode(checked.data);
  const payloadBytes = bucketFor(PAYLOAD_HEADER_BYTES + body.length);
  if (payloadBytes === undefined) {
    throw new InvalidFrameError(`Frame '${frame.type}' needs ${String(PAYLOAD_HEADER_BYTES + body.length)} payload bytes; at most ${String(MAX_PAYLOAD_BYTES)} fit.`);
  }
  // Zero-filled, so the padding is zeros without a second pass.
  const wire = new Uint8Array(LENGTH_PREFIX_BYTES + payloadBytes);
  const view = new DataView(wire.buffer);
  view.setUint32(0, payloadBytes);
  view.setUint8(LENGTH_PREFIX_BYTES, WIRE_VERSION);
  view.setUint32(LENGTH_PREFIX_BYTES + 1, body.length);
  wire.set(body, LENGTH_PREFIX_BYTES + PAYLOAD_HEADER_BYTES);
  return wire;
}

/**
 * The frame inside one payload (the bytes after the length prefix). Throws only ProtocolError subclasses:
 * UnsupportedVersionError, MalformedFrameError (sizes, padding, msgpack, fields) or UnknownFrameTypeError.
 */
export function decodePayload(payload: Uint8Array): Frame {
  if (!PAYLOAD_BUCKETS.includes(payload.length)) {
    throw new MalformedFrameError(`A payload of ${String(payload.length)} bytes is not one of the sizes ${PAYLOAD_BUCKETS.join(', ')}.`);
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const version = view.getUint8(0);
  if (version !== WIRE_VERSION) throw new UnsupportedVersionError([version], SUPPORTED_VERSIONS);
  const bodyLength = view.getUint32(1);
  const bodyEnd = PAYLOAD_HEADER_BYTES + bodyLength;
  if (bodyLength === 0 || bodyEnd > payload.length) {
    throw new MalformedFrameError(`Body length ${String(bodyLength)} does not fit a payload of ${String(payload.length)} bytes.`);
  }
  // A canonical encoding has one form: padding that is not all zeros could be a covert channel or a bug.
  for (let index = bodyEnd; index < payload.length; index += 1) {
    if (payload[index] !== 0) throw new MalformedFrameError('The padding after the body is not all zeros.');
  }
  return decodeBody(payload.subarray(PAYLOAD_HEADER_BYTES, bodyEnd));
}

function decodeBody(body: Uint8Array): Frame {
  let value: unknown;
  try {
    value = decode(body, { useBigInt64: false });
  } catch (error) {
    throw new MalformedFrameError('The frame body is not valid msgpack.', { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw new MalformedFrameError('The frame body is not a map.');
  }
  const type: unknown = (value as Record<string, unknown>).type;
  if (typeof type !== 'string') throw new MalformedFrameError('The frame body has no string field "type".');
  if (!isFrameType(type)) throw new UnknownFrameTypeError(type);
  const parsed = frameSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(frame)'}: ${issue.message}`).join('; ');
    throw new MalformedFrameError(`Invalid '${type}' frame: ${issues}`, { cause: parsed.error });
  }
  return parsed.data;
}

