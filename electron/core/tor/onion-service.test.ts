// ADD_ONION as we send it: a per-circuit stream limit that closes the circuit, and a tor that refuses a keyword gets the service without it.
import { describe, expect, it } from 'vitest';
import { generateOnionKey } from '../identity/index.js';
import { TorControlError, type ControlConnection, type ParsedReply } from './control/index.js';
import { publishOnionService, type OnionServiceSpec } from './onion-service.js';

const key = generateOnionKey();
const spec: OnionServiceSpec = { key, virtualPort: 9878, target: { kind: 'unix', path: '/tmp/peer.sock' }, maxStreamsPerCircuit: 8 };

/** A control connection that refuses any ADD_ONION containing one of `refused` with tor's 512, and records the rest. */
function fakeControl(refused: readonly string[]): { control: ControlConnection; commands: string[] } {
  const commands: string[] = [];
  const control = {
    command: (line: string): Promise<ParsedReply> => {
      commands.push(line);
      const word = refused.find((r) => line.includes(r));
      if (word !== undefined) return Promise.reject(new TorControlError(line, 512, `Unrecognized keyword or flag "${word}"`));
      return Promise.resolve({ status: 250, lines: [{ status: 250, text: `ServiceID=${key.address}` }, { status: 250, text: 'OK' }] });
    },
  } as unknown as ControlConnection;
  return { control, commands };
}

describe('publishOnionService', () => {
  it('asks tor to close a circuit that opens more than the stream limit', async () => {
    const { control, commands } = fakeControl([]);
    expect(await publishOnionService(control, spec)).toEqual({ powEnabled: true, streamLimitEnabled: true });
    expect(commands).toHaveLength(1);
    expect(commands[0]).toMatch(/ Flags=DiscardPK,MaxStreamsCloseCircuit MaxStreams=8 PoWDefensesEnabled=1 Port=9878,unix:\/tmp\/peer\.sock$/);
  });

  it('publishes without the limit on a tor that does not know it, and without PoW on one without PoW', async () => {
    const { control, commands } = fakeControl(['MaxStreams', 'PoW']);
    expect(await publishOnionService(control, spec)).toEqual({ powEnabled: false, streamLimitEnabled: false });
    expect(commands.at(-1)).toMatch(/ Flags=DiscardPK Port=9878,/);
    expect(commands).toHaveLength(3);
  });

  it('keeps the limit when only PoW is refused, and sends no limit when none is asked for', async () => {
    const pow = fakeControl(['PoW']);
    expect(await publishOnionService(pow.control, spec)).toEqual({ powEnabled: false, streamLimitEnabled: true });
    expect(pow.commands.at(-1)).toContain('MaxStreams=8');
    const plain = fakeControl([]);
    const { maxStreamsPerCircuit: _limit, ...unlimited } = spec;
    expect(await publishOnionService(plain.control, unlimited, false)).toEqual({ powEnabled: false, streamLimitEnabled: false });
    expect(plain.commands[0]).toMatch(/ Flags=DiscardPK Port=9878,/);
  });
});
