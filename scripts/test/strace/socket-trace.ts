// Reads strace's record of socket syscalls (connect, sendto, sendmsg, sendmmsg) and execve into typed attempts.

/** Where a socket syscall was aimed, as strace prints its sockaddr. */
export type SocketDestination =
  | { readonly family: 'AF_INET'; readonly address: string; readonly port: number }
  | { readonly family: 'AF_INET6'; readonly address: string; readonly port: number }
  | { readonly family: 'AF_UNIX'; readonly path: string }
  | { readonly family: 'AF_NETLINK'; readonly portId: number }
  | { readonly family: 'other'; readonly name: string };

/** One syscall that named a destination: a connect, or a send that carried its own address. */
export interface SocketAttempt {
  readonly pid: number;
  readonly syscall: string;
  readonly destination: SocketDestination;
  /** the strace line, for a failure message a person can check */
  readonly line: string;
}

export interface ProgramStart {
  readonly pid: number;
  readonly path: string;
}

export interface SocketTrace {
  readonly attempts: readonly SocketAttempt[];
  /** every execve that succeeded: which pid became which program */
  readonly programs: readonly ProgramStart[];
}

export class UnreadableTraceLineError extends Error {
  constructor(
    readonly line: string,
    why = 'it names a socket address this reader does not understand',
  ) {
    super(`cannot read a strace line (${why}): ${line}`);
    this.name = 'UnreadableTraceLineError';
  }
}

// Without -f strace prints no pid column; such a trace cannot tell tor from the core, so it is refused below.
const SOCKET_CALL = /^(?:(\d+)\s+)?(connect|sendto|sendmsg|sendmmsg)\(/;
const EXECVE = /^(\d+)\s+execve\("((?:[^"\\]|\\.)*)",.*\)\s*=\s*0\s*$/;
// A sockaddr as strace prints it: `{sa_family=AF_X, ...}` with no nested braces inside.
const SOCKADDR = /\{sa_family=(AF_[A-Z0-9]+)([^{}]*)\}/g;

/**
 * Parses a whole `strace -f -o FILE` output. Run strace with a short `-s` (the tests use 8) so message payloads are
 * cut before they could spell out a sockaddr; paths and addresses are printed whole regardless.
 */
export function parseSocketTrace(text: string): SocketTrace {
  const attempts: SocketAttempt[] = [];
  const programs: ProgramStart[] = [];
  for (const line of text.split('\n')) {
    const exec = EXECVE.exec(line);
    if (exec !== null) {
      programs.push({ pid: Number(exec[1]), path: exec[2]! });
      continue;
    }
    // `<... connect resumed>` lines carry only the result; the address was on the `<unfinished ...>` line.
    const call = SOCKET_CALL.exec(line);
    if (call === null) continue;
    if (call[1] === undefined) throw new UnreadableTraceLineError(line, 'no pid column: record with strace -f');
    for (const match of line.matchAll(SOCKADDR)) {
      attempts.push({ pid: Number(call[1]), syscall: call[2]!, destination: readSockaddr(match[1]!, match[2]!, line), line });
    }
  }
  return { attempts, programs };
}

function readSockaddr(family: string, fields: string, line: string): SocketDestination {
  switch (family) {
    case 'AF_INET': {
      const m = /sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]+)"\)/.exec(fields);
      if (m === null) throw new UnreadableTraceLineError(line);
      return { family, address: m[2]!, port: Number(m[1]) };
    }
    case 'AF_INET6': {
      const m = /sin6_port=htons\((\d+)\).*inet_pton\(AF_INET6, "([^"]+)"/.exec(fields);
      if (m === null) throw new UnreadableTraceLineError(line);
      return { family, address: m[2]!, port: Number(m[1]) };
    }
    case 'AF_UNIX': {
      // An abstract socket prints as sun_path=@"name"; an unnamed one has no sun_path at all.
      const m = /sun_path=(@?)"((?:[^"\\]|\\.)*)"/.exec(fields);
      return { family, path: m === null ? '' : `${m[1]!}${m[2]!}` };
    }
    case 'AF_NETLINK': {
      const m = /nl_pid=(\d+)/.exec(fields);
      if (m === null) throw new UnreadableTraceLineError(line);
      return { family, portId: Number(m[1]) };
    }
    default:
      return { family: 'other', name: family };
  }
}
