import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRelayHttp } from '/work/wt/relay-server/electron/relay/http/relay-http-server.js';
import { RelayClient, generateQueueKey, newEnvelopeId } from '/work/wt/relay-server/electron/core/relay-client/index.js';
import { RelayStore } from '/work/wt/relay-server/electron/relay/storage/relay-store.js';
import { DEFAULT_LIMITS } from '/work/wt/relay-server/electron/relay/limits.js';
const dir = mkdtempSync(join(tmpdir(), 'tp-'));
const s = RelayStore.open(join(dir, 'x.sqlite'), DEFAULT_LIMITS);
s.createQueue('q'.repeat(43), Buffer.alloc(32), 0);
let t = performance.now();
for (let i = 0; i < 200; i++) s.deposit({ queueId: 'q'.repeat(43), envelopeId: `envelope-${i}-aaaaaaaa`, body: Buffer.alloc(1024), now: 0 });
console.log('store only', 200 / ((performance.now() - t) / 1000), '/s');
const relay = await startRelayHttp({ dataDir: join(dir, 'r'), limits: { capabilityBurst: 1e9, capabilityPerSecond: 1e9, queueMaxMessages: 1e9 } });
const c = new RelayClient({ target: { kind: 'direct', baseUrl: relay.url! } });
const k = generateQueueKey(); await c.createQueue(k); const { capability } = await c.createCapability(k);
for (const conc of [1, 8]) {
  t = performance.now(); let n = 0;
  await Promise.all(Array.from({ length: conc }, async () => { while (n < 400) { n++; await c.deposit(capability, newEnvelopeId(), Buffer.from('x')); } }));
  console.log('http conc', conc, 400 / ((performance.now() - t) / 1000), '/s');
}
c.close(); await relay.stop();
