// The Signal layer's record storage in the sealed state database, with changes staged for the messenger's next write.
//
// Writing the whole state file for every ratchet step cost seven fsync'd rewrites per message round trip. Instead a
// change is staged in memory and made durable by the next state write, and the messenger writes state before any
// ciphertext or receipt leaves the process. So no message key is ever used twice after a crash: a ratchet step is on
// disk before anything encrypted with it is seen. A receiving step lost in a crash is re-derived (skipped keys) when
// the peer sends again.
import type { SignalRecordKind, SignalRecordStore } from '../signal/index.js';
import type { ProfileState } from './profile-state.js';

export class StateSignalRecords implements SignalRecordStore {
  constructor(private readonly state: ProfileState) {}

  get(kind: SignalRecordKind, key: string): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.state.signalRecord(kind, key));
  }

  put(kind: SignalRecordKind, key: string, value: Uint8Array): Promise<void> {
    this.state.putSignalRecord(kind, key, value);
    return Promise.resolve();
  }

  delete(kind: SignalRecordKind, key: string): Promise<void> {
    this.state.deleteSignalRecord(kind, key);
    return Promise.resolve();
  }

  keys(kind: SignalRecordKind): Promise<string[]> {
    return Promise.resolve(this.state.signalRecordKeys(kind));
  }
}
