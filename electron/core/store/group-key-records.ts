// Group sender keys and replay records in the sealed state database, staged for the messenger's next write like Signal records.
//
// A put is durable with the next state write, and the group code writes state before any ciphertext made with a new
// chain step leaves the process (the message's own write) and before a receipt says a message was stored: so a chain
// never steps back to a key already used, which is what the KeyValueStore contract asks.
import type { KeyValueStore } from '../groups/index.js';
import type { ProfileState } from './profile-state.js';

export class StateGroupKeys implements KeyValueStore {
  constructor(private readonly state: ProfileState) {}

  get(key: string): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.state.groupKey(key));
  }

  put(key: string, value: Uint8Array): Promise<void> {
    this.state.putGroupKey(key, value);
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.state.deleteGroupKey(key);
    return Promise.resolve();
  }
}
