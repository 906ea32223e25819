// `npm run demo`: a private Tor network, a relay, Alice and Bob in web mode as contacts using it, both URLs printed; Ctrl-C stops it all.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { REPO_ROOT } from '../electron/web/repo-paths.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { startRelay } from '../electron/relay/index.js';
import { makeContacts, startPerson, useRelay, waitUntilReachable, type DemoPerson } from './demo/demo-profiles.js';
import { startTestnet, type Testnet } from './testnet.js';

const say = (line: string): void => console.log(`[demo] ${line}`);

async function main(): Promise<void> {
  const started = Date.now();
  const stops: (() => Promise<void>)[] = [];
  let stopping = false;
  const stopAll = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say('stopping everything…');
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error(error));
    say('stopped.');
  };
  // tsx forwards the terminal's Ctrl-C too, so a second signal while stopping must not cut the clean-up short.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (!stopping) void stopAll().then(() => process.exit(0));
    });
  }

  try {
    say('building the renderer…');
    await build({ configFile: join(REPO_ROOT, 'renderer', 'vite.config.ts'), logLevel: 'error' });

    const reuse = process.env['ALLIUM_TESTNET_TORRC'];
    let torrcFile: string;
    if (reuse !== undefined && reuse !== '' && existsSync(reuse)) {
      say(`using the private Tor network described by ${reuse}`);
      torrcFile = reuse;
    } else {
      say('starting a private Tor network on 127.0.0.1 (3 authorities, 4 relays; about a minute)…');
      const testnet: Testnet = await startTestnet({ log: (line) => say(line) });
      stops.push(() => testnet.stop());
      torrcFile = testnet.clientTorrcFile;
    }

    const relayDir = await mkdtemp(join(tmpdir(), 'allium-demo-relay-'));
    stops.push(() => rm(relayDir, { recursive: true, force: true }));
    const relay = await startRelay({ dataDir: relayDir, env: { ...process.env, ALLIUM_TORRC_EXTRA: torrcFile }, log: () => undefined });
    stops.push(() => relay.stop());
    say(`the relay is up: ${relay.invitation}`);

    const people: DemoPerson[] = [];
    for (const name of ['Alice', 'Bob']) {
      const person = await startPerson(name, torrcFile, () => undefined);
      stops.push(() => person.stop());
      people.push(person);
      say(`${name} is up: ${person.address}.onion`);
    }
    const [alice, bob] = people as [DemoPerson, DemoPerson];
    await Promise.all(people.map((p) => waitUntilReachable(p)));
    for (const p of people) say(`${p.name} is reachable`);
    await makeContacts(alice, bob);
    say('Alice and Bob are contacts');
    await relay.waitUntilReachable(3 * 60_000);
    await Promise.all(people.map((p) => useRelay(p, relay.invitation)));
    say('Alice and Bob have mailboxes on the relay (Settings → Relays); sign one out and the other can leave messages there');

    console.log('');
    console.log(`Allium demo ready in ${Math.round((Date.now() - started) / 1000)} s. Open each in its own browser window`);
    console.log('(the token after # never leaves your browser; a tab keeps it across reloads, a new tab needs the URL again):');
    for (const p of people) console.log(`  ${p.name}: ${p.url}   (profile "${p.name}", password ${p.password})`);
    console.log('Press Ctrl-C to stop tor, both profiles and the network.');
  } catch (error) {
    console.error(`[demo] failed: ${error instanceof Error ? error.message : String(error)}`);
    await stopAll();
    process.exitCode = 1;
  }
}

void main();
