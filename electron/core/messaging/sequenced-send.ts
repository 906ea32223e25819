// Queues one sequenced envelope for a peer: numbered after the last, stored with the counter, then tried by the outbox.
import type { OnionAddress } from '../../shared/onion-address/index.js';
import type { OutboxEntry, StateMutators } from '../store/index.js';
import { makeEnvelope, type EnvelopeBody } from './envelope.js';
import type { MessengerContext } from './messenger-context.js';
import { outboxEntry } from './store-records.js';

export interface SequencedOptions {
  /** The envelope's id when it must equal another record's (a file offer's is the file's id). */
  readonly id?: string;
  readonly via?: OutboxEntry['via'];
  /** A member's copy of a group message, counted for "delivered to 3 of 4". */
  readonly group?: { readonly id: string; readonly message: string };
  /** More changes for the same state write. */
  readonly also?: (tx: StateMutators) => void;
}

/**
 * Stores `make(seq)` for the peer (counter, outbox entry and `also` in one state write) and hands it to the outbox.
 * Call from inside the peer's chain. Undefined when there is no contact (any more) to send it to, or they are blocked.
 */
export async function queueSequenced(
  ctx: MessengerContext,
  peer: OnionAddress,
  make: (seq: number) => EnvelopeBody,
  options: SequencedOptions = {},
): Promise<OutboxEntry | undefined> {
  const contact = ctx.state.contact(peer);
  if (contact === undefined || contact.blocked) return undefined;
  const seq = contact.outSeq + 1;
  const made = makeEnvelope(make(seq), ctx.now());
  const envelope = options.id === undefined ? made : { ...made, id: options.id };
  const entry: OutboxEntry = { ...outboxEntry(envelope, peer, seq, ctx.now(), options.via ?? 'direct'), ...(options.group === undefined ? {} : { group: { ...options.group } }) };
  let stored = false;
  await ctx.outbox.admit(peer, entry, async (admitted) => {
    await ctx.state.transact((tx) => {
      if (!tx.contacts.update(peer, { outSeq: seq })) return;
      tx.outbox.put(admitted);
      options.also?.(tx);
      stored = true;
    });
  });
  return stored ? entry : undefined;
}
