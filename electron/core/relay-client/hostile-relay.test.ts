// A relay that lies or stalls, as a real local HTTP server: wrong download ranges, oversized answers, bytes dripped one at a time, endless refusal text.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileRecordSchema } from '../store/state-schema.js';
import { RELAY_WORDS_MAX, RelayFullError, RelayProtocolError, RelayUnreachableError } from './errors.js';
import { ANSWER_MAX_BYTES, RelayClient } from './relay-client.js';
import type { ScheduleDeadline } from './relay-transport.js';

const CAPABILITY = `${'A'.repeat(22)}.${'b'.repeat(43)}`;

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

let server: Server;
let handler: Handler;
let client: RelayClient;
/** Deadlines the client scheduled and has not cancelled: the test passes them when it wants. */
let deadlines: Set<() => void>;
let dripped: number;
const drips = new Set<NodeJS.Timeout>();

const schedule: ScheduleDeadline = (_ms, fire) => {
  deadlines.add(fire);
  return () => deadlines.delete(fire);
};

function passDeadlines(): void {
  for (const fire of [...deadlines]) fire();
}

/** Writes one byte every few milliseconds and never ends. */
function drip(response: ServerResponse): void {
  const timer = setInterval(() => {
    dripped += 1;
    response.write('x');
  }, 5);
  drips.add(timer);
  response.on('close', () => clearInterval(timer));
}

beforeEach(async () => {
  deadlines = new Set();
  dripped = 0;
  server = createServer((request, response) => handler(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new RelayClient({ target: { kind: 'direct', baseUrl: `http://127.0.0.1:${String(port)}` }, schedule });
});

afterEach(async () => {
  client.close();
  for (const timer of drips) clearInterval(timer);
  drips.clear();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function download(options: Parameters<RelayClient['downloadBlob']>[1]): Promise<{ bytes: number; error: unknown }> {
  let bytes = 0;
  try {
    for await (const piece of client.downloadBlob(CAPABILITY, options)) bytes += piece.length;
    return { bytes, error: undefined };
  } catch (error) {
    return { bytes, error };
  }
}

describe('a blob download from a lying relay', () => {
  it('refuses a range that does not start where it asked', async () => {
    handler = (_request, response) => {
      response.writeHead(206, { 'content-range': 'bytes 0-4999/5000', 'content-length': '5000' });
      response.end(Buffer.alloc(5000));
    };
    const { bytes, error } = await download({ from: 1000 });
    expect(error).toBeInstanceOf(RelayProtocolError);
    expect((error as Error).message).toBe('The relay answered a download from byte 1000 with another range (bytes 0-4999/5000).');
    expect(bytes).toBe(0);
  });

  it('refuses a range that stops before the end', async () => {
    handler = (_request, response) => {
      response.writeHead(206, { 'content-range': 'bytes 1000-1999/5000', 'content-length': '1000' });
      response.end(Buffer.alloc(1000));
    };
    expect((await download({ from: 1000 })).error).toBeInstanceOf(RelayProtocolError);
  });

  it('refuses the whole file when it asked from the middle, and a size other than the offer’s', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'content-length': '5000' });
      response.end(Buffer.alloc(5000));
    };
    expect((await download({ from: 1000 })).error).toBeInstanceOf(RelayProtocolError);
    const { error } = await download({ size: 4000 });
    expect(error).toBeInstanceOf(RelayProtocolError);
    expect((error as Error).message).toBe('The relay holds 5000 bytes for this file, not the 4000 offered.');
  });

  it('refuses more bytes than the range it named', async () => {
    handler = (_request, response) => {
      // Chunked, so nothing but the client's count stops the extra bytes.
      response.writeHead(206, { 'content-range': 'bytes 1000-4999/5000' });
      response.end(Buffer.alloc(6000));
    };
    const { bytes, error } = await download({ from: 1000 });
    expect(error).toBeInstanceOf(RelayProtocolError);
    expect(bytes).toBeLessThanOrEqual(4000);
  });

  it('gives up on a download dripped a byte at a time once its deadline passes', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'content-length': '5000' });
      drip(response);
    };
    const result = download({});
    await expect.poll(() => dripped, { timeout: 5_000, interval: 10 }).toBeGreaterThan(5);
    passDeadlines();
    const { error } = await result;
    expect(error).toBeInstanceOf(RelayUnreachableError);
    expect((error as Error).message).toMatch(/^The download did not finish in time after \d+ of 5000 bytes\.$/);
  });
});

describe('answers a relay makes too large or too slow', () => {
  it('refuses an answer longer than its kind allows, by its length or as it arrives', async () => {
    for (const chunked of [false, true]) {
      handler = (_request, response) => {
        const body = Buffer.alloc(ANSWER_MAX_BYTES + 1, 0x20);
        response.writeHead(200, chunked ? {} : { 'content-length': String(body.length) });
        response.end(body);
      };
      const error = await client.probe().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RelayProtocolError);
      expect((error as Error).message).toBe(`The relay sent an answer of more than ${String(ANSWER_MAX_BYTES)} bytes, more than this request can have; it was cut off.`);
    }
  });

  it('gives up on an answer dripped a byte at a time once its deadline passes', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      drip(response);
    };
    const probe = client.probe().catch((e: unknown) => e);
    await expect.poll(() => dripped, { timeout: 5_000, interval: 10 }).toBeGreaterThan(5);
    passDeadlines();
    const error = await probe;
    expect(error).toBeInstanceOf(RelayUnreachableError);
    expect((error as Error).message).toBe('The relay 127.0.0.1 could not be reached: it did not finish its answer in time.');
  });

  it('gives up on a relay that never sends its answer’s head once the deadline passes', async () => {
    let asked = false;
    handler = () => {
      asked = true;
    };
    const probe = client.probe().catch((e: unknown) => e);
    await expect.poll(() => asked, { timeout: 5_000, interval: 10 }).toBe(true);
    passDeadlines();
    expect(((await probe) as Error).message).toBe('The relay 127.0.0.1 could not be reached: it did not answer in time.');
  });
});

describe('a refusal with endless words', () => {
  it('keeps at most a short, plain excerpt of them, which a file may store as its error', async () => {
    const words = `disk\u0000full\u202e\n${'x'.repeat(20_000)}`;
    handler = (_request, response) => {
      response.writeHead(507, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'relay-full', message: words }));
    };
    const error = await client.probe().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RelayFullError);
    const { message } = error as Error;
    expect(message.startsWith('The relay is full and takes no messages for now (the relay said: disk full x')).toBe(true);
    expect([...message].some((c) => c.charCodeAt(0) < 0x20 || c === '\u202e')).toBe(false);
    expect(message.length).toBeLessThan(RELAY_WORDS_MAX + 100);
    expect(fileRecordSchema.shape.error.safeParse(message).success).toBe(true);
  });
});
