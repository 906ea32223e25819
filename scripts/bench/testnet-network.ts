// The private Tor network a bench suite runs on: the one named by ALLIUM_TESTNET_TORRC when it runs already, or a fresh one.
import { existsSync } from 'node:fs';
import { startTestnet, type Testnet } from '../testnet.js';

/** The network's client torrc extra, and the testnet to stop afterwards when we started it. */
export async function benchNetwork(log: (line: string) => void): Promise<{ torrcFile: string; testnet?: Testnet }> {
  const external = process.env['ALLIUM_TESTNET_TORRC'];
  if (external !== undefined && external !== '' && existsSync(external)) {
    log(`reusing the network of ${external}`);
    return { torrcFile: external };
  }
  const testnet = await startTestnet({ log: (line) => log(`[testnet] ${line}`) });
  return { torrcFile: testnet.clientTorrcFile, testnet };
}
