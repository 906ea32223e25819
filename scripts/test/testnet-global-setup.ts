// vitest globalSetup of the Tor tests: one private Tor network per run, or an external one named by ALLIUM_TESTNET_TORRC.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startTestnet } from '../testnet.js';

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const external = process.env.ALLIUM_TESTNET_TORRC;
  if (external !== undefined && external !== '' && existsSync(external)) {
    const file = resolve(external);
    const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line.trim() !== '');
    console.log(`[testnet] reusing the external network of ${file}`);
    project.provide('testnetTorrcFile', file);
    project.provide('testnetTorrcLines', lines);
    return undefined;
  }
  const testnet = await startTestnet({ log: (line) => console.log(`[testnet] ${line}`) });
  project.provide('testnetTorrcFile', testnet.clientTorrcFile);
  project.provide('testnetTorrcLines', [...testnet.clientTorrcLines]);
  return () => testnet.stop();
}
