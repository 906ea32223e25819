// The relay's HTTP API: routes each request to the stores after checking its signature or capability and limits.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BLOB_CHUNK_BYTES,
  BLOB_MAX_BYTES,
  BODY_BUCKETS,
  CAPABILITY_ID,
  CAPABILITY_SECRET,
  DEPOSITS_PATH,
  DIRECTORY_PATH,
  ENVELOPE_ID,
  HEADER_CAPABILITY,
  HEADER_ENVELOPE_ID,
  INFO_PATH,
  MAX_BODY_BYTES,
  MAX_FETCH_LIMIT,
  MAX_WAIT_SECONDS,
  QUEUE_ID,
  ackRequestSchema,
  isBucketLength,
  queueCreateRequestSchema,
  type RelayInfo,
} from '../../shared/relay-protocol/index.js';
import { TokenBucket } from '../../core/link/token-bucket.js';
import { RelayRefusal } from '../errors.js';
import type { RelayLimits } from '../limits.js';
import { DepositBatcher } from '../storage/deposit-batcher.js';
import { hashSecret, isDiskFull, type RelayStore } from '../storage/relay-store.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { RelayActivity } from './activity.js';
import { blobRoutes } from './blob-routes.js';
import { LongPollWaiters } from './long-poll.js';
import { QueueAdmission } from './queue-admission.js';
import { DirectoryApi } from './directory-api.js';
import { checkQueueSignature } from './queue-signature.js';
import { send, type Reply, type Route } from './reply.js';
import { parseJson, readBody } from './request-body.js';

/** Bodies of requests other than deposits are small JSON or nothing. */
const MAX_CONTROL_BODY = 4_096;
/** Capabilities (or queues) whose token buckets are remembered; past it all are forgotten, which at worst grants each one fresh burst. */
const MAX_TRACKED_CAPABILITIES = 100_000;

export interface RelayApiOptions {
  readonly store: RelayStore;
  readonly blobs: BlobStore;
  readonly limits: RelayLimits;
  readonly activity: RelayActivity;
  readonly now?: () => number;
}


/** One relay's request handler; `close()` wakes waiting fetches so the server can stop. */
export class RelayApi {
  readonly #store: RelayStore;
  readonly #blobs: BlobStore;
  readonly #limits: RelayLimits;
  readonly #activity: RelayActivity;
  readonly #now: () => number;
  readonly #waiters: LongPollWaiters;
  readonly #deposits: DepositBatcher;
  readonly #buckets = new Map<string, TokenBucket>();
  /** Per queue: capabilities it may still create in a burst. */
  readonly #capabilityBuckets = new Map<string, TokenBucket>();
  readonly #admission: QueueAdmission;
  readonly #routes: readonly Route[];

  constructor(options: RelayApiOptions) {
    this.#store = options.store;
    this.#blobs = options.blobs;
    this.#limits = options.limits;
    this.#activity = options.activity;
    this.#now = options.now ?? Date.now;
    this.#deposits = new DepositBatcher(options.store);
    this.#admission = new QueueAdmission(options.limits, this.#now);
    this.#waiters = new LongPollWaiters(options.limits.waitingPerQueue, options.limits.waitingTotal);
    const directory = new DirectoryApi({ directory: options.store.directory, limits: options.limits, now: this.#now });
    const queue = '/v1/queues/([A-Za-z0-9_-]+)';
    const listing = `${DIRECTORY_PATH}/([^/]*)`;
    this.#routes = [
      { method: 'GET', pattern: new RegExp(`^${INFO_PATH}$`), handle: () => Promise.resolve(this.#info()) },
      { method: 'POST', pattern: new RegExp(`^${DEPOSITS_PATH}$`), handle: (request) => this.#deposit(request) },
      { method: 'PUT', pattern: new RegExp(`^${queue}$`), handle: (request, [q]) => this.#createQueue(request, q) },
      { method: 'DELETE', pattern: new RegExp(`^${queue}$`), handle: (request, [q]) => this.#deleteQueue(request, q) },
      { method: 'POST', pattern: new RegExp(`^${queue}/capabilities$`), handle: (request, [q]) => this.#createCapability(request, q) },
      { method: 'DELETE', pattern: new RegExp(`^${queue}/capabilities/([A-Za-z0-9_-]+)$`), handle: (request, [q, c]) => this.#revokeCapability(request, q, c) },
      { method: 'GET', pattern: new RegExp(`^${queue}/messages$`), handle: (request, [q], url, aborted) => this.#fetch(request, q, url, aborted) },
      { method: 'POST', pattern: new RegExp(`^${queue}/ack$`), handle: (request, [q]) => this.#ack(request, q) },
      { method: 'GET', pattern: new RegExp(`^${DIRECTORY_PATH}$`), handle: () => Promise.resolve(directory.list()) },
      { method: 'GET', pattern: new RegExp(`^${listing}$`), handle: (_request, [name]) => Promise.resolve().then(() => directory.get(name)) },
      { method: 'PUT', pattern: new RegExp(`^${listing}$`), handle: (request, [name]) => directory.publish(request, name) },
      { method: 'DELETE', pattern: new RegExp(`^${listing}$`), handle: (request, [name]) => directory.remove(request, name) },
      ...blobRoutes({
        blobs: options.blobs,
        signed: async (request, id, limit) => {
          const signed = await this.#signed(request, id, limit);
          this.#requireQueue(signed.queueId);
          return signed;
        },
        now: this.#now,
      }),
    ];
  }

  /** Answers one request; every refusal is a status with `{ error, message }`. */
  readonly handle = (request: IncomingMessage, response: ServerResponse): void => {
    const aborted = new AbortController();
    response.once('close', () => aborted.abort());
    this.#route(request, aborted.signal).then(
      (reply) => send(response, reply),
      (error: unknown) => {
        const refusal =
          error instanceof RelayRefusal
            ? error
            : isDiskFull(error)
              ? new RelayRefusal('relay-full', 'The relay cannot write to its disk (it is full): it takes nothing new until space is freed.', 600)
              : new RelayRefusal('internal-error', 'The relay failed to handle this request.');
        const headers: Record<string, string> = { ...refusal.headers };
        if (refusal.retryAfterSeconds !== undefined) headers['retry-after'] = String(refusal.retryAfterSeconds);
        // A refused upload may still be arriving: close the connection rather than read what is left of it.
        if (!request.complete) headers['connection'] = 'close';
        send(response, { status: refusal.status, body: { error: refusal.code, message: refusal.message }, headers });
      },
    );
  };

  close(): void {
    this.#waiters.wakeAll();
  }

  async #route(request: IncomingMessage, aborted: AbortSignal): Promise<Reply> {
    const target = request.url ?? '';
    if (!target.startsWith('/')) throw new RelayRefusal('malformed-request', 'The request target must be a path.');
    const url = new URL(target, 'http://relay.invalid');
    const matching = this.#routes.filter((route) => route.pattern.test(url.pathname));
    if (matching.length === 0) throw new RelayRefusal('not-found', `There is no ${url.pathname} on this relay.`);
    const route = matching.find((r) => r.method === request.method);
    if (route === undefined) throw new RelayRefusal('method-not-allowed', `${request.method ?? '?'} is not allowed on ${url.pathname}.`);
    const params = route.pattern.exec(url.pathname)?.slice(1) ?? [];
    return route.handle(request, params, url, aborted);
  }

  #info(): Reply {
    const info: RelayInfo = {
      service: 'allium-relay',
      version: 1,
      buckets: [...BODY_BUCKETS],
      retentionMs: this.#limits.retentionMs,
      maxWaitSeconds: MAX_WAIT_SECONDS,
      blobs: { maxBytes: BLOB_MAX_BYTES, chunkBytes: BLOB_CHUNK_BYTES, retentionMs: this.#limits.blobRetentionMs, queueMaxBytes: this.#limits.blobQueueMaxBytes },
    };
    return { status: 200, body: info };
  }

  /** Reads the body and checks the queue owner's signature over it; returns the body. */
  async #signed(request: IncomingMessage, queueId: string | undefined, limit = MAX_CONTROL_BODY): Promise<{ queueId: string; body: Buffer }> {
    if (queueId === undefined || !QUEUE_ID.test(queueId)) throw new RelayRefusal('malformed-request', 'A queue id is 43 characters of base64url (an ed25519 public key).');
    const body = await readBody(request, limit);
    checkQueueSignature(request, queueId, body, this.#now());
    return { queueId, body };
  }

  #requireQueue(queueId: string): void {
    if (this.#store.queueKey(queueId) === undefined) throw new RelayRefusal('queue-not-found', 'This relay holds no such queue; it may have been deleted.');
  }

  /** A queue that exists is answered as it is; a new one costs a proof of work (refused `proof-required` with a challenge). */
  async #createQueue(request: IncomingMessage, id: string | undefined): Promise<Reply> {
    const { queueId, body } = await this.#signed(request, id);
    const parsed = queueCreateRequestSchema.safeParse(parseJson(body));
    if (!parsed.success) throw new RelayRefusal('malformed-request', 'A new queue is { "proof": { "challenge": <from the relay>, "nonce": <16 hex digits> } }, or nothing.');
    if (this.#store.queueKey(queueId) !== undefined) return { status: 200, body: { queueId, created: false } };
    this.#admission.check(queueId, parsed.data);
    const { created } = this.#store.createQueue(queueId, Buffer.from(queueId, 'base64url'), this.#now());
    if (created) this.#admission.created();
    return { status: created ? 201 : 200, body: { queueId, created } };
  }

  async #deleteQueue(request: IncomingMessage, id: string | undefined): Promise<Reply> {
    const { queueId } = await this.#signed(request, id);
    this.#requireQueue(queueId);
    await this.#blobs.deleteQueueBlobs(queueId);
    if (!this.#store.deleteQueue(queueId)) throw new RelayRefusal('queue-not-found', 'This relay holds no such queue; it may have been deleted.');
    this.#waiters.notify(queueId);
    return { status: 200, body: { deleted: true } };
  }

  async #createCapability(request: IncomingMessage, id: string | undefined): Promise<Reply> {
    const { queueId } = await this.#signed(request, id);
    this.#requireQueue(queueId);
    this.#takeCapabilityToken(queueId);
    const capabilityId = randomBytes(16).toString('base64url');
    const secret = randomBytes(32).toString('base64url');
    this.#store.createCapability(queueId, capabilityId, secret, this.#now());
    return { status: 201, body: { capabilityId, capability: `${capabilityId}.${secret}` } };
  }

  async #revokeCapability(request: IncomingMessage, id: string | undefined, capabilityId: string | undefined): Promise<Reply> {
    const { queueId } = await this.#signed(request, id);
    this.#requireQueue(queueId);
    const revoked = capabilityId !== undefined && this.#store.revokeCapability(queueId, capabilityId);
    if (revoked) this.#buckets.delete(capabilityId);
    return { status: 200, body: { revoked } };
  }

  async #fetch(request: IncomingMessage, id: string | undefined, url: URL, aborted: AbortSignal): Promise<Reply> {
    const { queueId } = await this.#signed(request, id);
    this.#requireQueue(queueId);
    const after = integerParam(url, 'after', 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = integerParam(url, 'limit', MAX_FETCH_LIMIT, 1, MAX_FETCH_LIMIT);
    const waitSeconds = integerParam(url, 'wait', 0, 0, MAX_WAIT_SECONDS);
    this.#activity.fetches.add();
    this.#store.markUsed(queueId, this.#now());
    let messages = this.#store.fetch(queueId, after, limit, this.#now());
    if (messages.length === 0 && waitSeconds > 0) {
      await this.#waiters.wait(queueId, waitSeconds * 1_000, aborted);
      if (this.#store.queueKey(queueId) === undefined) throw new RelayRefusal('queue-not-found', 'The queue was deleted while this fetch waited.');
      messages = this.#store.fetch(queueId, after, limit, this.#now());
    }
    return {
      status: 200,
      body: {
        messages: messages.map((m) => ({ sequence: m.sequence, envelopeId: m.envelopeId, body: m.body.toString('base64'), depositedAt: m.depositedAt, expiresAt: m.expiresAt })),
      },
    };
  }

  async #ack(request: IncomingMessage, id: string | undefined): Promise<Reply> {
    const { queueId, body } = await this.#signed(request, id);
    this.#requireQueue(queueId);
    const parsed = ackRequestSchema.safeParse(parseJson(body));
    if (!parsed.success) throw new RelayRefusal('malformed-request', 'An acknowledgement is { "upTo": <sequence number> }.');
    return { status: 200, body: { deleted: this.#store.ack(queueId, parsed.data.upTo) } };
  }

  async #deposit(request: IncomingMessage): Promise<Reply> {
    const capabilityId = this.#checkCapability(request.headers[HEADER_CAPABILITY]);
    const envelopeId = request.headers[HEADER_ENVELOPE_ID];
    if (typeof envelopeId !== 'string' || !ENVELOPE_ID.test(envelopeId)) {
      throw new RelayRefusal('malformed-request', 'A deposit names its envelope in the x-allium-envelope-id header: 16 to 64 characters of base64url.');
    }
    this.#takeToken(capabilityId.id);
    const body = await readBody(request, MAX_BODY_BYTES);
    if (!isBucketLength(body.length)) {
      throw new RelayRefusal('body-not-padded', `A deposit must be padded to one of ${BODY_BUCKETS.join(', ')} bytes; this one has ${String(body.length)}.`);
    }
    const outcome = await this.#deposits.submit({ queueId: capabilityId.queueId, envelopeId, body, now: this.#now() });
    this.#activity.deposits.add();
    if (outcome.stored) this.#waiters.notify(capabilityId.queueId);
    return { status: outcome.stored ? 201 : 200, body: outcome };
  }

  /** The capability's id and queue, if the header holds a live capability with the right secret. */
  #checkCapability(header: string | string[] | undefined): { id: string; queueId: string } {
    if (header === undefined) throw new RelayRefusal('capability-missing', 'A deposit must carry a deposit capability (the x-allium-capability header).');
    const [id, secret, ...rest] = typeof header === 'string' ? header.split('.') : [];
    if (id === undefined || secret === undefined || rest.length > 0 || !CAPABILITY_ID.test(id) || !CAPABILITY_SECRET.test(secret)) {
      throw new RelayRefusal('capability-invalid', 'The deposit capability is malformed.');
    }
    const stored = this.#store.capability(id);
    if (stored === undefined || !timingSafeEqual(stored.secretHash, hashSecret(secret))) {
      throw new RelayRefusal('capability-invalid', 'This deposit capability is not valid here: it was revoked, or never issued by this relay.');
    }
    return { id, queueId: stored.queueId };
  }

  #takeCapabilityToken(queueId: string): void {
    const { capabilityCreatePerSecond: perSecond, capabilityCreateBurst: burst } = this.#limits;
    if (!takeFrom(this.#capabilityBuckets, queueId, perSecond, burst)) {
      throw new RelayRefusal('rate-limited', `This queue creates capabilities too fast: at most one every ${String(Math.round(1 / perSecond))} seconds after a burst of ${String(burst)}.`, Math.ceil(1 / perSecond));
    }
  }

  #takeToken(capabilityId: string): void {
    const { capabilityPerSecond: perSecond, capabilityBurst: burst } = this.#limits;
    if (!takeFrom(this.#buckets, capabilityId, perSecond, burst)) {
      throw new RelayRefusal('rate-limited', `Too many deposits with this capability: at most ${String(perSecond)} per second after a burst of ${String(burst)}.`, Math.ceil(1 / perSecond));
    }
  }

}

/** Takes a token from the key's bucket, making it on first use; past MAX_TRACKED_CAPABILITIES keys all are forgotten. */
function takeFrom(buckets: Map<string, TokenBucket>, key: string, perSecond: number, burst: number): boolean {
  let bucket = buckets.get(key);
  if (bucket === undefined) {
    if (buckets.size >= MAX_TRACKED_CAPABILITIES) buckets.clear();
    bucket = new TokenBucket({ perSecond, burst });
    buckets.set(key, bucket);
  }
  return bucket.take();
}

function integerParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const text = url.searchParams.get(name);
  if (text === null) return fallback;
  const value = Number(text);
  if (!/^\d{1,16}$/.test(text) || value < min || value > max) {
    throw new RelayRefusal('malformed-request', `The ${name} parameter must be a whole number from ${String(min)} to ${String(max)}.`);
  }
  return value;
}
