// What a route answers, and how it is written: JSON for everything but a blob's bytes, which stream from their file.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

export type Reply =
  | { readonly status: number; readonly body: unknown; readonly headers?: Record<string, string> }
  | { readonly status: number; readonly stream: Readable; readonly headers: Record<string, string> };

export interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly handle: (request: IncomingMessage, params: string[], url: URL, aborted: AbortSignal) => Promise<Reply>;
}

/** Writes the reply; a stream that fails midway cuts the connection, so the reader sees a short body, not a wrong one. */
export function send(response: ServerResponse, reply: Reply): void {
  if ('stream' in reply) {
    if (response.headersSent || response.destroyed) {
      reply.stream.destroy();
      return;
    }
    response.writeHead(reply.status, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store', ...reply.headers });
    reply.stream.on('error', () => response.destroy());
    response.once('close', () => reply.stream.destroy());
    reply.stream.pipe(response);
    return;
  }
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(reply.body);
  response.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...reply.headers });
  response.end(text);
}
