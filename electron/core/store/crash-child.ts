// Child process of the crash test: appends messages and changes the state forever, printing each once it is durable.
import { createProfileStore } from './index.js';
import { FAST_KDF, GOOD_PASSWORD, outboxEntry } from './test-fixtures.js';

const [rootDir, profileId, start] = process.argv.slice(2);
if (rootDir === undefined || profileId === undefined || start === undefined) throw new Error('usage: crash-child <rootDir> <profileId> <firstIndex>');

const store = createProfileStore({ rootDir, kdf: FAST_KDF });
const session = await store.unlock(profileId, GOOD_PASSWORD);
const history = await session.history('peer.onion');
const message = (id: string, i: number) => ({ id, direction: 'out' as const, kind: 'text', body: 'x'.repeat(i % 300), sentAt: i, storedAt: i });
const acknowledge = (line: string): void => void process.stdout.write(`${line}\n`);

for (let i = Number(start); ; i += 1) {
  const id = String(i);
  if (i % 5 === 0) {
    // A batch and two concurrent appends: group commits must be as durable as single ones.
    const ids = [`${id}a`, `${id}b`, `${id}c`];
    await history.appendMany(ids.map((m) => message(m, i)));
    ids.forEach(acknowledge);
    await Promise.all([`${id}d`, `${id}e`].map((m) => history.append(message(m, i)).then(() => acknowledge(m))));
  } else {
    await history.append(message(id, i));
    acknowledge(id);
  }
  // A Signal record staged and persisted, as the messenger does with ratchet steps: a transaction each.
  session.state.putSignalRecord('session', `s${id}`, Uint8Array.of(i % 256));
  await session.state.persist();
  acknowledge(`s${id}`);
  if (i % 10 === 0) {
    await session.state.putOutboxEntry(outboxEntry({ id: `o${id}`, to: 'peer.onion', envelope: Uint8Array.of(i % 256), seq: i + 1 }));
    acknowledge(`o${id}`);
  }
}
