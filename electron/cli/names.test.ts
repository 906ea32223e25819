// Names typed for contacts and groups: addresses in any form, nicknames in any case, and ambiguity reported with the candidates, never guessed.
import { describe, expect, it } from 'vitest';
import type { ContactDto, ContactRequestDto, GroupDto } from '../shared/api/index.js';
import { resolveContact, resolveConversation, resolveGroup, resolveRequest } from './names.js';

const A = 'a'.repeat(56);
const B = 'b'.repeat(56);
const C = 'c'.repeat(56);
const contact = (address: string, nickname: string, theirNickname?: string): ContactDto => ({
  address,
  nickname,
  ...(theirNickname === undefined ? {} : { theirNickname }),
  online: false,
  typing: false,
  verified: false,
  identityChanged: false,
  blocked: false,
  pending: false,
  unread: 0,
  effectiveDelivery: 'hold',
});
const group = (id: string, name: string, standing: GroupDto['standing'] = 'member'): GroupDto => ({
  id: id.repeat(32),
  name,
  standing,
  members: [],
  unread: 0,
  delivery: 'hold',
});
const contacts = [contact(A, 'Bob'), contact(B, 'bob'), contact(C, 'cccccccc', 'Carol')];

describe('resolveContact', () => {
  it('finds a contact by address with or without .onion, in any case', () => {
    for (const typed of [B, `${B}.onion`, `${B.toUpperCase()}.ONION`]) {
      expect(resolveContact(typed, contacts)).toMatchObject({ ok: true, value: { address: B } });
    }
  });

  it('reports two contacts of the same nickname with both addresses, and picks neither', () => {
    const result = resolveContact('BOB', contacts);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain('could be 2 contacts');
    expect(result.error).toContain('aaaaaaaa….onion');
    expect(result.error).toContain('bbbbbbbb….onion');
    expect(result.error).toContain('use the address');
  });

  it('falls back to the name a contact gave themselves', () => {
    expect(resolveContact('carol', contacts)).toMatchObject({ ok: true, value: { address: C } });
  });

  it('says when nobody matches, for a name and for an address', () => {
    expect(resolveContact('dave', contacts)).toEqual({ ok: false, error: 'No contact is called "dave"; CONTACTS lists them.' });
    expect(resolveContact('d'.repeat(56), contacts)).toMatchObject({ ok: false, error: expect.stringContaining('No contact has the address') as unknown });
  });

  it('prints a hostile typed name without its escape sequences', () => {
    const result = resolveContact('\u001b[2Jx', contacts);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).not.toContain('\u001b');
  });
});

describe('resolveGroup', () => {
  const groups = [group('1', 'xyz'), group('2', 'XYZ'), group('3', 'abc'), group('4', 'abc', 'left'), group('5', 'old', 'left')];

  it('reports two current groups of one name, and prefers a current group over one we left', () => {
    const twice = resolveGroup('xyz', groups);
    expect(twice.ok).toBe(false);
    if (!twice.ok) expect(twice.error).toContain('could be 2 groups');
    expect(resolveGroup('ABC', groups)).toMatchObject({ ok: true, value: { id: '3'.repeat(32) } });
    expect(resolveGroup('old', groups)).toMatchObject({ ok: true, value: { id: '5'.repeat(32) } });
  });

  it('takes a group id', () => {
    expect(resolveGroup('2'.repeat(32), groups)).toMatchObject({ ok: true, value: { name: 'XYZ' } });
  });

  it('says when there is no such group', () => {
    expect(resolveGroup('nope', groups)).toMatchObject({ ok: false, error: expect.stringContaining('You are in no group called "nope"') as unknown });
  });
});

describe('resolveConversation', () => {
  it('refuses a name that is both a contact and a group', () => {
    const result = resolveConversation('carol', contacts, [group('1', 'Carol')]);
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining('both a contact and a group') as unknown });
  });

  it('finds either kind, and keeps an ambiguity message', () => {
    expect(resolveConversation('xyz', contacts, [group('1', 'xyz')])).toMatchObject({ ok: true, value: { kind: 'group' } });
    expect(resolveConversation('carol', contacts, [])).toMatchObject({ ok: true, value: { kind: 'contact' } });
    expect(resolveConversation('bob', contacts, [])).toMatchObject({ ok: false, error: expect.stringContaining('could be 2 contacts') as unknown });
    expect(resolveConversation('zed', contacts, [])).toMatchObject({ ok: false, error: expect.stringContaining('No contact or group') as unknown });
  });
});

describe('resolveRequest', () => {
  const request = (address: string, nickname: string): ContactRequestDto => ({ id: address.slice(0, 4), address, nickname, message: '', receivedAt: '' });

  it('accepts the only request without a name, and asks which when there are several', () => {
    expect(resolveRequest(undefined, [request(A, 'alice')])).toMatchObject({ ok: true, value: { address: A } });
    expect(resolveRequest(undefined, [])).toEqual({ ok: false, error: 'No contact request is waiting.' });
    const two = resolveRequest(undefined, [request(A, 'alice'), request(B, 'bob')]);
    expect(two).toMatchObject({ ok: false, error: expect.stringContaining('2 requests are waiting') as unknown });
  });

  it('finds a request by name or address, and reports two of one name', () => {
    expect(resolveRequest('ALICE', [request(A, 'alice'), request(B, 'bob')])).toMatchObject({ ok: true, value: { address: A } });
    expect(resolveRequest(`${B}.onion`, [request(A, 'alice'), request(B, 'bob')])).toMatchObject({ ok: true, value: { address: B } });
    expect(resolveRequest('alice', [request(A, 'alice'), request(B, 'Alice')])).toMatchObject({ ok: false, error: expect.stringContaining('could be 2 requests') as unknown });
  });
});
