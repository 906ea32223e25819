// Finds the contact or group a typed name means: a nickname, an onion address or a group's name; ambiguity is reported, never guessed.
import type { ContactDto, ContactRequestDto, GroupDto } from '../shared/api/index.js';
import { safeText } from './safe-text.js';

export type Resolved<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const ONION = /^([a-z2-7]{56})(?:\.onion)?$/u;

/** The 56 characters of an onion address typed with or without `.onion`, any case; undefined when it is not one. */
export function onionOf(text: string): string | undefined {
  return ONION.exec(text.trim().toLowerCase())?.[1];
}

export function shortAddress(address: string): string {
  return `${address.slice(0, 8)}….onion`;
}

/** How a contact is shown: our nickname for them, with the name they gave themselves when it differs. */
export function contactLabel(contact: Pick<ContactDto, 'nickname' | 'theirNickname'>): string {
  const theirs = contact.theirNickname;
  return theirs === undefined || theirs.toLowerCase() === contact.nickname.toLowerCase() ? safeText(contact.nickname) : `${safeText(contact.nickname)} (${safeText(theirs)})`;
}

const same = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

function pick<T>(typed: string, matches: readonly T[], describe: (item: T) => string, noun: string, none: string, hint: string): Resolved<T> {
  if (matches.length === 1) return { ok: true, value: matches[0]! };
  if (matches.length === 0) return { ok: false, error: `${none} "${safeText(typed)}"; ${hint}.` };
  return {
    ok: false,
    error: `"${safeText(typed)}" could be ${String(matches.length)} ${noun}: ${matches.map(describe).join(', ')}; use the address instead.`,
  };
}

/** A contact by onion address, else by our nickname for them, else by the name they gave themselves (case-insensitive). */
export function resolveContact(typed: string, contacts: readonly ContactDto[]): Resolved<ContactDto> {
  const describe = (c: ContactDto): string => `${contactLabel(c)} ${shortAddress(c.address)}`;
  const onion = onionOf(typed);
  if (onion !== undefined) return pick(typed, contacts.filter((c) => c.address === onion), describe, 'contacts', 'No contact has the address', 'ADD it first');
  const byNickname = contacts.filter((c) => same(c.nickname, typed));
  const matches = byNickname.length > 0 ? byNickname : contacts.filter((c) => c.theirNickname !== undefined && same(c.theirNickname, typed));
  return pick(typed, matches, describe, 'contacts', 'No contact is called', 'CONTACTS lists them');
}

/** One of my groups by name (case-insensitive) or by its 32-hex id; groups we left count only when nothing current matches. */
export function resolveGroup(typed: string, groups: readonly GroupDto[]): Resolved<GroupDto> {
  const describe = (g: GroupDto): string => `${safeText(g.name)} (${String(g.members.length)} members, id ${g.id.slice(0, 8)})`;
  const id = typed.trim().toLowerCase();
  const byId = groups.filter((g) => g.id === id);
  if (byId.length === 1) return { ok: true, value: byId[0]! };
  const named = groups.filter((g) => same(g.name, typed));
  const current = named.filter((g) => g.standing === 'member' || g.standing === 'joining');
  return pick(typed, current.length > 0 ? current : named, describe, 'groups', 'You are in no group called', 'LIST shows the public ones, JOIN joins one');
}

export type Conversation = { readonly kind: 'contact'; readonly contact: ContactDto } | { readonly kind: 'group'; readonly group: GroupDto };

/** HISTORY's target: a contact or a group; a name that is both is ambiguous. */
export function resolveConversation(typed: string, contacts: readonly ContactDto[], groups: readonly GroupDto[]): Resolved<Conversation> {
  const contact = resolveContact(typed, contacts);
  const group = resolveGroup(typed, groups);
  if (contact.ok && group.ok) return { ok: false, error: `"${safeText(typed)}" is both a contact and a group; use the contact's address or the group's id.` };
  if (contact.ok) return { ok: true, value: { kind: 'contact', contact: contact.value } };
  if (group.ok) return { ok: true, value: { kind: 'group', group: group.value } };
  if (contact.error.includes('could be')) return contact;
  if (group.error.includes('could be')) return group;
  return { ok: false, error: `No contact or group is called "${safeText(typed)}"; CONTACTS and LIST show them.` };
}

/** A waiting contact request by the requester's name or address; with nothing typed, the only one. */
export function resolveRequest(typed: string | undefined, requests: readonly ContactRequestDto[]): Resolved<ContactRequestDto> {
  const describe = (r: ContactRequestDto): string => `${safeText(r.nickname)} ${shortAddress(r.address)}`;
  if (typed === undefined) {
    if (requests.length === 1) return { ok: true, value: requests[0]! };
    return requests.length === 0
      ? { ok: false, error: 'No contact request is waiting.' }
      : { ok: false, error: `${String(requests.length)} requests are waiting (${requests.map(describe).join(', ')}); say which: ACCEPT <name>.` };
  }
  const onion = onionOf(typed);
  const matches = onion !== undefined ? requests.filter((r) => r.address === onion) : requests.filter((r) => same(r.nickname, typed));
  return pick(typed, matches, describe, 'requests', 'No request is from', 'REQUESTS lists them');
}
