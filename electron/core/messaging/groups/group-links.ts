// Group invitation links (`allium-group:…`): the group, the admin to ask, a name to show, and the join secret.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { decode, encode } from '@msgpack/msgpack';
import { z } from 'zod';
import { ApiError } from '../../../shared/api/index.js';
import { isOnionAddress } from '../../identity/index.js';

export const GROUP_LINK_PREFIX = 'allium-group:';

const linkSchema = z
  .object({
    v: z.literal(1),
    /** Group id. */
    g: z.string().regex(/^[0-9a-f]{32}$/),
    /** The owner or admin who lets people in. */
    a: z.string().refine(isOnionAddress),
    /** The group's name, to show before joining. */
    n: z.string().min(1).max(64),
    /** The join secret; empty: the admin decides. */
    s: z.string().regex(/^[A-Za-z0-9_-]{0,64}$/),
  })
  .strict();

export interface GroupLink {
  readonly group: string;
  readonly admin: string;
  readonly name: string;
  readonly secret: string;
}

/** A fresh join secret: 128 random bits, base64url. */
export function newJoinSecret(): string {
  return randomBytes(16).toString('base64url');
}

/** Compares a given join secret with the group's in constant time. */
export function secretMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function encodeGroupLink(link: GroupLink): string {
  const bytes = encode({ v: 1, g: link.group, a: link.admin, n: link.name, s: link.secret });
  return `${GROUP_LINK_PREFIX}${Buffer.from(bytes).toString('base64url')}`;
}

/** Reads a pasted link; anything else is an `invalid-group-link` ApiError in words. */
export function decodeGroupLink(text: string): GroupLink {
  const trimmed = text.trim();
  if (!trimmed.startsWith(GROUP_LINK_PREFIX)) throw new ApiError('invalid-group-link', `a group link starts with "${GROUP_LINK_PREFIX}".`);
  const body = trimmed.slice(GROUP_LINK_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(body)) throw new ApiError('invalid-group-link', 'it contains characters a group link never has (was it cut or changed?).');
  let raw: unknown;
  try {
    raw = decode(Buffer.from(body, 'base64url'));
  } catch {
    throw new ApiError('invalid-group-link', 'it is damaged (was it copied completely?).');
  }
  const parsed = linkSchema.safeParse(raw);
  if (!parsed.success) throw new ApiError('invalid-group-link', 'it is damaged or comes from a newer version of Allium.');
  return { group: parsed.data.g, admin: parsed.data.a, name: parsed.data.n, secret: parsed.data.s };
}
