// A relay's API alone on loopback over a data dir, until killed: the process the crash test kills and the bench loads.
import { startRelayHttp } from './http/relay-http-server.js';

const [dataDir] = process.argv.slice(2);
if (dataDir === undefined) throw new Error('usage: loopback-child <dataDir>');

// No rate limit or quota gets in the way: both users measure durability, not limits.
const relay = await startRelayHttp({ dataDir, limits: { capabilityBurst: 1e9, capabilityPerSecond: 1e9, queueMaxMessages: 1e9, queueMaxBytes: 1e12 } });
process.stdout.write(`${relay.url ?? ''}\n`);
