// Alice and Bob as two whole cores on the testnet: contact set-up, then timed message round trips with receipts.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createCore, type Core } from '../../../electron/core/index.js';
import { BENCH_KDF, openProfile, type OpenProfile } from './allium-profile.js';
import { eventAfter } from './core-events.js';
import { MessageTimeline } from './message-timeline.js';
import { settleAll } from './settle.js';

const CONTACT_TIMEOUT_MS = 180_000;
const MESSAGE_TIMEOUT_MS = 60_000;

export interface AlliumPairOptions {
  /** Folder for both profiles and their tors (removed by the caller). */
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  /** Characters per message text, to match the bare echo payload. */
  readonly textLength: number;
}

/** Alice and Bob, contacts with a live link; close() stops both cores. */
export interface AlliumPair {
  /** Alice sends one text to Bob and waits for his receipt. */
  readonly roundTrip: () => Promise<MessageRoundTrip>;
  readonly close: () => Promise<void>;
}

/** Timings of one message, in ms from the messages.send call. */
export interface MessageRoundTrip {
  /** Sender stored it (state + history) and handed the Signal ciphertext to the link. */
  readonly sent: number;
  /** Receiver decrypted and stored it. */
  readonly received: number;
  /** Sender processed the receiver's receipt: the full round trip. */
  readonly delivered: number;
}

/** Alice adds Bob, Bob accepts, and Alice sees the acceptance: from then on messages carry Signal whisper messages. */
async function becomeContacts(alice: OpenProfile, bob: OpenProfile): Promise<void> {
  const { payload: request } = await eventAfter(
    bob.core,
    'request.received',
    (r) => r.address === alice.address,
    () => alice.core.handlers['contacts.add']({ address: bob.address, nickname: 'Bob', message: 'bench' }),
    CONTACT_TIMEOUT_MS,
    "Bob to receive Alice's contact request",
  );
  await eventAfter(
    alice.core,
    'contact.updated',
    (contact) => contact.address === bob.address && !contact.pending,
    () => bob.core.handlers['requests.accept']({ id: request.id }),
    CONTACT_TIMEOUT_MS,
    "Alice to see Bob's acceptance",
  );
}

/** Starts both cores, makes them contacts, and returns a pair ready to time messages. */
export async function openAlliumPair({ dir, env, textLength }: AlliumPairOptions): Promise<AlliumPair> {
  const coreOptions = { env, kdf: BENCH_KDF, log: () => undefined };
  const cores: Core[] = [];
  let timeline: MessageTimeline | undefined;
  const close = async (): Promise<void> => {
    timeline?.close();
    await settleAll('stopping the cores', cores.map((core) => core.stop()));
  };
  try {
    const aliceCore = await createCore({ ...coreOptions, dataDir: join(dir, 'alice') });
    cores.push(aliceCore);
    const bobCore = await createCore({ ...coreOptions, dataDir: join(dir, 'bob') });
    cores.push(bobCore);
    const [alice, bob] = await Promise.all([openProfile(aliceCore, 'Alice'), openProfile(bobCore, 'Bob')]);
    await becomeContacts(alice, bob);
    const stages = new MessageTimeline(aliceCore, bobCore);
    timeline = stages;
    const text = randomBytes(textLength).toString('base64url').slice(0, textLength);
    const roundTrip = async (): Promise<MessageRoundTrip> => {
      const started = performance.now();
      const message = await aliceCore.handlers['messages.send']({ address: bob.address, text });
      const { sent, received, delivered } = await stages.delivered(message.id, MESSAGE_TIMEOUT_MS);
      return { sent: sent - started, received: received - started, delivered: delivered - started };
    };
    return { roundTrip, close };
  } catch (error) {
    await close();
    throw error;
  }
}
