// Test helpers for files between two messengers: each one's FileChat serves behind a real onion listener on a unix socket, and fetches by dialing the other's.
import { createHash, randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { LIMITS, type MessageDto } from '../../../shared/api/index.js';
import type { OnionAddress } from '../../../shared/onion-address/index.js';
import { connectStream, OnionListener } from '../../link/index.js';
import { openSocket, TempDir } from '../../link/link-test-kit.js';
import type { MessengerOptions } from '../messenger-context.js';
import type { Party } from '../messenger-test-kit.js';

/** One file stream a party dialed: its raw socket and the bytes read from it so far. */
export interface DialedStream {
  readonly socket: Socket;
  bytes: number;
}

/** The unix-socket "network" of file streams between the parties of one test. */
export class FileNet {
  readonly dir = new TempDir();
  readonly #sockets = new Map<string, string>();
  readonly #listeners: OnionListener[] = [];
  /** The file streams each party dialed, by its address, oldest first. */
  readonly dialed = new Map<string, DialedStream[]>();
  /** Called after every chunk a dialed stream reads: lets a test cut or restart at a chosen point. */
  onChunk: ((by: OnionAddress, stream: DialedStream) => void) | undefined;

  /** The messenger options that give `p` file streams (its messenger is made again with them at each restart). */
  options(p: Party): Partial<MessengerOptions> {
    return { dialFile: (peer) => this.#dial(p, peer), downloadsDir: () => this.downloads(p) };
  }

  downloads(p: Party): string {
    return this.dir.file(`downloads-${p.address.slice(0, 8)}`);
  }

  /** Starts `p`'s listener: file streams from accepted contacts go to its current messenger's FileChat. */
  async listen(p: Party): Promise<void> {
    const path = this.dir.file(`${p.address.slice(0, 8)}.sock`);
    const listener = new OnionListener({
      localAddress: p.address,
      endpoint: { kind: 'unix', path },
      isBlocked: () => false,
      acceptsFileStream: (caller) => p.messenger.files.accepts(caller),
    });
    listener.on('file-stream', (stream) => void p.messenger.files.serve(stream));
    await listener.listen();
    this.#listeners.push(listener);
    this.#sockets.set(p.address, path);
  }

  /** Every byte `p` read from the file streams it dialed, stream by stream. */
  bytesRead(p: Party): number[] {
    return (this.dialed.get(p.address) ?? []).map((s) => s.bytes);
  }

  close(): void {
    for (const listener of this.#listeners) listener.close();
    for (const streams of this.dialed.values()) for (const { socket } of streams) socket.destroy();
    this.dir.remove();
  }

  async #dial(p: Party, peer: OnionAddress): Promise<Awaited<ReturnType<typeof connectStream>>> {
    const path = this.#sockets.get(peer);
    if (path === undefined) throw Object.assign(new Error(`no listener for ${peer}`), { code: 'ECONNREFUSED' });
    const socket = await openSocket(path);
    const dialed: DialedStream = { socket, bytes: 0 };
    const list = this.dialed.get(p.address) ?? [];
    list.push(dialed);
    this.dialed.set(p.address, list);
    socket.on('data', (chunk: Buffer) => {
      dialed.bytes += chunk.length;
      this.onChunk?.(p.address, dialed);
    });
    return connectStream(socket, { signer: p.key, peer }, 'file');
  }
}

/** Hands `bytes` to `p`'s core in chunks of `chunk` and returns the finished upload's id. */
export async function upload(p: Party, bytes: Buffer, chunk = LIMITS.fileChunkBytes): Promise<string> {
  let id: string | undefined;
  for (let offset = 0; offset < bytes.length || (bytes.length === 0 && id === undefined); offset += chunk) {
    const part = bytes.subarray(offset, offset + chunk);
    id = (await p.messenger.files.upload(id, bytes.length, offset, part.toString('base64'))).upload;
  }
  return id!;
}

/** Uploads `bytes` at `from` and offers them to `to` under `name`; returns the sent message (with its file). */
export async function sendFile(from: Party, to: Party, bytes: Buffer, name = 'file.bin'): Promise<MessageDto & { file: NonNullable<MessageDto['file']> }> {
  const message = await from.messenger.files.send(to.address, await upload(from, bytes), name);
  if (message.file === undefined) throw new Error('files.send answered a message without its file');
  return message as MessageDto & { file: NonNullable<MessageDto['file']> };
}

/** Reads the whole of a complete file through files.read, a chunk at a time. */
export async function readWhole(p: Party, conversation: string, id: string, chunk = LIMITS.fileChunkBytes): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let offset = 0; ; offset += chunk) {
    const { data, size } = await p.messenger.files.read(conversation, id, offset, chunk);
    parts.push(Buffer.from(data, 'base64'));
    if (offset + chunk >= size) return Buffer.concat(parts);
  }
}

export function randomFile(size: number): Buffer {
  return randomBytes(size);
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
