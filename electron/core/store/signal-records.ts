// The Signal layer's record storage, persisted in the sealed state database: every change is durable when it resolves.
import type { SignalRecordKind, SignalRecordStore } from '../signal/index.js';
import type { ProfileState } from './profile-state.js';

export class StateSignalRecords implements SignalRecordStore {
  constructor(private readonly state: ProfileState) {}

  get(kind: SignalRecordKind, key: string): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.state.signalRecord(kind, key));
  }

  put(kind: SignalRecordKind, key: string, value: Uint8Array): Promise<void> {
    return this.state.putSignalRecord(kind, key, value);
  }

  delete(kind: SignalRecordKind, key: string): Promise<void> {
    return this.state.deleteSignalRecord(kind, key);
  }

  keys(kind: SignalRecordKind): Promise<string[]> {
    return Promise.resolve(this.state.signalRecordKeys(kind));
  }
}
