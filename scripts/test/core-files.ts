// File helpers for tor tests of whole cores: befriending, uploading through the API, reading a file back, and the file events a core emitted.
import { createHash } from 'node:crypto';
import type { ApiEvents, MessageDto } from '../../electron/shared/api/index.js';
import type { CorePeer } from './core-peer.js';
import { waitFor } from './wait-for.js';

const MINUTE = 60_000;
const CHUNK = 1024 * 1024;

/** The file events a core emitted since `watchFiles` was called on it (call again after each start: a new core). */
export interface FileEvents {
  readonly progress: ApiEvents['file.progress'][];
  readonly changed: MessageDto[];
  readonly received: MessageDto[];
}

export function watchFiles(peer: CorePeer, events: FileEvents = { progress: [], changed: [], received: [] }): FileEvents {
  peer.core.events.on('file.progress', (progress) => events.progress.push(progress));
  peer.core.events.on('message.changed', (message) => events.changed.push(message));
  peer.core.events.on('message.received', (message) => events.received.push(message));
  return events;
}

/** Alice adds Bob, Bob accepts, and Alice sees the acceptance. */
export async function befriend(alice: CorePeer, bob: CorePeer): Promise<void> {
  await alice.api['contacts.add']({ address: bob.address, nickname: bob.name, message: '' });
  const request = await waitFor(async () => (await bob.api['requests.list']({})).find((r) => r.address === alice.address), { what: `${bob.name} to see the request`, timeoutMs: 3 * MINUTE });
  await bob.api['requests.accept']({ id: request.id });
  await waitFor(async () => (await alice.api['contacts.list']({})).find((c) => c.address === bob.address && !c.pending), { what: `${alice.name} to see the acceptance`, timeoutMs: 2 * MINUTE });
}

/** Hands `bytes` to the core through files.upload in 1 MiB chunks and offers them to `to`; returns the file message. */
export async function sendFile(from: CorePeer, to: string, bytes: Buffer, name: string): Promise<MessageDto> {
  let upload: string | undefined;
  for (let offset = 0; offset < bytes.length; offset += CHUNK) {
    const data = bytes.subarray(offset, offset + CHUNK).toString('base64');
    upload = (await from.api['files.upload']({ ...(upload === undefined ? {} : { upload }), size: bytes.length, offset, data })).upload;
  }
  if (upload === undefined) throw new Error('sendFile needs a non-empty file');
  return from.api['files.send']({ conversation: to, upload, name });
}

/** The SHA-256 of a complete file as files.read gives it, read in 1 MiB ranges. */
export async function readSha256(peer: CorePeer, conversation: string, id: string): Promise<string> {
  const hash = createHash('sha256');
  for (let offset = 0; ; offset += CHUNK) {
    const { data, size } = await peer.api['files.read']({ conversation, id, offset, length: CHUNK });
    hash.update(Buffer.from(data, 'base64'));
    if (offset + CHUNK >= size) return hash.digest('hex');
  }
}

/** The file's state as the core shows it in the conversation's history. */
export async function fileState(peer: CorePeer, conversation: string, id: string): Promise<string | undefined> {
  return (await peer.conversation(conversation)).find((m) => m.id === id)?.file?.state;
}
