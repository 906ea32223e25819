// The RPC layer end to end over a real MessageChannel: calls, input validation, error codes, events, closing, malformed traffic.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type ApiHandlers, type MessageDto, type TorStatusDto } from '../api/index.js';
import type { ApiBackend } from './backend.js';
import { testBackend } from './backend-test-kit.js';
import { channelFromMessagePort } from './browser-channels.js';
import { CloseSignal } from './channel.js';
import { createApiClient } from './client.js';
import { serveApi } from './server.js';

const PROFILE = { id: 'p1', label: 'Work', createdAt: '2026-01-01T00:00:00.000Z' };
const TOR_STATUS: TorStatusDto = { state: 'running', progress: 100, summary: 'Done' };

/** A small real backend: fixed answers, a recorded input, and an event feed the test drives. */
function fixtureBackend(overrides: Partial<ApiHandlers> = {}) {
  const received: unknown[] = [];
  const fixture = testBackend({
    'profiles.list': () => Promise.resolve([PROFILE]),
    'messages.send': (input) => {
      received.push(input);
      const message: MessageDto = { id: 'm1', conversation: input.address, direction: 'out', text: input.text, sentAt: '2026-01-01T00:00:00.000Z', state: 'queued' };
      return Promise.resolve(message);
    },
    ...overrides,
  });
  return { ...fixture, received };
}

const ports: MessagePort[] = [];
afterEach(() => {
  for (const port of ports.splice(0)) port.close();
});

function connect(backend: ApiBackend, options: { timeoutMs?: number } = {}) {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  const logError = vi.fn();
  const server = serveApi(channelFromMessagePort(port2), backend, { logError });
  const client = createApiClient(channelFromMessagePort(port1), options);
  return { client, server, logError, clientPort: port1, serverPort: port2 };
}

/** Talks to the server with raw messages, as a broken or hostile page would. */
function rawClient(backend: ApiBackend) {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  serveApi(channelFromMessagePort(port2), backend);
  const replies: unknown[] = [];
  port1.on('message', (message: unknown) => replies.push(message));
  return { send: (message: unknown) => port1.postMessage(message), replies };
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
const ADDRESS = 'a'.repeat(56);

describe('rpc calls', () => {
  it('answers a valid call with the handler result', async () => {
    const { client } = connect(fixtureBackend().backend);
    await expect(client.api['profiles.list']({})).resolves.toEqual([PROFILE]);
  });

  it('hands the handler the validated input (trimmed by the schema)', async () => {
    const fixture = fixtureBackend();
    const { client } = connect(fixture.backend);
    const sent = await client.api['messages.send']({ address: ADDRESS, text: '  hello  ' });
    expect(sent.text).toBe('hello');
    expect(fixture.received).toEqual([{ address: ADDRESS, text: 'hello' }]);
  });

  it('rejects invalid input with invalid-input naming the field, without calling the handler', async () => {
    const fixture = fixtureBackend();
    const { client } = connect(fixture.backend);
    const empty = await rejection(client.api['messages.send']({ address: ADDRESS, text: '   ' }));
    expect(empty.code).toBe('invalid-input');
    expect(empty.message).toBe('text: The message is empty');
    const wrongType = await rejection(client.api['messages.send']({ address: ADDRESS, text: 42 } as never));
    expect(wrongType.code).toBe('invalid-input');
    expect(wrongType.message).toMatch(/^text: /);
    const extra = await rejection(client.api['profiles.list']({ sneaky: true } as never));
    expect(extra.code).toBe('invalid-input');
    expect(extra.message).toMatch(/^input: .*sneaky/);
    expect(fixture.received).toEqual([]);
  });

  it('passes an ApiError from a handler through with its code and message', async () => {
    const { client } = connect(fixtureBackend().backend);
    const error = await rejection(client.api['contacts.list']({}));
    expect(error).toMatchObject({ code: 'locked', message: 'Unlock a profile first.' });
  });

  it('answers any other failure as internal with a generic message and logs the detail', async () => {
    const secret = new Error('disk layout at /home/alice/.secret');
    const { client, logError } = connect(fixtureBackend({ 'tor.status': () => Promise.reject(secret) }).backend);
    const error = await rejection(client.api['tor.status']({}));
    expect(error.code).toBe('internal');
    expect(error.message).not.toContain('alice');
    expect(logError).toHaveBeenCalledWith('command tor.status failed', secret);
  });

  it('treats a handler that throws synchronously like one that rejects', async () => {
    const { client } = connect(
      fixtureBackend({
        'tor.status': () => {
          throw new ApiError('tor-unavailable', 'tor is not running');
        },
      }).backend,
    );
    expect(await rejection(client.api['tor.status']({}))).toMatchObject({ code: 'tor-unavailable' });
  });

  it('answers an unknown command with unknown-command', async () => {
    const raw = rawClient(fixtureBackend().backend);
    raw.send({ t: 'req', id: 7, cmd: 'profiles.destroyEverything', input: {} });
    await settle();
    expect(raw.replies).toEqual([{ t: 'res', id: 7, ok: false, error: { code: 'unknown-command', message: 'There is no command named "profiles.destroyEverything".' } }]);
  });

  it('does not treat inherited object keys as commands', async () => {
    const raw = rawClient(fixtureBackend().backend);
    raw.send({ t: 'req', id: 8, cmd: 'toString', input: {} });
    await settle();
    expect(raw.replies).toMatchObject([{ id: 8, ok: false, error: { code: 'unknown-command' } }]);
  });

  it('answers a malformed request that carries an id and ignores other noise', async () => {
    const raw = rawClient(fixtureBackend().backend);
    raw.send('hello');
    raw.send(null);
    raw.send({ t: 'req' });
    raw.send({ t: 'res', id: 1, ok: true, result: 1 });
    raw.send({ t: 'req', id: 5, cmd: 3, input: {} });
    raw.send({ t: 'req', id: 6, cmd: 'profiles.list', input: {}, extra: 1 });
    await settle();
    expect(raw.replies).toMatchObject([
      { t: 'res', id: 5, ok: false, error: { code: 'invalid-input' } },
      { t: 'res', id: 6, ok: false, error: { code: 'invalid-input' } },
    ]);
  });

  it('ignores malformed and unexpected responses on the client side', async () => {
    let release: (() => void) | undefined;
    const backend = fixtureBackend({
      'tor.status': () =>
        new Promise((resolve) => {
          release = () => resolve(TOR_STATUS);
        }),
    }).backend;
    const { client, serverPort } = connect(backend);
    const call = client.api['tor.status']({});
    await settle();
    serverPort.postMessage({ t: 'res', id: 999, ok: true, result: 'not yours' });
    serverPort.postMessage({ t: 'res', id: 1, ok: 'yes' });
    serverPort.postMessage({ t: 'evt', name: 'no.such.event', payload: {} });
    serverPort.postMessage(12);
    release?.();
    await expect(call).resolves.toEqual(TOR_STATUS);
  });

  it('rejects with timeout, not disconnected, when no answer comes within the timeout', async () => {
    const { client } = connect(fixtureBackend({ 'tor.status': () => new Promise(() => undefined) }).backend, { timeoutMs: 50 });
    const error = await rejection(client.api['tor.status']({}));
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('tor.status');
  });
});

describe('rpc events', () => {
  it('delivers events to listeners of that event only, until they stop listening', async () => {
    const fixture = fixtureBackend();
    const { client } = connect(fixture.backend);
    const statuses: TorStatusDto[] = [];
    const removed: string[] = [];
    const stop = client.on('tor.status', (status) => statuses.push(status));
    client.on('contact.removed', ({ address }) => removed.push(address));
    fixture.emit({ name: 'tor.status', payload: TOR_STATUS });
    await settle();
    stop();
    fixture.emit({ name: 'tor.status', payload: { ...TOR_STATUS, progress: 50 } });
    fixture.emit({ name: 'contact.removed', payload: { address: ADDRESS } });
    await settle();
    expect(statuses).toEqual([TOR_STATUS]);
    expect(removed).toEqual([ADDRESS]);
  });
});

describe('closed channels', () => {
  it('rejects pending and later calls with disconnected when the server side closes', async () => {
    const fixture = fixtureBackend({ 'tor.status': () => new Promise(() => undefined) });
    const { client, serverPort } = connect(fixture.backend);
    const disconnected = vi.fn();
    client.onDisconnect(disconnected);
    const pending = client.api['tor.status']({});
    await settle();
    serverPort.close();
    expect(await rejection(pending)).toMatchObject({ code: 'disconnected' });
    expect(await rejection(client.api['profiles.list']({}))).toMatchObject({ code: 'disconnected' });
    expect(disconnected).toHaveBeenCalledOnce();
  });

  it('stops forwarding events once the channel closes', async () => {
    const fixture = fixtureBackend();
    const { client } = connect(fixture.backend);
    expect(fixture.subscribers.size).toBe(1);
    client.close();
    await settle();
    expect(fixture.subscribers.size).toBe(0);
    expect(() => fixture.emit({ name: 'tor.status', payload: TOR_STATUS })).not.toThrow();
  });

  it('settles pending calls at once when the client closes', async () => {
    const { client } = connect(fixtureBackend({ 'tor.status': () => new Promise(() => undefined) }).backend);
    const pending = client.api['tor.status']({});
    client.close();
    expect(await rejection(pending)).toMatchObject({ code: 'disconnected' });
  });
});

describe('CloseSignal', () => {
  it('tells every listener once, a late listener at once, and a removed listener never', () => {
    const closing = new CloseSignal();
    const heard: string[] = [];
    closing.listen(() => heard.push('early'));
    const remove = closing.listen(() => heard.push('removed'));
    remove();
    closing.fire();
    closing.fire();
    closing.listen(() => heard.push('late'));
    expect(heard).toEqual(['early', 'late']);
    expect(closing.closed).toBe(true);
  });
});
