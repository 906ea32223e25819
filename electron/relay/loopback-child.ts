// A relay's API alone on loopback over a data dir, until killed: the process the crash test kills and the bench loads.
import { startRelayHttp } from './http/relay-http-server.js';

const [dataDir, extra] = process.argv.slice(2);
if (dataDir === undefined) throw new Error('usage: loopback-child <dataDir> [{ "retentionMs": n, "sweepEveryMs": n }]');
const { retentionMs, sweepEveryMs } = JSON.parse(extra ?? '{}') as { retentionMs?: number; sweepEveryMs?: number };

// No rate limit or quota gets in the way: the crash tests and the bench measure durability, not limits.
const limits = { capabilityBurst: 1e9, capabilityPerSecond: 1e9, queueMaxMessages: 1e9, queueMaxBytes: 1e12, ...(retentionMs === undefined ? {} : { retentionMs }) };
const relay = await startRelayHttp({ dataDir, limits, sweepEveryMs });
process.stdout.write(`${relay.url ?? ''}\n`);
