// The blob store's routes: the queue owner creates, uploads in chunks, completes and deletes; readers download by capability.
import type { IncomingMessage } from 'node:http';
import {
  API_PREFIX,
  BLOB_CHUNK_BYTES,
  BLOB_ID,
  BLOB_MAX_BYTES,
  BLOB_SECRET,
  HEADER_BLOB_RECEIVED,
  HEADER_BLOB_SECRET,
  blobCreateRequestSchema,
} from '../../shared/relay-protocol/index.js';
import { RelayRefusal } from '../errors.js';
import type { BlobStore } from '../storage/blob-store.js';
import { parseByteRange } from './byte-range.js';
import { parseJson } from './request-body.js';
import type { Reply, Route } from './reply.js';

export interface BlobRoutesOptions {
  readonly blobs: BlobStore;
  /** Reads the body (up to `limit`) and checks the queue owner's signature over it; the queue must exist. */
  readonly signed: (request: IncomingMessage, queueId: string | undefined, limit: number) => Promise<{ queueId: string; body: Buffer }>;
  readonly now: () => number;
}

const QUEUE = `${API_PREFIX}/queues/([A-Za-z0-9_-]+)`;
const BLOB = '([A-Za-z0-9_-]+)';

export function blobRoutes({ blobs, signed, now }: BlobRoutesOptions): Route[] {
  const blobId = (id: string | undefined): string => {
    if (id === undefined || !BLOB_ID.test(id)) throw new RelayRefusal('malformed-request', 'A blob id is 22 characters of base64url.');
    return id;
  };

  const create = async (request: IncomingMessage, q: string | undefined): Promise<Reply> => {
    const { queueId, body } = await signed(request, q, 4_096);
    const json = parseJson(body);
    const parsed = blobCreateRequestSchema.safeParse(json);
    if (!parsed.success) {
      const size = typeof json === 'object' && json !== null && 'size' in json ? json.size : undefined;
      if (typeof size === 'number' && size > BLOB_MAX_BYTES) {
        throw new RelayRefusal('blob-too-large', `A blob may have at most ${String(BLOB_MAX_BYTES)} bytes; this one would have ${String(size)}.`);
      }
      throw new RelayRefusal('malformed-request', 'A new blob is { "size": <bytes, a whole number from 1> }.');
    }
    return { status: 201, body: await blobs.create(queueId, parsed.data.size, now()) };
  };

  const status = async (request: IncomingMessage, q: string | undefined, b: string | undefined): Promise<Reply> => {
    const { queueId } = await signed(request, q, 0);
    return { status: 200, body: blobs.status(queueId, blobId(b), now()) };
  };

  const chunk = async (request: IncomingMessage, q: string | undefined, b: string | undefined, url: URL): Promise<Reply> => {
    const offsetText = url.searchParams.get('offset');
    if (offsetText === null || !/^\d{1,16}$/.test(offsetText)) throw new RelayRefusal('malformed-request', 'A chunk names where it starts: ?offset=<bytes>.');
    const id = blobId(b);
    const { queueId, body } = await signed(request, q, BLOB_CHUNK_BYTES);
    const written = await blobs.writeChunk(queueId, id, Number(offsetText), body, now());
    return { status: 200, body: written, headers: { [HEADER_BLOB_RECEIVED]: String(written.received) } };
  };

  const complete = async (request: IncomingMessage, q: string | undefined, b: string | undefined): Promise<Reply> => {
    const { queueId } = await signed(request, q, 0);
    return { status: 200, body: blobs.complete(queueId, blobId(b), now()) };
  };

  const remove = async (request: IncomingMessage, q: string | undefined, b: string | undefined): Promise<Reply> => {
    const { queueId } = await signed(request, q, 0);
    return { status: 200, body: { deleted: await blobs.delete(queueId, blobId(b)) } };
  };

  const download = async (request: IncomingMessage, b: string | undefined): Promise<Reply> => {
    const id = blobId(b);
    const secret = request.headers[HEADER_BLOB_SECRET];
    if (secret === undefined) throw new RelayRefusal('capability-missing', `A blob download must carry the blob's read secret (the ${HEADER_BLOB_SECRET} header).`);
    if (typeof secret !== 'string' || !BLOB_SECRET.test(secret)) throw new RelayRefusal('capability-invalid', "The blob's read secret is malformed.");
    const opened = await blobs.openForReading(id, secret, now());
    try {
      const range = parseByteRange(request.headers.range, opened.size);
      const { start, end } = range ?? { start: 0, end: opened.size - 1 };
      const headers: Record<string, string> = { 'content-length': String(end - start + 1), 'accept-ranges': 'bytes' };
      if (range !== undefined) headers['content-range'] = `bytes ${String(start)}-${String(end)}/${String(opened.size)}`;
      return { status: range === undefined ? 200 : 206, stream: opened.handle.createReadStream({ start, end, autoClose: true }), headers };
    } catch (error) {
      await opened.handle.close();
      throw error;
    }
  };

  return [
    { method: 'POST', pattern: new RegExp(`^${QUEUE}/blobs$`), handle: (request, [q]) => create(request, q) },
    { method: 'GET', pattern: new RegExp(`^${QUEUE}/blobs/${BLOB}$`), handle: (request, [q, b]) => status(request, q, b) },
    { method: 'PUT', pattern: new RegExp(`^${QUEUE}/blobs/${BLOB}$`), handle: (request, [q, b], url) => chunk(request, q, b, url) },
    { method: 'DELETE', pattern: new RegExp(`^${QUEUE}/blobs/${BLOB}$`), handle: (request, [q, b]) => remove(request, q, b) },
    { method: 'POST', pattern: new RegExp(`^${QUEUE}/blobs/${BLOB}/complete$`), handle: (request, [q, b]) => complete(request, q, b) },
    { method: 'GET', pattern: new RegExp(`^${API_PREFIX}/blobs/${BLOB}$`), handle: (request, [b]) => download(request, b) },
  ];
}
