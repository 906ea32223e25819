// The client's side of a queue's proof of work: a solution the relay accepts, and a hostile relay's demand refused unsolved.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { proofHolds } from '../../relay/http/queue-admission.js';
import { HEADER_PROOF_BITS, HEADER_PROOF_CHALLENGE, leadingZeroBits } from '../../shared/relay-protocol/index.js';
import { RelayFailedError } from './errors.js';
import { generateQueueKey } from './queue-key.js';
import { solveProof } from './queue-proof.js';
import { RelayClient } from './relay-client.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
});

describe('queue proof of work', () => {
  it('counts leading zero bits and finds a nonce the relay accepts', async () => {
    expect(leadingZeroBits(Uint8Array.of(0, 0x0f, 0xff))).toBe(12);
    expect(leadingZeroBits(Uint8Array.of(0x80))).toBe(0);
    expect(leadingZeroBits(Uint8Array.of(0, 0))).toBe(16);
    const queueId = generateQueueKey().queueId;
    const nonce = await solveProof('A'.repeat(31), queueId, 12);
    expect(proofHolds('A'.repeat(31), queueId, nonce, 12)).toBe(true);
    expect(proofHolds('B'.repeat(31), queueId, nonce, 12)).toBe(false);
  });

  it('refuses, without hashing, a relay that asks more work than any honest relay would', async () => {
    let requests = 0;
    server = createServer((_request, response) => {
      requests += 1;
      response.writeHead(428, { 'content-type': 'application/json', [HEADER_PROOF_CHALLENGE]: 'A'.repeat(31), [HEADER_PROOF_BITS]: '31' });
      response.end(JSON.stringify({ error: 'proof-required', message: 'work harder' }));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const client = new RelayClient({ target: { kind: 'direct', baseUrl: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}` } });
    const refused = await client.createQueue(generateQueueKey()).then(
      () => undefined,
      (error: unknown) => error,
    );
    client.close();
    expect(refused).toBeInstanceOf(RelayFailedError);
    expect((refused as Error).message).toContain('31 bits');
    expect(requests).toBe(1);
  });
});
