// One RelayClient per relay address, made when first needed and again when the way to reach relays changes (tor restarted).
import type { OnionAddress } from '../../shared/onion-address/index.js';
import { RelayClient, type RelayTarget } from '../relay-client/index.js';

/** How to reach a relay right now; undefined while tor is not ready. */
export type RelayTargetFor = (relay: OnionAddress) => RelayTarget | undefined;

export class RelayClients {
  readonly #clients = new Map<string, { key: string; client: RelayClient }>();

  constructor(private readonly targetFor: RelayTargetFor) {}

  /** The client for the relay, or undefined while relays cannot be reached (tor not ready). */
  get(relay: OnionAddress): RelayClient | undefined {
    const target = this.targetFor(relay);
    if (target === undefined) return undefined;
    const key = JSON.stringify(target);
    const known = this.#clients.get(relay);
    if (known?.key === key) return known.client;
    known?.client.close();
    const client = new RelayClient({ target });
    this.#clients.set(relay, { key, client });
    return client;
  }

  close(): void {
    for (const { client } of this.#clients.values()) client.close();
    this.#clients.clear();
  }
}
