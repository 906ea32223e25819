// Who may talk to the web-mode server: the per-launch token, the Host header (DNS rebinding) and the Origin (cross-site WebSockets).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** 32 random bytes, base64url: what the printed URL's fragment carries and the page presents on its WebSocket. */
export function createAccessToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
export function tokensMatch(expected: string, offered: string | undefined): boolean {
  if (offered === undefined) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(offered).digest();
  return timingSafeEqual(a, b);
}

/** The only Host values a page of ours can send: a rebound DNS name pointing at 127.0.0.1 carries its own name. */
export function allowedHosts(port: number): readonly string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function hostAllowed(request: IncomingMessage, port: number): boolean {
  const host = request.headers.host;
  return host !== undefined && allowedHosts(port).includes(host.toLowerCase());
}

/** A WebSocket may only be opened by our own page; browsers always send Origin on the upgrade. */
export function originAllowed(request: IncomingMessage, port: number): boolean {
  const origin = request.headers.origin;
  return origin !== undefined && allowedHosts(port).some((host) => origin.toLowerCase() === `http://${host}`);
}
