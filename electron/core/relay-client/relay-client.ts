// Talks to one relay for the core: mailboxes (queues) with their key, capabilities, deposits, fetches and acks, the group directory, blobs.
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import {
  BLOB_CHUNK_BYTES,
  DEPOSITS_PATH,
  DIRECTORY_PATH,
  ENVELOPE_ID,
  GROUP_NAME,
  HEADER_CAPABILITY,
  HEADER_ENVELOPE_ID,
  INFO_PATH,
  MAX_BODY_BYTES,
  MAX_FETCH_LIMIT,
  MAX_WAIT_SECONDS,
  ackPath,
  ackedSchema,
  blobChunkAcceptedSchema,
  blobChunkPath,
  blobCompletePath,
  blobCreatedSchema,
  blobDeletedSchema,
  blobDownloadPath,
  blobPath,
  blobsPath,
  blobStatusSchema,
  HEADER_BLOB_RECEIVED,
  HEADER_BLOB_SECRET,
  HEADER_PROOF_BITS,
  HEADER_PROOF_CHALLENGE,
  MAX_PROOF_BITS,
  PROOF_CHALLENGE,
  parseBlobCapability,
  capabilitiesPath,
  capabilityCreatedSchema,
  capabilityPath,
  capabilityRevokedSchema,
  depositAcceptedSchema,
  directoryListSchema,
  directoryPath,
  fetchedBatchSchema,
  infoSchema,
  listingPublishedSchema,
  listingRemovedSchema,
  messagesPath,
  padToBucket,
  queueCreatedSchema,
  queuePath,
  refusalSchema,
  unpad,
  type BlobStatus,
  type DirectoryListing,
  type RelayInfo,
} from '../../shared/relay-protocol/index.js';
import type { OnionKey } from '../identity/index.js';
import { blobChunks, type BlobSource } from './blob-source.js';
import { signListing, signUnlisting, verifyListing, type DirectoryListingDraft } from './directory-listing.js';
import { DirectoryListingError, RelayCapabilityError, RelayError, RelayFailedError, RelayProtocolError, RelayUnreachableError, refusalError } from './errors.js';
import { signRequest, type QueueKey } from './queue-key.js';
import { solveProof } from './queue-proof.js';
import { isDeadlinePassed, RelayTransport, type RelayHttpResponse, type RelayTarget, type ScheduleDeadline } from './relay-transport.js';

/** A capability as handed to a contact: `<id>.<secret>`; its id alone is enough to revoke it. */
export interface DepositCapability {
  readonly capabilityId: string;
  readonly capability: string;
}

export interface DepositReceipt {
  /** When the relay deletes the envelope if nobody fetched it (ms since the epoch). */
  readonly expiresAt: number;
  /** False when the relay already had this envelope id: a repeat, stored once. */
  readonly stored: boolean;
}

export interface FetchedEnvelope {
  readonly sequence: number;
  readonly envelopeId: string;
  /** The envelope as deposited, padding removed. */
  readonly envelope: Uint8Array;
  readonly depositedAt: number;
  readonly expiresAt: number;
}

export interface FetchOptions {
  /** Only envelopes after this sequence number (those not yet acknowledged but already handled). */
  readonly after?: number;
  readonly limit?: number;
  /** Seconds to wait for a deposit when the queue is empty (long-poll), at most 25. */
  readonly waitSeconds?: number;
}

/** A listing as `publishGroup` takes it: `updatedAt` defaults to now (kept increasing for repeated publishes). */
export type GroupListingDraft = Omit<DirectoryListingDraft, 'updatedAt'> & { readonly updatedAt?: number };

export interface PublishedListing {
  /** False when this updated the owner's own listing of the name. */
  readonly created: boolean;
  /** When the relay drops the listing unless it is published again (ms since the epoch). */
  readonly expiresAt: number;
}

export interface RelayClientOptions {
  readonly target: RelayTarget;
  /** Time for one request, beyond a fetch's wait (onion circuits can take a while to build). */
  readonly timeoutMs?: number;
  /** The most one request may take in all, beyond a fetch's wait and a download's bytes (see TRANSFER_FLOOR_BYTES_PER_S). */
  readonly deadlineMs?: number;
  readonly now?: () => number;
  /** Runs the deadlines (tests pass them at will). */
  readonly schedule?: ScheduleDeadline;
}

export interface CreatedBlob {
  readonly blobId: string;
  /** `<blob id>.<secret>`: what readers download with. The relay answers it once; keep it. */
  readonly capability: string;
  readonly size: number;
  /** When the relay deletes the blob if its upload is not completed (ms since the epoch). */
  readonly expiresAt: number;
}

export interface UploadBlobOptions {
  /** Where the source starts; without it the relay is asked how much it holds. A wrong offset is corrected by the relay's answer. */
  readonly offset?: number;
  /** After each chunk the relay has synced: bytes it holds of `size`. */
  readonly onProgress?: (received: number, size: number) => void;
  readonly signal?: AbortSignal;
}

export interface DownloadBlobOptions {
  /** The first byte wanted: to go on after an interrupted download (default 0). */
  readonly from?: number;
  /** After each piece: bytes received so far (counting from 0, `from` included) of `size`. */
  readonly onProgress?: (received: number, size: number) => void;
  /** The blob's size as the offer gave it: a relay that answers another is refused (RelayProtocolError). */
  readonly size?: number;
  /** Stops the download: the generator throws the signal's reason. */
  readonly signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 90_000;
/** Proofs of work solved for one queue before giving up: a relay that refuses each is not worth more. */
const MAX_PROOF_ATTEMPTS = 3;
/** The whole of one request, however slowly the relay drips its bytes. */
const DEFAULT_DEADLINE_MS = 180_000;
/** A download or upload may take its deadline plus its bytes at this rate (a 25 MiB file: 26 minutes more; a 1 MiB chunk: 64 s). */
export const TRANSFER_FLOOR_BYTES_PER_S = 16 * 1024;
/** The answers this client buffers, by kind. Most are a few hundred bytes of JSON; a refusal is one of them. */
export const ANSWER_MAX_BYTES = 64 * 1024;
/** A fetched envelope as JSON: its largest padded body in base64, with its numbers and id. */
const FETCHED_ENVELOPE_MAX_BYTES = Math.ceil(MAX_BODY_BYTES / 3) * 4 + 512;
/** The directory: thousands of listings of up to a few KiB each. */
export const DIRECTORY_MAX_BYTES = 16 * 1024 * 1024;
/** Chunks refused at a wrong offset in a row before an upload gives up: the relay and the source disagree. */
const MAX_OFFSET_CORRECTIONS = 3;

/** A fresh envelope id for a deposit, when the caller has none of its own. */
export function newEnvelopeId(): string {
  return randomBytes(16).toString('base64url');
}

/** One relay. Key material stays with the caller: each queue operation takes the queue's key. */
export class RelayClient {
  readonly #transport: RelayTransport;
  readonly #timeoutMs: number;
  readonly #deadlineMs: number;
  readonly #now: () => number;
  /** The last `updatedAt` this client published per name, so two publishes in one millisecond still increase. */
  readonly #publishedAt = new Map<string, number>();

  constructor(options: RelayClientOptions) {
    this.#transport = new RelayTransport(options.target, options.schedule);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.#now = options.now ?? Date.now;
  }

  /** Whether the relay answers, and its limits; throws RelayUnreachableError when it does not. */
  async probe(): Promise<RelayInfo> {
    return this.#json(await this.#send('GET', INFO_PATH), infoSchema);
  }

  /**
   * Creates the queue named by the key (idempotent: an existing queue is kept). A new queue costs a proof of work: the
   * relay answers `proof-required` with a challenge, solved here (2^bits hashes on average) and sent with the request again.
   */
  async createQueue(key: QueueKey): Promise<{ created: boolean }> {
    let body: Uint8Array = new Uint8Array();
    for (let attempt = 0; ; attempt += 1) {
      const response = await this.#signed(key, 'PUT', queuePath(key.queueId), 0, body);
      const challenge = response.headers[HEADER_PROOF_CHALLENGE];
      const bits = Number(response.headers[HEADER_PROOF_BITS]);
      if (response.status !== 428 || attempt >= MAX_PROOF_ATTEMPTS || typeof challenge !== 'string' || !PROOF_CHALLENGE.test(challenge)) {
        const { created } = this.#json(response, queueCreatedSchema);
        return { created };
      }
      if (!Number.isInteger(bits) || bits < 0 || bits > MAX_PROOF_BITS) {
        throw new RelayFailedError(`The relay asks a proof of work of ${String(response.headers[HEADER_PROOF_BITS])} bits, more than Allium solves (${String(MAX_PROOF_BITS)}).`);
      }
      const nonce = await solveProof(challenge, key.queueId, bits);
      body = jsonBytes({ proof: { challenge, nonce } });
    }
  }

  /** Deletes the queue with everything it holds; its capabilities stop working. */
  async deleteQueue(key: QueueKey): Promise<void> {
    this.#ok(await this.#signed(key, 'DELETE', queuePath(key.queueId)));
  }

  /** A new deposit capability to hand one contact. */
  async createCapability(key: QueueKey): Promise<DepositCapability> {
    return this.#json(await this.#signed(key, 'POST', capabilitiesPath(key.queueId)), capabilityCreatedSchema);
  }

  /** Revokes a capability; true if it existed. */
  async revokeCapability(key: QueueKey, capabilityId: string): Promise<boolean> {
    return this.#json(await this.#signed(key, 'DELETE', capabilityPath(key.queueId, capabilityId)), capabilityRevokedSchema).revoked;
  }

  /** Leaves an envelope in the capability's queue, padded to a size bucket. Repeating an envelope id stores nothing new. */
  async deposit(capability: string, envelopeId: string, envelope: Uint8Array): Promise<DepositReceipt> {
    if (!ENVELOPE_ID.test(envelopeId)) throw new RangeError('An envelope id is 16 to 64 characters of base64url.');
    const response = await this.#send('POST', DEPOSITS_PATH, padToBucket(envelope), {
      [HEADER_CAPABILITY]: capability,
      [HEADER_ENVELOPE_ID]: envelopeId,
      'content-type': 'application/octet-stream',
    });
    return this.#json(response, depositAcceptedSchema);
  }

  /** Envelopes held for the queue, oldest first; with `waitSeconds`, waits for one if there are none. */
  async fetch(key: QueueKey, options: FetchOptions = {}): Promise<FetchedEnvelope[]> {
    const wait = Math.min(MAX_WAIT_SECONDS, Math.max(0, Math.floor(options.waitSeconds ?? 0)));
    const limit = options.limit ?? MAX_FETCH_LIMIT;
    const query = new URLSearchParams({ after: String(options.after ?? 0), limit: String(limit), wait: String(wait) });
    const maxBytes = ANSWER_MAX_BYTES + Math.min(MAX_FETCH_LIMIT, Math.max(1, limit)) * FETCHED_ENVELOPE_MAX_BYTES;
    const response = await this.#signed(key, 'GET', `${messagesPath(key.queueId)}?${query.toString()}`, wait * 1_000, undefined, maxBytes);
    const { messages } = this.#json(response, fetchedBatchSchema);
    return messages.map((m) => {
      try {
        return { sequence: m.sequence, envelopeId: m.envelopeId, envelope: unpad(Buffer.from(m.body, 'base64')), depositedAt: m.depositedAt, expiresAt: m.expiresAt };
      } catch (error) {
        throw new RelayFailedError(`The relay returned envelope ${m.envelopeId} damaged.`, undefined, { cause: error });
      }
    });
  }

  /** Deletes every envelope up to `sequence` from the relay; call only once they are stored. Returns how many. */
  async ack(key: QueueKey, sequence: number): Promise<number> {
    const body = Buffer.from(JSON.stringify({ upTo: sequence }));
    return this.#json(await this.#signed(key, 'POST', ackPath(key.queueId), 0, body), ackedSchema).deleted;
  }

  /** Every public group listed on this relay whose owner's signature checks out; others are dropped without a word. */
  async listGroups(): Promise<DirectoryListing[]> {
    const { listings } = this.#json(await this.#send('GET', DIRECTORY_PATH, undefined, undefined, 0, DIRECTORY_MAX_BYTES), directoryListSchema);
    const byName = new Map<string, DirectoryListing>();
    for (const signed of listings) {
      const listing = listingOrUndefined(signed);
      const seen = listing === undefined ? undefined : byName.get(listing.name);
      if (listing !== undefined && (seen === undefined || seen.updatedAt < listing.updatedAt)) byName.set(listing.name, listing);
    }
    return [...byName.values()];
  }

  /** The public group of this name on this relay, or undefined when none is listed. */
  async findGroup(name: string): Promise<DirectoryListing | undefined> {
    checkGroupName(name);
    const response = await this.#send('GET', directoryPath(name));
    try {
      this.#ok(response);
    } catch (error) {
      if (error instanceof RelayError && error.relayCode === 'listing-not-found') return undefined;
      throw error;
    }
    const listing = listingOrUndefined(parseJsonOrUndefined(response.body));
    if (listing?.name !== name) throw new RelayFailedError(`The relay answered for "${name}" with a listing its owner did not sign.`);
    return listing;
  }

  /**
   * Lists the group under its name on this relay, signed with the owner's onion key, or updates the owner's listing.
   * Throws RelayNameTakenError when another owner holds the name.
   */
  async publishGroup(key: OnionKey, draft: GroupListingDraft): Promise<PublishedListing> {
    const last = this.#publishedAt.get(draft.name) ?? 0;
    const updatedAt = draft.updatedAt ?? Math.max(this.#now(), last + 1);
    const signed = signListing(key, { ...draft, updatedAt });
    const response = await this.#send('PUT', directoryPath(signed.listing.name), jsonBytes(signed), { 'content-type': 'application/json' });
    const { created, expiresAt } = this.#json(response, listingPublishedSchema);
    this.#publishedAt.set(draft.name, updatedAt);
    return { created, expiresAt };
  }

  /** Takes the owner's group out of this relay's directory; false when it was not listed. Throws RelayNameTakenError for another owner's. */
  async unpublishGroup(key: OnionKey, name: string): Promise<boolean> {
    checkGroupName(name);
    const at = Math.max(this.#now(), this.#publishedAt.get(name) ?? 0);
    const response = await this.#send('DELETE', directoryPath(name), jsonBytes(signUnlisting(key, name, at)), { 'content-type': 'application/json' });
    try {
      this.#json(response, listingRemovedSchema);
      return true;
    } catch (error) {
      if (error instanceof RelayError && error.relayCode === 'listing-not-found') return false;
      throw error;
    }
  }

  /** Reserves room on the relay for a blob of `size` bytes owned by the queue; refused past its quota (RelayQuotaError). */
  async createBlob(key: QueueKey, size: number): Promise<CreatedBlob> {
    const body = Buffer.from(JSON.stringify({ size }));
    return this.#json(await this.#signed(key, 'POST', blobsPath(key.queueId), 0, body), blobCreatedSchema);
  }

  /** How much of the blob the relay holds, whether it is complete, and until when it is kept. */
  async blobStatus(key: QueueKey, blobId: string): Promise<BlobStatus> {
    return this.#json(await this.#signed(key, 'GET', blobPath(key.queueId, blobId)), blobStatusSchema);
  }

  /**
   * Uploads the blob's bytes in chunks, each synced by the relay before the next, then completes it. Resumes where
   * the relay's bytes end, so after a failure (RelayUnreachableError) calling it again continues the upload.
   */
  async uploadBlob(key: QueueKey, blobId: string, source: BlobSource, options: UploadBlobOptions = {}): Promise<BlobStatus> {
    let offset = options.offset ?? (await this.blobStatus(key, blobId)).received;
    let corrections = 0;
    restart: for (;;) {
      for await (const chunk of blobChunks(source, offset, BLOB_CHUNK_BYTES)) {
        options.signal?.throwIfAborted();
        const path = blobChunkPath(key.queueId, blobId, offset);
        const headers = { ...signRequest(key, 'PUT', path, chunk, this.#now()), 'content-type': 'application/octet-stream' };
        const response = await this.#send('PUT', path, chunk, headers);
        const expected = Number(response.headers[HEADER_BLOB_RECEIVED]);
        if (response.status === 409 && Number.isSafeInteger(expected) && expected !== offset && corrections < MAX_OFFSET_CORRECTIONS) {
          corrections += 1;
          offset = expected;
          continue restart;
        }
        const { received, size } = this.#json(response, blobChunkAcceptedSchema);
        corrections = 0;
        offset = received;
        options.onProgress?.(received, size);
      }
      break;
    }
    options.signal?.throwIfAborted();
    return this.#json(await this.#signed(key, 'POST', blobCompletePath(key.queueId, blobId)), blobStatusSchema);
  }

  /** Deletes the blob from the relay; true if it was there. */
  async deleteBlob(key: QueueKey, blobId: string): Promise<boolean> {
    return this.#json(await this.#signed(key, 'DELETE', blobPath(key.queueId, blobId)), blobDeletedSchema).deleted;
  }

  /**
   * The bytes of a completed blob, from `from` on, as they arrive. A download that breaks off throws
   * RelayUnreachableError; another call with `from` set to the bytes already kept continues it.
   */
  async *downloadBlob(capability: string, options: DownloadBlobOptions = {}): AsyncGenerator<Uint8Array> {
    options.signal?.throwIfAborted();
    const parts = parseBlobCapability(capability);
    if (parts === undefined) throw new RelayCapabilityError('This file capability is malformed: it is not one a relay makes.');
    const from = options.from ?? 0;
    if (!Number.isSafeInteger(from) || from < 0) throw new RangeError('A download starts at a whole, non-negative byte offset.');
    const headers: Record<string, string> = { [HEADER_BLOB_SECRET]: parts.secret };
    if (from > 0) headers['range'] = `bytes=${String(from)}-`;
    const answer = await this.#transport.open({
      method: 'GET',
      pathAndQuery: blobDownloadPath(parts.blobId),
      headers,
      body: new Uint8Array(),
      timeoutMs: this.#timeoutMs,
      deadlineMs: this.#deadlineMs,
      maxBodyBytes: ANSWER_MAX_BYTES,
    });
    if (answer.status !== 200 && answer.status !== 206) {
      const refusal = await this.#transport.readRest(answer, ANSWER_MAX_BYTES);
      // Asking from the very end of a blob: nothing is left to download.
      if (answer.status === 416 && refusal.headers['content-range'] === `bytes */${String(from)}` && (options.size ?? from) === from) return;
      this.#ok(refusal);
      throw new RelayFailedError(`The relay answered a download with HTTP ${String(answer.status)}.`);
    }
    let size: number;
    try {
      size = downloadSize(answer.status, answer.headers, from, options.size);
    } catch (error) {
      answer.body.destroy();
      throw error;
    }
    answer.extendDeadline(this.#deadlineMs + Math.ceil(((size - from) / TRANSFER_FLOOR_BYTES_PER_S) * 1_000));
    const stop = (): void => void answer.body.destroy();
    if (options.signal?.aborted === true) answer.body.destroy();
    options.signal?.addEventListener('abort', stop, { once: true });
    let received = from;
    const brokeOff = (cause?: unknown): RelayUnreachableError =>
      new RelayUnreachableError(
        `The download ${isDeadlinePassed(cause) ? 'did not finish in time' : 'broke off'} after ${String(received)} of ${String(size)} bytes.`,
        undefined,
        cause === undefined ? undefined : { cause },
      );
    try {
      for await (const piece of answer.body as AsyncIterable<Buffer>) {
        if (received + piece.length > size) throw new RelayProtocolError(`The relay sent more than the ${String(size)} bytes of this file.`);
        received += piece.length;
        options.onProgress?.(received, size);
        yield piece;
      }
    } catch (error) {
      options.signal?.throwIfAborted();
      throw error instanceof RelayProtocolError ? error : brokeOff(error);
    } finally {
      options.signal?.removeEventListener('abort', stop);
      answer.body.destroy();
    }
    options.signal?.throwIfAborted();
    if (received !== size) throw brokeOff();
  }

  /** Closes kept-alive connections. */
  close(): void {
    this.#transport.close();
  }

  #signed(key: QueueKey, method: string, pathAndQuery: string, extraTimeMs = 0, body: Uint8Array = new Uint8Array(), maxBodyBytes = ANSWER_MAX_BYTES): Promise<RelayHttpResponse> {
    const headers: Record<string, string> = { ...signRequest(key, method, pathAndQuery, body, this.#now()) };
    if (body.length > 0) headers['content-type'] = 'application/json';
    return this.#send(method, pathAndQuery, body, headers, extraTimeMs, maxBodyBytes);
  }

  #send(
    method: string,
    pathAndQuery: string,
    body: Uint8Array = new Uint8Array(),
    headers: Record<string, string> = {},
    extraTimeMs = 0,
    maxBodyBytes = ANSWER_MAX_BYTES,
  ): Promise<RelayHttpResponse> {
    const deadlineMs = this.#deadlineMs + extraTimeMs + Math.ceil((body.length / TRANSFER_FLOOR_BYTES_PER_S) * 1_000);
    return this.#transport.send({ method, pathAndQuery, headers, body, timeoutMs: this.#timeoutMs + extraTimeMs, deadlineMs, maxBodyBytes });
  }

  /** Throws the named error for a refusal; otherwise returns. */
  #ok(response: RelayHttpResponse): void {
    if (response.status >= 200 && response.status < 300) return;
    const refusal = refusalSchema.safeParse(parseJsonOrUndefined(response.body));
    if (!refusal.success) {
      if (response.status === 502 || response.status === 503 || response.status === 504) {
        throw new RelayUnreachableError(`The relay is not answering right now (HTTP ${String(response.status)}).`);
      }
      throw new RelayFailedError(`The relay answered HTTP ${String(response.status)} without saying why.`);
    }
    const retryAfter = Number(response.headers['retry-after']);
    throw refusalError(refusal.data.error, refusal.data.message, Number.isFinite(retryAfter) ? retryAfter : undefined);
  }

  #json<S extends z.ZodType>(response: RelayHttpResponse, schema: S): z.infer<S> {
    this.#ok(response);
    const parsed = schema.safeParse(parseJsonOrUndefined(response.body));
    if (!parsed.success) throw new RelayFailedError('The relay answered in a form this version of Allium does not understand.');
    return parsed.data;
  }
}

function checkGroupName(name: string): void {
  if (!GROUP_NAME.test(name)) throw new DirectoryListingError('malformed', `"${name}" is not a group name: 1 to 32 lower-case letters, digits or hyphens, with no hyphen at either end.`);
}

function listingOrUndefined(signed: unknown): DirectoryListing | undefined {
  try {
    return verifyListing(signed);
  } catch (error) {
    if (error instanceof DirectoryListingError) return undefined;
    throw error;
  }
}

function jsonBytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/**
 * The blob's size from a download's head, checked against what was asked: a 206 must cover exactly `from` to the end,
 * a 200 only answers a download from 0, and a size the offer named must be the one the relay has.
 */
function downloadSize(status: number, headers: Record<string, string | string[] | undefined>, from: number, expected: number | undefined): number {
  const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
  let size: number;
  if (status === 206) {
    const range = headers['content-range'];
    const match = typeof range === 'string' ? /^bytes (\d+)-(\d+)\/(\d+)$/.exec(range) : null;
    size = Number(match?.[3]);
    if (match === null || !Number.isSafeInteger(size) || Number(match[1]) !== from || Number(match[2]) !== size - 1) {
      throw new RelayProtocolError(`The relay answered a download from byte ${String(from)} with another range (${typeof range === 'string' ? range.slice(0, 80) : 'none'}).`);
    }
    if (length !== undefined && length !== size - from) throw new RelayProtocolError('The relay answered a download with a length that does not match its range.');
  } else {
    if (from > 0) throw new RelayProtocolError(`The relay answered a download from byte ${String(from)} with the whole file.`);
    if (length === undefined || !Number.isSafeInteger(length)) throw new RelayProtocolError('The relay answered a download without saying its length.');
    size = length;
  }
  if (expected !== undefined && size !== expected) throw new RelayProtocolError(`The relay holds ${String(size)} bytes for this file, not the ${String(expected)} offered.`);
  return size;
}

function parseJsonOrUndefined(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
