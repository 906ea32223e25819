// The public group directory's routes: signed listings put, taken down and read, with rate limits per owner and in all.
import type { IncomingMessage } from 'node:http';
import { GROUP_NAME, SIGNATURE_FRESHNESS_MS } from '../../shared/relay-protocol/index.js';
import { TokenBucket } from '../../core/link/token-bucket.js';
import { verifySignedListing, verifyUnlisting } from '../../core/relay-client/directory-listing.js';
import { DirectoryListingError } from '../../core/relay-client/errors.js';
import { RelayRefusal } from '../errors.js';
import type { RelayLimits } from '../limits.js';
import type { DirectoryStore } from '../storage/directory-store.js';
import type { Reply } from './reply.js';
import { parseJson, readBody } from './request-body.js';

/**
 * A signed listing is small: a 280-character description and a 400-character link, even written as JSON escapes
 * (six bytes a character), fit with room to spare.
 */
const MAX_LISTING_BODY = 8_192;
/** Owners whose token buckets are remembered; past it all are forgotten, which at worst grants each one fresh burst. */
const MAX_TRACKED_OWNERS = 100_000;

export interface DirectoryApiOptions {
  readonly directory: DirectoryStore;
  readonly limits: RelayLimits;
  readonly now: () => number;
}

export class DirectoryApi {
  readonly #directory: DirectoryStore;
  readonly #limits: RelayLimits;
  readonly #now: () => number;
  readonly #ownerBuckets = new Map<string, TokenBucket>();
  readonly #globalBucket: TokenBucket;

  constructor(options: DirectoryApiOptions) {
    this.#directory = options.directory;
    this.#limits = options.limits;
    this.#now = options.now;
    this.#globalBucket = new TokenBucket({ perSecond: options.limits.directoryGlobalPerSecond, burst: options.limits.directoryGlobalBurst });
  }

  list(): Reply {
    return { status: 200, body: { listings: this.#directory.all(this.#now()).map((signed) => JSON.parse(signed) as unknown) } };
  }

  get(name: string | undefined): Reply {
    const signed = this.#directory.get(checkName(name), this.#now());
    if (signed === undefined) throw new RelayRefusal('listing-not-found', `This relay's directory has no group named "${String(name)}".`);
    return { status: 200, body: JSON.parse(signed) as unknown };
  }

  /** Registers or updates the listing in the body, once its owner's signature and the limits allow it; answers after commit. */
  async publish(request: IncomingMessage, name: string | undefined): Promise<Reply> {
    const pathName = checkName(name);
    const body = parseJson(await readBody(request, MAX_LISTING_BODY));
    const signed = verified(() => verifySignedListing(body));
    const { listing } = signed;
    if (listing.name !== pathName) throw new RelayRefusal('malformed-request', `The path names "${pathName}" but the listing is of "${listing.name}"; they must be equal.`);
    const now = this.#now();
    checkFresh(listing.updatedAt, now, 'listing');
    this.#takeTokens(listing.owner);
    const outcome = this.#directory.publish({ name: listing.name, owner: listing.owner, updatedAt: listing.updatedAt, signed: JSON.stringify(signed) }, now);
    return { status: outcome.created ? 201 : 200, body: outcome };
  }

  /** Takes a listing down on its owner's signed request. */
  async remove(request: IncomingMessage, name: string | undefined): Promise<Reply> {
    const pathName = checkName(name);
    const body = parseJson(await readBody(request, MAX_LISTING_BODY));
    const unlisting = verified(() => verifyUnlisting(body));
    if (unlisting.name !== pathName) throw new RelayRefusal('malformed-request', `The path names "${pathName}" but the removal is of "${unlisting.name}"; they must be equal.`);
    const now = this.#now();
    checkFresh(unlisting.at, now, 'removal');
    this.#directory.remove(unlisting.name, unlisting.owner, unlisting.at, now);
    return { status: 200, body: { removed: true } };
  }

  #takeTokens(owner: string): void {
    let bucket = this.#ownerBuckets.get(owner);
    if (bucket === undefined) {
      if (this.#ownerBuckets.size >= MAX_TRACKED_OWNERS) this.#ownerBuckets.clear();
      bucket = new TokenBucket({ perSecond: this.#limits.directoryOwnerPerSecond, burst: this.#limits.directoryOwnerBurst });
      this.#ownerBuckets.set(owner, bucket);
    }
    if (!bucket.take()) {
      const wait = Math.ceil(1 / this.#limits.directoryOwnerPerSecond);
      throw new RelayRefusal('rate-limited', `Too many directory registrations by this owner: ${String(this.#limits.directoryOwnerBurst)} at once, then one every ${String(wait)} seconds.`, wait);
    }
    if (!this.#globalBucket.take()) {
      const wait = Math.ceil(1 / this.#limits.directoryGlobalPerSecond);
      throw new RelayRefusal('rate-limited', 'This relay takes too many directory registrations right now; try again shortly.', wait);
    }
  }
}

function checkName(name: string | undefined): string {
  if (name === undefined || !GROUP_NAME.test(name)) {
    throw new RelayRefusal('malformed-request', 'A group name is 1 to 32 lower-case letters, digits or hyphens, with no hyphen at either end.');
  }
  return name;
}

/** Runs a check of a signed listing or removal, turning its error into the refusal that says why. */
function verified<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof DirectoryListingError)) throw error;
    throw new RelayRefusal(error.reason === 'signature' ? 'signature-invalid' : 'malformed-request', error.message);
  }
}

/** A listing or removal made long ago could be a replay (of one since taken down or expired): refuse it. */
function checkFresh(at: number, now: number, what: string): void {
  if (Math.abs(now - at) > SIGNATURE_FRESHNESS_MS) {
    throw new RelayRefusal('signature-stale', `The ${what} was signed too long ago or too far in the future; check this computer's clock.`);
  }
}
