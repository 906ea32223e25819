// The RPC wire messages (requests, responses, events) and their shape checks, the same over every channel.
import { z } from 'zod';
import type { ApiErrorPayload } from '../api/index.js';

export interface RpcRequest {
  readonly t: 'req';
  readonly id: number;
  readonly cmd: string;
  readonly input: unknown;
}

export type RpcResponse =
  | { readonly t: 'res'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly t: 'res'; readonly id: number; readonly ok: false; readonly error: ApiErrorPayload };

export interface RpcEvent {
  readonly t: 'evt';
  readonly name: string;
  readonly payload: unknown;
}

export type RpcMessage = RpcRequest | RpcResponse | RpcEvent;

const id = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const requestSchema = z.object({ t: z.literal('req'), id, cmd: z.string().max(100), input: z.unknown() }).strict();

const responseSchema = z.discriminatedUnion('ok', [
  z.object({ t: z.literal('res'), id, ok: z.literal(true), result: z.unknown() }).strict(),
  z.object({ t: z.literal('res'), id, ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }).strict() }).strict(),
]);

const eventSchema = z.object({ t: z.literal('evt'), name: z.string().max(100), payload: z.unknown() }).strict();

/** A request, or undefined when the message is not one. */
export function parseRequest(message: unknown): RpcRequest | undefined {
  const parsed = requestSchema.safeParse(message);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The id of a request too broken to parse, when it still carries a usable one, so the server can
 * answer it instead of leaving the caller waiting.
 */
export function salvageRequestId(message: unknown): number | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const fields = message as { t?: unknown; id?: unknown };
  if (fields.t !== 'req') return undefined;
  const parsed = id.safeParse(fields.id);
  return parsed.success ? parsed.data : undefined;
}

/** A response (its error code is checked by the client), or undefined. */
export function parseResponse(message: unknown): z.output<typeof responseSchema> | undefined {
  const parsed = responseSchema.safeParse(message);
  return parsed.success ? parsed.data : undefined;
}

export function parseEvent(message: unknown): RpcEvent | undefined {
  const parsed = eventSchema.safeParse(message);
  return parsed.success ? parsed.data : undefined;
}
