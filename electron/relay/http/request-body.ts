// Reads a request body up to a limit, refusing early on a declared length past it.
import type { IncomingMessage } from 'node:http';
import { RelayRefusal } from '../errors.js';

/** The whole body, or a `body-too-large` refusal as soon as it passes `limit` bytes. */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(limit: number): RelayRefusal {
  return new RelayRefusal('body-too-large', `This request may carry at most ${String(limit)} bytes.`);
}

/** Parses a JSON body; an empty body is `{}`. */
export function parseJson(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new RelayRefusal('invalid-json', 'The request body is not valid JSON.');
  }
}
