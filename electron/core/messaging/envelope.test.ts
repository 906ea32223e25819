import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnvelopeFormatError, decodeEnvelope, encodeEnvelope, makeEnvelope, type EnvelopeBody } from './envelope.js';

describe('envelope codec', () => {
  const bodies: EnvelopeBody[] = [
    { kind: 'text', seq: 1, text: 'hello 👋 <b>not html</b>' },
    { kind: 'receipt', upTo: 42 },
    { kind: 'presence', presence: { status: 'away', text: 'lunch' } },
    { kind: 'typing', typing: true },
    { kind: 'profile', nickname: 'Alice' },
    { kind: 'accept', seq: 1, nickname: 'Bob', binding: new Uint8Array(64).fill(7) },
    { kind: 'mailbox', relay: 'pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd', capability: `${'A'.repeat(22)}.${'b'.repeat(43)}` },
    { kind: 'mailbox', relay: null, capability: null },
  ];

  it.each(bodies)('round-trips a $kind envelope', (body) => {
    const envelope = makeEnvelope(body, 1_700_000_000_000);
    expect(envelope.id).toMatch(/^[0-9a-f]{32}$/);
    expect(decodeEnvelope(encodeEnvelope(envelope))).toEqual(envelope);
  });

  it('refuses a mailbox whose capability could break out of its HTTP header, or whose relay is no address', () => {
    const mailbox = (relay: string, capability: string): Uint8Array =>
      encode({ v: 1, id: '00'.repeat(16), sentAt: 1, body: { kind: 'mailbox', relay, capability } });
    const relay = 'pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd';
    expect(() => decodeEnvelope(mailbox(relay, `${'A'.repeat(22)}.${'b'.repeat(41)}\r\nX`))).toThrow(/body\.capability/);
    expect(() => decodeEnvelope(mailbox('evil.example.com', `${'A'.repeat(22)}.${'b'.repeat(43)}`))).toThrow(/body\.relay/);
  });

  it('gives every envelope a fresh id', () => {
    const ids = new Set(Array.from({ length: 100 }, () => makeEnvelope({ kind: 'typing', typing: false }).id));
    expect(ids.size).toBe(100);
  });

  it('names the field that is wrong', () => {
    const bad = encode({ v: 1, id: '00'.repeat(16), sentAt: 1, body: { kind: 'text', seq: 0, text: 'x' } });
    expect(() => decodeEnvelope(bad)).toThrow(/body\.seq/);
    expect(() => decodeEnvelope(encode({ v: 2, id: '00'.repeat(16), sentAt: 1, body: { kind: 'typing', typing: true } }))).toThrow(EnvelopeFormatError);
    expect(() => decodeEnvelope(encode({ v: 1, id: '00'.repeat(16), sentAt: 1, body: { kind: 'html', html: '<b>' } }))).toThrow(EnvelopeFormatError);
  });

  it('refuses a text longer than the limit', () => {
    const long = { v: 1, id: 'ab'.repeat(16), sentAt: 1, body: { kind: 'text', seq: 1, text: 'x'.repeat(16_001) } };
    expect(() => decodeEnvelope(encode(long))).toThrow(EnvelopeFormatError);
  });

  it('throws only EnvelopeFormatError for random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeEnvelope(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(EnvelopeFormatError);
        }
      }),
    );
  });
});
