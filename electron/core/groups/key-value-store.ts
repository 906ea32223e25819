// The small storage contract sender keys need, and an in-memory implementation for tests, benches and unsaved profiles.

/**
 * Durable bytes by string key. A `put` or `delete` resolves only once durable: a sender key chain that stepped back
 * after a crash would reuse message keys. The lead backs it by the profile's encrypted state.
 */
export interface KeyValueStore {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Values in a Map, copied in and out. */
export class InMemoryKeyValueStore implements KeyValueStore {
  readonly #values = new Map<string, Uint8Array>();

  get(key: string): Promise<Uint8Array | undefined> {
    const value = this.#values.get(key);
    return Promise.resolve(value === undefined ? undefined : Uint8Array.from(value));
  }

  put(key: string, value: Uint8Array): Promise<void> {
    this.#values.set(key, Uint8Array.from(value));
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.#values.delete(key);
    return Promise.resolve();
  }

  /** Keys held, for tests that check what was stored or deleted. */
  keys(): string[] {
    return [...this.#values.keys()];
  }
}
