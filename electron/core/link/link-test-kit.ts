// Test helpers for the link layer over real unix sockets: temp dirs, listeners, connecting, waiting for events.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OnionKey } from '../identity/index.js';
import type { AuthSigner } from '../protocol/index.js';
import { connectPeer } from './dial-peer.js';
import { OnionListener, type OnionListenerOptions } from './onion-listener.js';
import type { PeerLink, PeerLinkOptions } from './peer-link.js';

export class TempDir {
  readonly path = mkdtempSync(join(tmpdir(), 'allium-link-'));
  file(name: string): string {
    return join(this.path, name);
  }
  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

export async function startListener(key: OnionKey, socketPath: string, options: Partial<OnionListenerOptions> = {}): Promise<OnionListener> {
  const listener = new OnionListener({ localAddress: key.address, endpoint: { kind: 'unix', path: socketPath }, isBlocked: () => false, ...options });
  await listener.listen();
  return listener;
}

export function openSocket(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Connects to a listener's socket and authenticates as `signer`; returns the link and the raw socket under it. */
export async function linkTo(path: string, signer: AuthSigner, callee: OnionKey, link?: PeerLinkOptions): Promise<{ link: PeerLink; socket: Socket }> {
  const socket = await openSocket(path);
  const peerLink = await connectPeer(socket, { signer, peer: callee.address, ...(link === undefined ? {} : { link }) });
  return { link: peerLink, socket };
}

/** The next `event` from `emitter`, or a rejection after `timeoutMs`. */
export function next<T>(emitter: { once(event: string, listener: (value: T) => void): unknown }, event: string, timeoutMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${String(timeoutMs)} ms`)), timeoutMs);
    emitter.once(event, (value: T) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves with every byte the socket receives until it closes. */
export function readUntilClosed(socket: Socket): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });
}
