// Turns tor's STATUS_CLIENT bootstrap lines into typed progress, with advice when bootstrap is stuck.
import type { ReplyArgs } from './control/index.js';

/** Bootstrap progress as the UI shows it. */
export interface BootstrapProgress {
  /** 0–100. */
  readonly progress: number;
  /** tor's phase tag, e.g. `loading_descriptors`, `done`. */
  readonly tag: string;
  /** tor's own sentence for the phase. */
  readonly summary: string;
  /** Set when tor reports a problem during bootstrap (BOOTSTRAP WARN lines). */
  readonly problem?: BootstrapProblem;
}

export interface BootstrapProblem {
  /** tor's reason keyword, e.g. `CONNECTREFUSED`, `TIMEOUT`, `NOROUTE`, `CLOCK_SKEW`. */
  readonly reason: string;
  readonly warning: string;
  /** What a person can do about it. */
  readonly advice: string;
}

/** Other STATUS_CLIENT conditions worth telling the user about. */
export type ClientStatusNotice =
  | { readonly kind: 'bootstrap'; readonly bootstrap: BootstrapProgress }
  | { readonly kind: 'network-liveness'; readonly up: boolean }
  | { readonly kind: 'clock-skew'; readonly skewSeconds: number; readonly advice: string };

const CLOCK_ADVICE = "Your computer's clock looks wrong. Set the correct date, time and time zone, then try again.";

function adviceFor(reason: string): string {
  switch (reason) {
    case 'CLOCK_SKEW':
      return CLOCK_ADVICE;
    case 'CONNECTREFUSED':
    case 'NOROUTE':
    case 'TIMEOUT':
    case 'IOERROR':
    case 'RESOURCELIMIT':
      return 'tor cannot reach the network. Check your internet connection and firewall; if Tor is blocked where you are, add bridges in Settings → Connection.';
    default:
      return 'tor is having trouble connecting. If this persists, check your connection, your clock, or add bridges in Settings → Connection.';
  }
}

/** Reads the arguments of a STATUS_CLIENT event (or a `status/bootstrap-phase` value). Undefined for lines of no interest. */
export function parseClientStatus(args: ReplyArgs): ClientStatusNotice | undefined {
  const [severity, action] = args.positional;
  if (action === 'BOOTSTRAP') {
    const progress = Number(args.keywords.get('PROGRESS'));
    if (!Number.isInteger(progress) || progress < 0 || progress > 100) return undefined;
    const tag = args.keywords.get('TAG') ?? '';
    const summary = args.keywords.get('SUMMARY') ?? tag;
    if (severity === 'WARN') {
      const reason = args.keywords.get('REASON') ?? 'UNKNOWN';
      const warning = args.keywords.get('WARNING') ?? 'unknown problem';
      return { kind: 'bootstrap', bootstrap: { progress, tag, summary, problem: { reason, warning, advice: adviceFor(reason) } } };
    }
    return { kind: 'bootstrap', bootstrap: { progress, tag, summary } };
  }
  if (action === 'NETWORK_LIVENESS') {
    const status = args.keywords.get('STATUS');
    if (status === 'UP' || status === 'DOWN') return { kind: 'network-liveness', up: status === 'UP' };
    return undefined;
  }
  if (action === 'CLOCK_SKEW') {
    const skewSeconds = Number(args.keywords.get('SKEW') ?? 'NaN');
    return { kind: 'clock-skew', skewSeconds: Number.isFinite(skewSeconds) ? skewSeconds : 0, advice: CLOCK_ADVICE };
  }
  return undefined;
}
