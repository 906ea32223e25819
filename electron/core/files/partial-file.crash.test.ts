// Crash test: a receiver killed with SIGKILL mid-download resumes from its last checkpoint and completes with the hash checked.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RECORD_PLAINTEXT_BYTES, newFileKey, sealRecords } from './file-records.js';
import { PartialFile } from './partial-file.js';
import { sealedFileSha256 } from './stored-file.js';

const CHILD = join(import.meta.dirname, 'partial-file-crash-child.ts');
const REPO = join(import.meta.dirname, '..', '..', '..');
const RECORDS = 100;
const KILL_AT = 40;
const CHILD_STOPS_AT = 60;

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'allium-partial-crash-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Runs the child until it has written record KILL_AT, kills it with SIGKILL, returns the last index it acknowledged. */
async function receiveAndKill(args: string[]): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let errors = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (output.split('\n').includes(String(KILL_AT))) resolve();
    });
    void exited.then(() => resolve());
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  expect(errors).toBe('');
  return Math.max(...output.split('\n').filter((line) => line !== '').map(Number));
}

describe('PartialFile after SIGKILL', () => {
  it('resumes from the last checkpoint, receives only the rest, and completes', async () => {
    const plaintext = randomBytes(RECORDS * RECORD_PLAINTEXT_BYTES - 12_345);
    const source = join(work, 'source.bin');
    await writeFile(source, plaintext);
    const dir = join(work, 'downloads');
    const context = { key: newFileKey(), fileId: 'crash-file', size: plaintext.length };
    const sha256 = createHash('sha256').update(plaintext).digest('hex');

    const lastAcknowledged = await receiveAndKill([dir, source, context.key.toString('hex'), context.fileId, sha256, String(CHILD_STOPS_AT)]);

    const resumed = await PartialFile.open({ ...context, dir, sha256 });
    const resumeAt = resumed.firstMissing ?? RECORDS;
    // Every fourth acknowledged record was a checkpoint: nothing before it is asked for again.
    expect(resumeAt).toBeGreaterThanOrEqual(Math.floor((lastAcknowledged + 1) / 4) * 4);
    expect(resumeAt).toBeLessThanOrEqual(CHILD_STOPS_AT);
    for (const { index, sealed } of sealRecords(context, plaintext)) if (index >= resumeAt) await resumed.write(index, sealed);
    const sealedPath = await resumed.complete();
    expect(await sealedFileSha256(sealedPath, context)).toBe(sha256);
    expect(RECORDS - resumeAt).toBeLessThanOrEqual(RECORDS - KILL_AT);
  });
});
