// Crash test: a child appending in a loop is SIGKILLed at random moments; every acknowledged write must survive.
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HistoryCursor, createProfileStore } from './index.js';
import { FAST_KDF, GOOD_PASSWORD, filesContaining, filesUnder, tempRoot } from './test-fixtures.js';

const CHILD = join(import.meta.dirname, 'crash-child.ts');
const REPO = join(import.meta.dirname, '..', '..', '..');
const ROUNDS = 50;

let root: string;
let profileId: string;

beforeAll(async () => {
  root = await tempRoot();
  const store = createProfileStore({ rootDir: root, kdf: FAST_KDF });
  profileId = (await store.createProfile({ nickname: 'Crash Dummy', password: GOOD_PASSWORD })).profile.id;
  await store.close();
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs the child until a random moment, kills it with SIGKILL, returns the lines it completed. */
async function runAndKill(firstIndex: number, round: number): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, root, profileId, String(firstIndex)], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let errors = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  // Most rounds die mid-stream; every fifth dies while still unlocking or just after its first write.
  const started = Date.now();
  while (!output.includes('\n') && Date.now() - started < 15_000 && child.exitCode === null && round % 5 !== 0) await sleep(5);
  await sleep(Math.random() * (round % 5 === 0 ? 700 : 250));
  child.kill('SIGKILL');
  const signal = await exited;
  expect(errors).toBe('');
  expect(signal).toBe('SIGKILL');
  return output.split('\n').slice(0, -1);
}

describe('crash safety', () => {
  it(`keeps every acknowledged message through ${String(ROUNDS)} SIGKILLs`, async () => {
    const acknowledged: string[] = [];
    const outbox: string[] = [];
    const signal: string[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const line of await runAndKill(round * 1_000_000, round)) {
        (line.startsWith('o') ? outbox : line.startsWith('s') ? signal : acknowledged).push(line);
      }

      // The files as the kill left them (database, write-ahead log, shared memory): nothing readable in any.
      expect(await filesContaining(root, 'Crash Dummy')).toEqual([]);
      expect(await filesContaining(root, 'x'.repeat(40))).toEqual([]);
      const store = createProfileStore({ rootDir: root, kdf: FAST_KDF });
      const session = await store.unlock(profileId, GOOD_PASSWORD);
      expect(session.checkIntegrity()).toEqual(['ok']);
      const history = await session.history('peer.onion');
      const stored = new Set<string>();
      let before: HistoryCursor | undefined;
      do {
        const page = await history.page({ before, limit: 500 });
        expect(page.damaged).toEqual([]);
        for (const m of page.messages) stored.add(m.id);
        before = page.before ?? undefined;
      } while (before !== undefined);
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
      const outboxIds = new Set(session.state.outbox().map((o) => o.id));
      expect(outbox.filter((id) => !outboxIds.has(id))).toEqual([]);
      expect(signal.filter((key) => session.state.signalRecord('session', key) === undefined)).toEqual([]);
      await store.close();
      expect((await filesUnder(root)).filter((f) => f.includes('.corrupt-'))).toEqual([]);
    }
    expect(acknowledged.length).toBeGreaterThan(ROUNDS * 10);
    expect(signal.length).toBeGreaterThan(ROUNDS * 5);
  }, 300_000);
});
