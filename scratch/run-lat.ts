import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureOnionLatency } from './onion-lat.js';
const dir = mkdtempSync(join(tmpdir(), 'ol-'));
await measureOnionLatency({ dir, env: { ...process.env, ALLIUM_TORRC_EXTRA: '/tmp/allium-testnet-XYr8DZ/client-torrc-extra' }, warmUp: 1, count: 2, block: 1 });
