// What the messenger knows of each peer only while it runs: what it stored from them, presence, typing.
import type { PresenceDto } from '../../shared/api/index.js';

export interface LiveState {
  /** Highest sequence number stored from the peer, read from state once, then kept here. */
  inSeq?: number;
  presence?: PresenceDto;
  typingUntil?: number;
  typingTimer?: NodeJS.Timeout;
}

/** The live state of every peer seen since start, made on first use and never stored. */
export class LiveStates {
  readonly #byPeer = new Map<string, LiveState>();

  get(peer: string): LiveState | undefined {
    return this.#byPeer.get(peer);
  }

  /** The peer's live state, made empty if there is none yet. */
  of(peer: string): LiveState {
    let live = this.#byPeer.get(peer);
    if (live === undefined) {
      live = {};
      this.#byPeer.set(peer, live);
    }
    return live;
  }

  /** Drops what is known of a removed contact, so one added again at the same address starts from nothing. */
  forget(peer: string): void {
    const live = this.#byPeer.get(peer);
    if (live === undefined) return;
    clearTimeout(live.typingTimer);
    this.#byPeer.delete(peer);
  }

  clearTimers(): void {
    for (const live of this.#byPeer.values()) {
      clearTimeout(live.typingTimer);
    }
  }
}
