// Keeps our public listings' member counts current: the owner's core publishes again shortly after the roster changes.
import type { GroupDto } from '../../shared/api/index.js';
import { RelayRateLimitError } from '../relay-client/index.js';

/** A change waits this long for more (joins come in bursts), measured from the last one... */
export const REFRESH_DEBOUNCE_MS = 10_000;
/** ...but never longer than this from the first, so a busy group is refreshed all the same. */
export const REFRESH_MAX_WAIT_MS = 30_000;
/** A publish that failed for another reason than the relay's rate limit is tried again after this. */
export const REFRESH_RETRY_MS = 60_000;
/** A relay's Retry-After is honoured within these bounds: a hostile one cannot stop refreshes for good, nor make them spin. */
const MIN_RETRY_MS = 1_000;
const MAX_RETRY_MS = 15 * 60_000;

/** Timers, injectable so tests drive time themselves. */
export interface RefreshTimers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: RefreshTimers = {
  set: (run, ms) => setTimeout(run, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface ListingRefreshOptions {
  /**
   * Publishes the group's listing again with its current count and resolves to that count; or, when we no longer own
   * the group or are no longer in it, takes the listing down (resolving to undefined).
   */
  readonly refresh: (groupId: string) => Promise<number | undefined>;
  readonly now: () => number;
  readonly timers?: RefreshTimers;
  readonly log: (line: string) => void;
}

interface Pending {
  readonly firstAt: number;
  readonly handle: unknown;
}

/**
 * Watches group changes. Only the owner lists a group (the relay keys the name to the owner's onion key), so only the
 * owner's core refreshes it; when we are no longer its owner or a member, our listing is taken down instead of left
 * to mislead. One publish per group at a time, debounced; the count last published is remembered so changes that do
 * not touch the roster (messages, unread counts) publish nothing.
 */
export class ListingRefresh {
  readonly #options: ListingRefreshOptions;
  readonly #timers: RefreshTimers;
  readonly #published = new Map<string, number>();
  readonly #pending = new Map<string, Pending>();
  readonly #running = new Set<string>();
  /** After a refusal: no publish for the group before this time (the relay's Retry-After), however the roster churns. */
  readonly #notBefore = new Map<string, number>();
  #stopped = false;

  constructor(options: ListingRefreshOptions) {
    this.#options = options;
    this.#timers = options.timers ?? realTimers;
  }

  /** We published the group's listing with this count (by hand, or a refresh). */
  published(groupId: string, memberCount: number): void {
    this.#published.set(groupId, memberCount);
  }

  /** A group changed: schedule a refresh when it is listed and its roster size is not what the relay shows. */
  changed(group: GroupDto): void {
    if (this.#stopped || group.listing === undefined) return;
    if (group.standing !== 'member' || group.myRole !== 'owner') {
      this.#schedule(group.id, 0);
      return;
    }
    if (this.#published.get(group.id) === group.members.length) return;
    this.#schedule(group.id, REFRESH_DEBOUNCE_MS, true);
  }

  stop(): void {
    this.#stopped = true;
    for (const { handle } of this.#pending.values()) this.#timers.clear(handle);
    this.#pending.clear();
  }

  /** Waits `ms` (from now; a debounced wait never goes past the first change's maximum), then refreshes. */
  #schedule(groupId: string, ms: number, debounced = false): void {
    const now = this.#options.now();
    const pending = this.#pending.get(groupId);
    const firstAt = pending?.firstAt ?? now;
    const debouncedWait = debounced ? Math.max(0, Math.min(ms, firstAt + REFRESH_MAX_WAIT_MS - now)) : ms;
    const wait = Math.max(debouncedWait, (this.#notBefore.get(groupId) ?? 0) - now);
    if (pending !== undefined) this.#timers.clear(pending.handle);
    const handle = this.#timers.set(() => void this.#run(groupId), wait);
    this.#pending.set(groupId, { firstAt, handle });
  }

  async #run(groupId: string): Promise<void> {
    this.#pending.delete(groupId);
    if (this.#stopped) return;
    if (this.#running.has(groupId)) {
      // A publish is under way; what it did not see is published right after it.
      this.#schedule(groupId, REFRESH_DEBOUNCE_MS);
      return;
    }
    this.#running.add(groupId);
    try {
      const count = await this.#options.refresh(groupId);
      this.#notBefore.delete(groupId);
      if (count === undefined) this.#published.delete(groupId);
      else this.#published.set(groupId, count);
    } catch (error) {
      if (this.#stopped) return;
      const asked = error instanceof RelayRateLimitError ? error.retryAfterMs : REFRESH_RETRY_MS;
      const retryMs = Math.min(MAX_RETRY_MS, Math.max(MIN_RETRY_MS, Number.isFinite(asked) ? asked : REFRESH_RETRY_MS));
      this.#notBefore.set(groupId, this.#options.now() + retryMs);
      this.#options.log(`could not refresh the listing of group ${groupId}; trying again in ${String(Math.round(retryMs / 1000))} s: ${error instanceof Error ? error.message : String(error)}`);
      this.#schedule(groupId, retryMs);
    } finally {
      this.#running.delete(groupId);
    }
  }
}
