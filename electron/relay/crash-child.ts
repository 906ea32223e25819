// Child process of the relay crash test: serves the relay's API on loopback over a data dir until it is killed.
import { startRelayHttp } from './http/relay-http-server.js';

const [dataDir] = process.argv.slice(2);
if (dataDir === undefined) throw new Error('usage: crash-child <dataDir>');

// No rate limit or quota gets in the way: the test is about durability, not limits.
const relay = await startRelayHttp({ dataDir, limits: { capabilityBurst: 1e9, capabilityPerSecond: 1e9, queueMaxMessages: 1e9, queueMaxBytes: 1e12 } });
process.stdout.write(`${relay.url ?? ''}\n`);
