// The relay's onion service as torrc lines: its own key in the data dir, PoW and intro-point rate limiting.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { quoteTorrcValue } from '../core/tor/torrc.js';
import { parseOnionAddress, type OnionAddress } from '../shared/onion-address/index.js';
import { RelayStorageError } from './errors.js';
import type { RelayListen } from './http/relay-http-server.js';

/** The onion's virtual port: clients dial `http://<address>.onion/`. */
export const RELAY_VIRTUAL_PORT = 80;

export interface IntroDefense {
  /** Introductions per second each introduction point lets through, and the burst above it. */
  readonly ratePerSecond: number;
  readonly burstPerSecond: number;
}

export const DEFAULT_INTRO_DEFENSE: IntroDefense = { ratePerSecond: 25, burstPerSecond: 200 };

/**
 * ADD_ONION takes PoW options but not HiddenServiceEnableIntroDoSDefense, which is a per-service torrc option; so
 * the relay declares its service in torrc. tor makes the key in `serviceDir` (hs_ed25519_secret_key, mode 600, in a
 * 700 folder) on first start and uses it ever after: the address stays the relay's own.
 */
export function relayServiceTorrcLines(serviceDir: string, target: RelayListen, defense: IntroDefense = DEFAULT_INTRO_DEFENSE): string[] {
  const targetText = target.kind === 'unix' ? `unix:${quoteTorrcValue(target.path)}` : `127.0.0.1:${String(target.port)}`;
  return [
    `HiddenServiceDir ${quoteTorrcValue(serviceDir)}`,
    `HiddenServicePort ${String(RELAY_VIRTUAL_PORT)} ${targetText}`,
    'HiddenServicePoWDefensesEnabled 1',
    'HiddenServiceEnableIntroDoSDefense 1',
    `HiddenServiceEnableIntroDoSRatePerSec ${String(defense.ratePerSecond)}`,
    `HiddenServiceEnableIntroDoSBurstPerSec ${String(defense.burstPerSecond)}`,
    // A client circuit may hold a few streams (a long-poll beside deposits), not thousands.
    'HiddenServiceMaxStreams 32',
    'HiddenServiceMaxStreamsCloseCircuit 1',
  ];
}

/** The address tor wrote to `<serviceDir>/hostname` once it loaded the service. */
export async function readServiceAddress(serviceDir: string, timeoutMs: number): Promise<OnionAddress> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return parseOnionAddress((await readFile(join(serviceDir, 'hostname'), 'utf8')).trim()).address;
    } catch (error) {
      if (Date.now() > deadline) throw new RelayStorageError(`tor did not write the relay's onion address to ${serviceDir}/hostname.`, { cause: error });
      await sleep(100);
    }
  }
}
