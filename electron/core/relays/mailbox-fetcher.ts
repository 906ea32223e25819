// Fetches one of my mailboxes while the profile is online: long-polls the relay, hands each envelope to messaging, then acknowledges.
import { setTimeout as delay } from 'node:timers/promises';
import type { OnionAddress } from '../../shared/onion-address/index.js';
import { RelayError, RelayQueueGoneError, queueKeyFromSeed, type QueueKey } from '../relay-client/index.js';
import type { Mailbox } from '../store/index.js';
import type { RelayClients } from './relay-clients.js';
import { decodeRelayed } from './relay-envelope.js';

/** How long one fetch waits at the relay for a deposit (the relay's longest). */
const LONG_POLL_SECONDS = 25;
const FIRST_BACKOFF_MS = 5_000;
const LONGEST_BACKOFF_MS = 5 * 60_000;

export interface MailboxFetcherOptions {
  readonly mailbox: Mailbox;
  readonly clients: RelayClients;
  /** Stores one fetched Signal message; resolves once it is stored (or found to be a duplicate or unreadable). */
  readonly receive: (peer: OnionAddress, kind: 'prekey' | 'whisper', body: Uint8Array) => Promise<void>;
  /** The relay no longer has the queue (it was reset or expired): the mailbox must be opened anew. */
  readonly onGone: (contact: string) => void;
  readonly log: (line: string) => void;
}

export class MailboxFetcher {
  readonly #options: MailboxFetcherOptions;
  readonly #key: QueueKey;
  readonly #stop = new AbortController();
  #started = false;

  constructor(options: MailboxFetcherOptions) {
    this.#options = options;
    this.#key = queueKeyFromSeed(options.mailbox.queueSeed);
  }

  get relay(): string {
    return this.#options.mailbox.relay;
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    void this.#loop();
  }

  /** Ends the loop; a long-poll under way is left to time out and its answer is ignored. */
  stop(): void {
    this.#stop.abort();
  }

  async #loop(): Promise<void> {
    const { mailbox, clients, log } = this.#options;
    let backoff = FIRST_BACKOFF_MS;
    while (!this.#stop.signal.aborted) {
      const client = clients.get(mailbox.relay as OnionAddress);
      if (client === undefined) {
        await this.#sleep(FIRST_BACKOFF_MS);
        continue;
      }
      try {
        const fetched = await client.fetch(this.#key, { waitSeconds: LONG_POLL_SECONDS });
        if (this.#stop.signal.aborted) return;
        if (fetched.length > 0) {
          for (const item of fetched) await this.#handle(item.envelopeId, item.envelope);
          // Only now: every envelope up to here is stored (or can never be read), so the relay may delete them.
          await client.ack(this.#key, fetched[fetched.length - 1]?.sequence ?? 0);
        }
        backoff = FIRST_BACKOFF_MS;
      } catch (error) {
        if (this.#stop.signal.aborted) return;
        if (error instanceof RelayQueueGoneError) {
          log(`the relay ${mailbox.relay} no longer has the mailbox for ${mailbox.contact}; opening a new one`);
          this.#options.onGone(mailbox.contact);
          return;
        }
        log(`fetching the mailbox for ${mailbox.contact} failed: ${error instanceof RelayError || error instanceof Error ? error.message : String(error)}`);
        await this.#sleep(backoff);
        backoff = Math.min(backoff * 2, LONGEST_BACKOFF_MS);
      }
    }
  }

  /** A deposit that is not a Signal message is dropped (and acknowledged): it could never be read. */
  async #handle(envelopeId: string, bytes: Uint8Array): Promise<void> {
    let ciphertext;
    try {
      ciphertext = decodeRelayed(bytes);
    } catch (error) {
      this.#options.log(`dropped deposit ${envelopeId} in the mailbox for ${this.#options.mailbox.contact}: ${(error as Error).message}`);
      return;
    }
    await this.#options.receive(this.#options.mailbox.contact as OnionAddress, ciphertext.kind, ciphertext.body);
  }

  /** Waits, or less if the fetcher is stopped meanwhile. */
  #sleep(ms: number): Promise<void> {
    return delay(ms, undefined, { signal: this.#stop.signal }).catch(() => undefined);
  }
}
