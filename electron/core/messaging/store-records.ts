// The stored forms of an envelope: its outbox entry until the peer acknowledges it, and its history message.
import type { HistoryMessage, OutboxEntry } from '../store/index.js';
import { encodeEnvelope, type Envelope } from './envelope.js';

/** A new outbox entry, due at once; `via` says how to deliver it while the contact is offline. */
export function outboxEntry(envelope: Envelope, to: string, seq: number, now: number, via: OutboxEntry['via'] = 'direct'): OutboxEntry {
  return { id: envelope.id, to, seq, createdAt: new Date(now).toISOString(), envelope: encodeEnvelope(envelope), attempts: 0, nextAttemptAt: null, via, failed: null };
}

export function historyRecord(envelope: Envelope, direction: 'in' | 'out', text: string, storedAt: number): HistoryMessage {
  const seq = 'seq' in envelope.body ? envelope.body.seq : undefined;
  return { id: envelope.id, direction, kind: envelope.body.kind, body: text, sentAt: envelope.sentAt, storedAt, ...(seq === undefined ? {} : { seq }) };
}
