// A private Tor network on loopback for tests and `npm run testnet`: authorities, relays, client torrc lines.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from './test/free-port.js';
import { countRunningRouters } from './testnet/consensus.js';
import { createAuthorityKeys, createRelayIdentity } from './testnet/keys.js';
import { ProcessGroup } from './testnet/process-group.js';
import type { TorProcess } from './testnet/tor-process.js';
import { authorityLines, networkLines, processLines, relayLines, torrcText, type AuthorityEntry } from './testnet/torrc.js';

const TOR = 'tor';
const TOR_GENCERT = 'tor-gencert';
const CONSENSUS_POLL_MS = 500;

export interface TestnetOptions {
  /** directory authorities (default 3) */
  authorities?: number;
  /** relays besides the authorities (default 4) */
  relays?: number;
  /** where the nodes keep their data (default: a fresh directory under os.tmpdir(), removed by stop()) */
  dir?: string;
  /** how long to wait for a client to be able to use the network (default 180 s) */
  readyTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface Testnet {
  readonly dir: string;
  /** torrc lines a client needs to join (TestingTorNetwork 1, the fast/test options for every node, DirAuthority lines ...). No DataDirectory/SocksPort/ControlPort/Nickname. */
  readonly clientTorrcLines: readonly string[];
  /** absolute path of a file holding clientTorrcLines — what ALLIUM_TORRC_EXTRA points at */
  readonly clientTorrcFile: string;
  /** idempotent; kills every tor it started and waits for them to exit; removes dir if it made it */
  stop(): Promise<void>;
}

interface NodePlan {
  nickname: string;
  dataDir: string;
  orPort: number;
  /** authorities only */
  dirPort?: number;
}

async function makeDataDir(path: string): Promise<string> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  return path;
}

async function planNode(dir: string, nickname: string, authority: boolean): Promise<NodePlan> {
  return {
    nickname,
    dataDir: await makeDataDir(join(dir, nickname)),
    orPort: await freePort(),
    ...(authority ? { dirPort: await freePort() } : {}),
  };
}

async function createAuthority(plan: NodePlan): Promise<AuthorityEntry> {
  const dirPort = plan.dirPort!;
  const [v3ident, fingerprint] = await Promise.all([
    createAuthorityKeys(TOR_GENCERT, plan.dataDir, dirPort),
    createRelayIdentity(TOR, plan.dataDir, plan.nickname),
  ]);
  return { nickname: plan.nickname, orPort: plan.orPort, dirPort, v3ident, fingerprint };
}

async function writeTorrc(dataDir: string, lines: readonly string[]): Promise<string> {
  const path = join(dataDir, 'torrc');
  await writeFile(path, torrcText(lines), { mode: 0o600 });
  return path;
}

function describeNodes(processes: readonly TorProcess[]): string {
  return processes
    .map((tor) => `--- ${tor.describeExit()}, last lines:\n${tor.tail.map((line) => `    ${line}`).join('\n')}`)
    .join('\n');
}

/**
 * Ready means what a test needs: a fresh client bootstraps to 100 %, and the consensus it holds
 * lists all but at most one node as Running. The first consensus can list too few relays for
 * onion-service circuits, and then the first onion connections fail or take much longer.
 */
async function waitUntilReady(probe: TorProcess, probeDataDir: string, nodeCount: number, group: ProcessGroup, log: (line: string) => void, deadline: number): Promise<void> {
  const anyExited = (): TorProcess | undefined => group.processes.find((tor) => tor.hasExited);
  const bootstrapped = probe.waitForLine(/Bootstrapped 100%/);
  let isBootstrapped = false;
  void bootstrapped.then(() => {
    isBootstrapped = true;
    log('probe client bootstrapped 100%');
  });
  const wanted = nodeCount - 1;
  let lastRunning = -1;
  for (;;) {
    const dead = anyExited();
    if (dead !== undefined) throw new Error(`testnet: ${dead.describeExit()} while starting\n${describeNodes(group.processes)}`);
    if (isBootstrapped) {
      const consensus = await readFile(join(probeDataDir, 'cached-microdesc-consensus'), 'utf8').catch(() => '');
      const running = countRunningRouters(consensus);
      if (running !== lastRunning) log(`probe's consensus lists ${running}/${nodeCount} routers as Running`);
      lastRunning = running;
      if (running >= wanted) return;
    }
    if (Date.now() > deadline) {
      const state = isBootstrapped ? `its consensus lists ${lastRunning} Running routers, want ${wanted}` : 'it has not bootstrapped';
      throw new Error(`testnet: not ready in time: ${state}\n${describeNodes(group.processes)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, CONSENSUS_POLL_MS));
  }
}

/** Starts the network and resolves once a client can use it (see waitUntilReady). */
export async function startTestnet(options: TestnetOptions = {}): Promise<Testnet> {
  const { authorities: authorityCount = 3, relays: relayCount = 4, readyTimeoutMs = 180_000 } = options;
  if (authorityCount < 1 || relayCount < 0) throw new Error('testnet: need at least one authority and no negative relay count');
  const startedAt = Date.now();
  const log = (line: string): void => options.log?.(`+${((Date.now() - startedAt) / 1000).toFixed(1)} s ${line}`);
  const ownDir = options.dir === undefined;
  const dir = ownDir ? await mkdtemp(join(tmpdir(), 'allium-testnet-')) : await makeDataDir(resolve(options.dir!));
  const group = new ProcessGroup(() => (ownDir ? rm(dir, { recursive: true, force: true }) : Promise.resolve()));
  const stop = (): Promise<void> => group.stop();

  try {
    const authorityPlans = await Promise.all(Array.from({ length: authorityCount }, (_, i) => planNode(dir, `auth${i + 1}`, true)));
    const relayPlans = await Promise.all(Array.from({ length: relayCount }, (_, i) => planNode(dir, `relay${i + 1}`, false)));
    log(`creating keys for ${authorityCount} authorities and ${relayCount} relays in ${dir}`);
    const [authorities] = await Promise.all([
      Promise.all(authorityPlans.map(createAuthority)),
      Promise.all(relayPlans.map((plan) => createRelayIdentity(TOR, plan.dataDir, plan.nickname))),
    ]);

    const clientTorrcLines = networkLines(authorities);
    const clientTorrcFile = join(dir, 'client-torrc-extra');
    await writeFile(clientTorrcFile, torrcText(clientTorrcLines));
    const nodeTorrc = (plan: NodePlan, roleLines: readonly string[]): Promise<string> =>
      writeTorrc(plan.dataDir, [...clientTorrcLines, ...processLines(plan.dataDir, process.pid), ...roleLines]);
    const torrcs = await Promise.all([
      ...authorityPlans.map((plan, i) => nodeTorrc(plan, authorityLines(authorities[i]!)).then((path) => ({ plan, path }))),
      ...relayPlans.map((plan) => nodeTorrc(plan, relayLines(plan.nickname, plan.orPort)).then((path) => ({ plan, path }))),
    ]);
    for (const { plan, path } of torrcs) group.spawn(plan.nickname, TOR, path);
    log(`started ${torrcs.length} tors`);

    const probeDataDir = await makeDataDir(join(dir, 'probe'));
    const probeTorrc = await writeTorrc(probeDataDir, [...clientTorrcLines, ...processLines(probeDataDir, process.pid), 'SocksPort auto']);
    const probe = group.spawn('probe', TOR, probeTorrc);
    await waitUntilReady(probe, probeDataDir, torrcs.length, group, log, startedAt + readyTimeoutMs);
    await group.stopOne(probe);
    log(`testnet ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    return { dir, clientTorrcLines, clientTorrcFile, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function main(): Promise<void> {
  const testnet = await startTestnet({ log: (line) => console.log(`[testnet] ${line}`) });
  console.log(`\nclient torrc-extra file (ALLIUM_TORRC_EXTRA / ALLIUM_TESTNET_TORRC):\n${testnet.clientTorrcFile}\n`);
  console.log(testnet.clientTorrcLines.join('\n'));
  console.log('\nrunning until Ctrl-C');
  // SIGINT/SIGTERM stop every tor (handlers installed by startTestnet), then the process exits.
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
