// Child of the store bench: unlocks a profile in a fresh process, opens the newest page, prints time and memory as JSON.
import { createProfileStore } from '../../electron/core/store/index.js';
import { BENCH_KDF, BENCH_PASSWORD } from './store-fixture.js';

const [rootDir, profileId, conversationId] = process.argv.slice(2);
if (rootDir === undefined || profileId === undefined || conversationId === undefined) {
  throw new Error('usage: store-open-child <rootDir> <profileId> <conversationId>');
}
const store = createProfileStore({ rootDir, kdf: BENCH_KDF });
const session = await store.unlock(profileId, BENCH_PASSWORD);
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
const history = await session.history(conversationId);
const page = await history.page({ limit: 50 });
const openMs = performance.now() - started;
const rssMiB = process.memoryUsage().rss / 2 ** 20;
const rssDeltaMiB = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
if (page.messages.length !== 50) throw new Error(`expected a full page, got ${String(page.messages.length)}`);
await store.close();
console.log(JSON.stringify({ openMs, rssMiB, rssDeltaMiB }));
