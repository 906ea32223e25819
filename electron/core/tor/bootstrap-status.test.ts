import { describe, expect, it } from 'vitest';
import { parseClientStatus as parseArgs } from './bootstrap-status.js';
import { parseReplyArgs } from './control/index.js';

const parseClientStatus = (text: string): ReturnType<typeof parseArgs> => parseArgs(parseReplyArgs(text));

describe('parseClientStatus', () => {
  it('reads a bootstrap progress event', () => {
    expect(parseClientStatus('NOTICE BOOTSTRAP PROGRESS=50 TAG=loading_descriptors SUMMARY="Loading relay descriptors"')).toEqual({
      kind: 'bootstrap',
      bootstrap: { progress: 50, tag: 'loading_descriptors', summary: 'Loading relay descriptors' },
    });
  });

  it('reads the status/bootstrap-phase value the same way', () => {
    expect(parseClientStatus('NOTICE BOOTSTRAP PROGRESS=100 TAG=done SUMMARY="Done"')).toMatchObject({
      bootstrap: { progress: 100, tag: 'done' },
    });
  });

  it('attaches advice to a bootstrap warning', () => {
    const notice = parseClientStatus(
      'WARN BOOTSTRAP PROGRESS=5 TAG=conn SUMMARY="Connecting to a relay" WARNING="Connection refused" REASON=CONNECTREFUSED COUNT=3 RECOMMENDATION=ignore HOSTID="X" HOSTADDR="1.2.3.4:443"',
    );
    expect(notice).toMatchObject({
      kind: 'bootstrap',
      bootstrap: { progress: 5, problem: { reason: 'CONNECTREFUSED', warning: 'Connection refused' } },
    });
    expect(notice?.kind === 'bootstrap' && notice.bootstrap.problem?.advice).toMatch(/firewall.*bridges/);
  });

  it('tells the user to fix the clock on clock skew', () => {
    expect(parseClientStatus('WARN BOOTSTRAP PROGRESS=10 TAG=x SUMMARY="y" WARNING="Clock skew -7200" REASON=CLOCK_SKEW')).toMatchObject({
      bootstrap: { problem: { advice: expect.stringMatching(/clock/) as unknown } },
    });
    expect(parseClientStatus('WARN CLOCK_SKEW SKEW=-7200 SOURCE=CONSENSUS')).toMatchObject({ kind: 'clock-skew', skewSeconds: -7200 });
  });

  it('reads network liveness', () => {
    expect(parseClientStatus('NOTICE NETWORK_LIVENESS STATUS=DOWN')).toEqual({ kind: 'network-liveness', up: false });
    expect(parseClientStatus('NOTICE NETWORK_LIVENESS STATUS=UP')).toEqual({ kind: 'network-liveness', up: true });
  });

  it('ignores other events and nonsense progress', () => {
    expect(parseClientStatus('NOTICE CIRCUIT_ESTABLISHED')).toBeUndefined();
    expect(parseClientStatus('NOTICE BOOTSTRAP PROGRESS=250 TAG=x')).toBeUndefined();
    expect(parseClientStatus('NOTICE BOOTSTRAP TAG=x')).toBeUndefined();
  });
});
