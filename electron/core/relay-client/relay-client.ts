// Talks to one relay for the core: mailboxes (queues) with their key, capabilities, deposits, fetches and acks, the group directory.
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import {
  DEPOSITS_PATH,
  DIRECTORY_PATH,
  ENVELOPE_ID,
  GROUP_NAME,
  HEADER_CAPABILITY,
  HEADER_ENVELOPE_ID,
  INFO_PATH,
  MAX_FETCH_LIMIT,
  MAX_WAIT_SECONDS,
  ackPath,
  ackedSchema,
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
  type DirectoryListing,
  type RelayInfo,
} from '../../shared/relay-protocol/index.js';
import type { OnionKey } from '../identity/index.js';
import { signListing, signUnlisting, verifyListing, type DirectoryListingDraft } from './directory-listing.js';
import { DirectoryListingError, RelayError, RelayFailedError, RelayUnreachableError, refusalError } from './errors.js';
import { signRequest, type QueueKey } from './queue-key.js';
import { RelayTransport, type RelayHttpResponse, type RelayTarget } from './relay-transport.js';

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
  readonly now?: () => number;
}

const DEFAULT_TIMEOUT_MS = 90_000;

/** A fresh envelope id for a deposit, when the caller has none of its own. */
export function newEnvelopeId(): string {
  return randomBytes(16).toString('base64url');
}

/** One relay. Key material stays with the caller: each queue operation takes the queue's key. */
export class RelayClient {
  readonly #transport: RelayTransport;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  /** The last `updatedAt` this client published per name, so two publishes in one millisecond still increase. */
  readonly #publishedAt = new Map<string, number>();

  constructor(options: RelayClientOptions) {
    this.#transport = new RelayTransport(options.target);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#now = options.now ?? Date.now;
  }

  /** Whether the relay answers, and its limits; throws RelayUnreachableError when it does not. */
  async probe(): Promise<RelayInfo> {
    return this.#json(await this.#send('GET', INFO_PATH), infoSchema);
  }

  /** Creates the queue named by the key (idempotent: an existing queue is kept). */
  async createQueue(key: QueueKey): Promise<{ created: boolean }> {
    const { created } = this.#json(await this.#signed(key, 'PUT', queuePath(key.queueId)), queueCreatedSchema);
    return { created };
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
    const query = new URLSearchParams({ after: String(options.after ?? 0), limit: String(options.limit ?? MAX_FETCH_LIMIT), wait: String(wait) });
    const response = await this.#signed(key, 'GET', `${messagesPath(key.queueId)}?${query.toString()}`, wait * 1_000);
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
    const { listings } = this.#json(await this.#send('GET', DIRECTORY_PATH), directoryListSchema);
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

  /** Closes kept-alive connections. */
  close(): void {
    this.#transport.close();
  }

  #signed(key: QueueKey, method: string, pathAndQuery: string, extraTimeMs = 0, body: Uint8Array = new Uint8Array()): Promise<RelayHttpResponse> {
    const headers: Record<string, string> = { ...signRequest(key, method, pathAndQuery, body, this.#now()) };
    if (body.length > 0) headers['content-type'] = 'application/json';
    return this.#send(method, pathAndQuery, body, headers, extraTimeMs);
  }

  #send(method: string, pathAndQuery: string, body: Uint8Array = new Uint8Array(), headers: Record<string, string> = {}, extraTimeMs = 0): Promise<RelayHttpResponse> {
    return this.#transport.send({ method, pathAndQuery, headers, body, timeoutMs: this.#timeoutMs + extraTimeMs });
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

function parseJsonOrUndefined(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
