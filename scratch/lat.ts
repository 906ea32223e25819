import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRelayHttp } from '/work/wt/relay-server/electron/relay/http/relay-http-server.js';
import { RelayClient, generateQueueKey, newEnvelopeId } from '/work/wt/relay-server/electron/core/relay-client/index.js';
import { RelayTransport } from '/work/wt/relay-server/electron/core/relay-client/relay-transport.js';
const dir = mkdtempSync(join(tmpdir(), 'lat-'));
const relay = await startRelayHttp({ dataDir: dir, limits: { capabilityBurst: 1e9, capabilityPerSecond: 1e9, queueMaxMessages: 1e9 } });
const c = new RelayClient({ target: { kind: 'direct', baseUrl: relay.url! } });
const t = new RelayTransport({ kind: 'direct', baseUrl: relay.url! });
const k = generateQueueKey(); await c.createQueue(k); const { capability } = await c.createCapability(k);
const dep: number[] = [], info: number[] = [];
for (let i = 0; i < 50; i++) {
  let s = performance.now(); await c.deposit(capability, newEnvelopeId(), new Uint8Array(900)); dep.push(performance.now() - s);
  s = performance.now(); await t.send({ method: 'GET', pathAndQuery: '/v1/info', headers: {}, body: new Uint8Array(), timeoutMs: 5000 }); info.push(performance.now() - s);
}
const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1];
console.log('deposit p50', med(dep), 'info p50', med(info));
c.close(); t.close(); await relay.stop();
