// Test helpers for file transfer over real unix sockets: a sending profile behind an onion listener, receivers that dial it.
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { generateOnionKey, type OnionKey } from '../../identity/index.js';
import { connectStream, dialStream, OnionListener, type AuthenticatedStream, type DialPeerOptions, type RejectedConnection } from '../../link/index.js';
import { AuthRefusedError } from '../../protocol/index.js';
import { openSocket, type TempDir } from '../../link/link-test-kit.js';
import { newFileKey } from '../file-records.js';
import { FileReceiver, type FileReceiverOptions } from './file-receiver.js';
import { FileSender } from './file-sender.js';
import type { FileSource } from './file-source.js';

/** A sender's side: its key, listener and FileSender, serving every file stream the listener admits. */
export interface SendingSide {
  readonly key: OnionKey;
  readonly listener: OnionListener;
  readonly sender: FileSender;
  readonly socketPath: string;
  readonly rejected: RejectedConnection[];
}

export async function startSendingSide(dir: TempDir, accepts: (peer: string) => boolean): Promise<SendingSide> {
  const key = generateOnionKey();
  const socketPath = dir.file('sender.sock');
  const listener = new OnionListener({ localAddress: key.address, endpoint: { kind: 'unix', path: socketPath }, isBlocked: () => false, acceptsFileStream: accepts });
  const sender = new FileSender();
  const rejected: RejectedConnection[] = [];
  listener.on('file-stream', (stream) => void sender.serve(stream));
  listener.on('rejected', (entry) => rejected.push(entry));
  await listener.listen();
  return { key, listener, sender, socketPath, rejected };
}

/** Opens an authenticated file stream to the sending side as `signer`; `sockets` collects the raw sockets under them. */
export function fileStreamDialer(side: SendingSide, signer: OnionKey, sockets: Socket[] = []): () => Promise<AuthenticatedStream> {
  return async () => {
    const socket = await openSocket(side.socketPath);
    sockets.push(socket);
    return connectStream(socket, { signer, peer: side.key.address }, 'file');
  };
}

/** A random plaintext file on disk and the offer that describes it. */
export async function plaintextSource(dir: TempDir, name: string, size: number): Promise<{ source: FileSource; plaintext: Buffer }> {
  const plaintext = randomBytes(size);
  const path = dir.file(name);
  await writeFile(path, plaintext);
  const sha256 = createHash('sha256').update(plaintext).digest('hex');
  return { source: { kind: 'plaintext', path, key: newFileKey(), fileId: `file-${name}`, size, sha256 }, plaintext };
}

export function receiverFor(source: FileSource, dir: string, connect: () => Promise<AuthenticatedStream>, extra: Partial<FileReceiverOptions> = {}): FileReceiver {
  return new FileReceiver({ dir, key: source.key, fileId: source.fileId, size: source.size, sha256: source.sha256, connect, ...extra });
}

/**
 * Dials a file stream through tor until the descriptor is found: the first fetches can fail on a young network.
 * A refusal (AuthRefusedError) is final.
 */
export async function dialFileStreamWithRetry(options: Omit<DialPeerOptions, 'link'>, timeoutMs: number): Promise<AuthenticatedStream> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await dialStream(options, 'file');
    } catch (error) {
      if (error instanceof AuthRefusedError || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}
