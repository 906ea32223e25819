// The interactive terminal client over an in-process backend that answers a few commands (no tor): for the pseudo-terminal test.
// SIGUSR2 makes "bob" send a message, as if it arrived over Tor while the user is typing.
import { writeFileSync } from 'node:fs';
import type { ContactDto, MessageDto } from '../../shared/api/index.js';
import { createApiClient, serveApi } from '../../shared/rpc/index.js';
import { testBackend } from '../../shared/rpc/backend-test-kit.js';
import { inProcessChannelPair } from '../in-process-channel.js';
import { terminalInput } from '../line-input.js';
import { terminalOutput } from '../output.js';
import { runClient } from '../run-client.js';
import { TerminalScreen } from '../screen.js';

const BOB = 'b'.repeat(56);
const ME = 'a'.repeat(56);
const profile = { id: 'p1', label: 'alice', createdAt: '2026-01-01T00:00:00.000Z' };
const identity = { address: ME, nickname: 'alice', reachability: 'reachable', shareText: `${ME}.onion` } as const;
const bob: ContactDto = { address: BOB, nickname: 'bob', online: true, typing: false, verified: false, identityChanged: false, blocked: false, pending: false, unread: 0, effectiveDelivery: 'hold' };
const message = (direction: 'in' | 'out', text: string): MessageDto => ({ id: String(Date.now()), conversation: BOB, direction, text, sentAt: new Date().toISOString(), state: 'sent' });

const kit = testBackend({
  'profiles.list': () => Promise.resolve([profile]),
  'profiles.unlock': () => Promise.resolve({ profile, identity }),
  'contacts.list': () => Promise.resolve([bob]),
  'groups.list': () => Promise.resolve([]),
  'identity.get': () => Promise.resolve(identity),
  'tor.status': () => Promise.resolve({ state: 'running', progress: 100, summary: 'Done' }),
  'messages.send': ({ text }) => Promise.resolve(message('out', text)),
});
const [serverEnd, clientEnd] = inProcessChannelPair();
serveApi(serverEnd, kit.backend);
const connection = createApiClient(clientEnd);
const input = terminalInput(process.stdin, process.stdout);
const screen = new TerminalScreen(process.stdout);
process.on('SIGUSR2', () => kit.emit({ name: 'message.received', payload: message('in', 'are you there?') }));
const pidFile = process.argv[2];
if (pidFile !== undefined) writeFileSync(pidFile, String(process.pid));
await runClient({ connection, input, output: terminalOutput(screen), dataDir: '/nowhere', onSignedIn: () => screen.attach(input.readline) });
input.close();
process.exit();
