// The demo's two people: a core and a web server each, with a profile, made contacts over the private network, using a relay.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../electron/core/index.js';
import { backendFromCore } from '../../electron/shared/rpc/index.js';
import { RENDERER_DIST_DIR, TOR_RESOURCES_DIR } from '../../electron/web/repo-paths.js';
import { startWebServer, type WebServer } from '../../electron/web/web-server.js';
import { waitFor } from '../test/wait-for.js';

const MINUTE = 60_000;

export interface DemoPerson {
  readonly name: string;
  readonly address: string;
  readonly password: string;
  readonly url: string;
  readonly core: Core;
  stop(): Promise<void>;
}

/** A password strong enough for the store's checks, printed for the demo's user. */
function demoPassword(): string {
  return `demo-${randomBytes(9).toString('base64url')}`;
}

/** Starts one person: a data folder, a core joined to the network, a profile, a web server. */
export async function startPerson(name: string, torrcExtraFile: string, log: (line: string) => void): Promise<DemoPerson> {
  const dataDir = await mkdtemp(join(tmpdir(), `allium-demo-${name.toLowerCase()}-`));
  const core = await createCore({
    dataDir,
    resourcesDir: TOR_RESOURCES_DIR,
    env: { ...process.env, ALLIUM_TORRC_EXTRA: torrcExtraFile },
    log: (line) => log(`${name}: ${line}`),
  });
  let server: WebServer | undefined;
  const stop = async (): Promise<void> => {
    await server?.close();
    await core.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const password = demoPassword();
    const profile = await core.handlers['profiles.create']({ label: name, nickname: name, password });
    const session = await core.handlers['profiles.unlock']({ profileId: profile.id, password });
    server = await startWebServer({ backend: backendFromCore(core), rendererDir: RENDERER_DIST_DIR });
    return { name, address: session.identity.address, password, url: server.url, core, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export async function waitUntilReachable(person: DemoPerson): Promise<void> {
  await waitFor(async () => (await person.core.handlers['identity.get']({})).reachability === 'reachable', {
    what: `${person.name}'s onion service to be published`,
    timeoutMs: 3 * MINUTE,
    intervalMs: 500,
  });
}

/** `from` sends a contact request, `to` accepts it, and both wait until they see each other as contacts. */
export async function makeContacts(from: DemoPerson, to: DemoPerson): Promise<void> {
  await from.core.handlers['contacts.add']({ address: to.address, nickname: to.name, message: `Hi ${to.name}, it's ${from.name}.` });
  const request = await waitFor(async () => (await to.core.handlers['requests.list']({})).find((r) => r.address === from.address), {
    what: `${to.name} to receive ${from.name}'s request`,
    timeoutMs: 3 * MINUTE,
    intervalMs: 500,
  });
  await to.core.handlers['requests.accept']({ id: request.id });
  await waitFor(async () => (await from.core.handlers['contacts.list']({})).some((c) => c.address === to.address && !c.pending), {
    what: `${from.name} to see the acceptance`,
    timeoutMs: 2 * MINUTE,
    intervalMs: 500,
  });
}

/** The person adds the relay (once its young onion answers), so contacts can leave messages there while they are offline. */
export async function useRelay(person: DemoPerson, invitation: string): Promise<void> {
  await waitFor(() => person.core.handlers['relays.add']({ address: invitation }).catch(() => undefined), {
    what: `${person.name} to reach the relay`,
    timeoutMs: 3 * MINUTE,
    intervalMs: 2_000,
  });
  await waitFor(async () => (await person.core.handlers['relays.list']({})).some((r) => r.mailboxes > 0), {
    what: `${person.name}'s mailbox on the relay`,
    timeoutMs: 2 * MINUTE,
    intervalMs: 500,
  });
}
