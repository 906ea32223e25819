// Bad history cursors sent as a browser would, over web mode's WebSocket to a real core with an unlocked profile: refused, and the core keeps answering.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WebSocket } from 'ws';
import { createCore, type Core } from '../core/index.js';
import { generateOnionKey } from '../core/identity/index.js';
import { backendFromCore, channelFromWebSocket, createApiClient, rpcSubprotocols, type ApiConnection } from '../shared/rpc/index.js';
import { startWebServer, type WebServer } from './web-server.js';

const FAST_KDF = { name: 'scrypt', logN: 10, r: 8, p: 1 } as const;
const PASSWORD = 'orchid-lantern-91-velvet';
const TOKEN = 't'.repeat(43);

describe('history cursors over web mode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'allium-web-cursor-'));
  let core: Core | undefined;
  let server: WebServer | undefined;
  let client: ApiConnection;
  // A contact who never answers (nobody publishes this address): the messages wait in the outbox and fill the history.
  const friend = generateOnionKey().address;

  beforeAll(async () => {
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Allium</title>');
    core = await createCore({ dataDir: join(dir, 'data'), env: { ...process.env, ALLIUM_TORRC_EXTRA: inject('testnetTorrcFile') }, kdf: FAST_KDF, log: () => undefined });
    server = await startWebServer({ backend: backendFromCore(core), rendererDir: dir, token: TOKEN, logError: () => undefined });
    const origin = `http://127.0.0.1:${String(server.port)}`;
    const socket = new WebSocket(`ws://127.0.0.1:${String(server.port)}/rpc`, rpcSubprotocols(TOKEN), { headers: { Origin: origin } });
    client = createApiClient(channelFromWebSocket(socket));
    const { id } = await client.api['profiles.create']({ label: 'Cursor', nickname: 'Cursor', password: PASSWORD });
    await client.api['profiles.unlock']({ profileId: id, password: PASSWORD });
    await client.api['contacts.add']({ address: friend, nickname: 'Friend', message: 'hello' });
    for (const text of ['one', 'two', 'three', 'four', 'five']) await client.api['messages.send']({ address: friend, text });
  });

  afterAll(async () => {
    client.close();
    await server?.close();
    await core?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses cursors it never handed out with invalid-input, then serves the profile as before', async () => {
    const history = (before: string, limit = 2): Promise<unknown> => client.api['conversations.history']({ address: friend, before, limit });
    // Refused by the API schema: not the shape of a cursor at all.
    for (const before of ['-1', 'abc', '1:x', '01', '0', '1:2', '1'.repeat(16)]) {
      await expect(history(before), before).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/^before: This is not a position Allium gave out/u) as unknown });
    }
    // Refused by the store: the right shape, but no such place in this conversation.
    for (const before of ['99999', '999999999999999']) {
      await expect(history(before), before).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/no message of this conversation is at that position/u) as unknown });
    }

    // The core still answers everything, and paging with the cursors it gives works.
    await expect(client.api['contacts.list']({})).resolves.toEqual([expect.objectContaining({ address: friend, nickname: 'Friend' })]);
    await expect(client.api['session.get']({})).resolves.toMatchObject({ identity: expect.objectContaining({ nickname: 'Cursor' }) as unknown });
    await expect(client.api['tor.status']({})).resolves.toMatchObject({ state: expect.any(String) as unknown });
    const texts: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await client.api['conversations.history']({ address: friend, limit: 2, ...(before === undefined ? {} : { before }) });
      texts.push(...page.messages.map((m) => m.text));
      if (page.nextCursor === undefined) break;
      before = page.nextCursor;
    }
    expect(texts).toEqual(['five', 'four', 'three', 'two', 'one']);
    await expect(client.api['messages.send']({ address: friend, text: 'six' })).resolves.toMatchObject({ text: 'six' });
  });
});
