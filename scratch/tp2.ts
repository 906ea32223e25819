import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RelayClient, generateQueueKey, newEnvelopeId } from '/work/wt/relay-server/electron/core/relay-client/index.js';
const dir = mkdtempSync(join(tmpdir(), 'tp-'));
const child = spawn(process.execPath, ['--import', 'tsx', 'electron/relay/crash-child.ts', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
const t0 = performance.now();
const url = await new Promise<string>((r) => child.stdout.once('data', (d: Buffer) => r(d.toString().trim())));
console.log('child start ms', performance.now() - t0);
const c = new RelayClient({ target: { kind: 'direct', baseUrl: url } });
const k = generateQueueKey(); await c.createQueue(k); const { capability } = await c.createCapability(k);
for (const conc of [1, 8, 32, 64]) {
  const t = performance.now(); let n = 0;
  await Promise.all(Array.from({ length: conc }, async () => { while (n < 1000) { n++; await c.deposit(capability, newEnvelopeId(), Buffer.from('x')); } }));
  console.log('http conc', conc, 1000 / ((performance.now() - t) / 1000), '/s');
}
c.close(); child.kill();
