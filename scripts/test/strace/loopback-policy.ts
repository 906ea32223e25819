// Decides which recorded socket attempts stay on this machine and off every name resolver; the rest are leaks.
import type { SocketAttempt, SocketDestination, SocketTrace } from './socket-trace.js';

export interface Leak {
  readonly attempt: SocketAttempt;
  /** why this attempt could reveal something outside the machine */
  readonly reason: string;
}

const DNS_PORT = 53;

/**
 * Unix sockets of local resolvers. glibc's getaddrinfo asks nscd first, systemd-resolved and avahi answer over
 * their own sockets: any of them forwards the name to a DNS or mDNS server, so a connect there is a DNS leak.
 */
const RESOLVER_SOCKETS: readonly RegExp[] = [/^(\/var)?\/run\/nscd\//, /^\/run\/systemd\/resolve\//, /^(\/var)?\/run\/avahi-daemon\//];

/** The reason `destination` is not purely local, or undefined when it is. */
export function leakReason(destination: SocketDestination): string | undefined {
  switch (destination.family) {
    case 'AF_INET':
    case 'AF_INET6': {
      const where = `${destination.address} port ${String(destination.port)}`;
      // Even a loopback resolver (127.0.0.53) passes the name on to the outside.
      if (destination.port === DNS_PORT) return `a DNS query to ${where}`;
      return isLoopback(destination.family, destination.address) ? undefined : `a connection off the machine, to ${where}`;
    }
    case 'AF_UNIX':
      return RESOLVER_SOCKETS.some((pattern) => pattern.test(destination.path)) ? `a name lookup through the system resolver at ${destination.path}` : undefined;
    case 'AF_NETLINK':
      // Port id 0 is the kernel itself: interface and route queries (getifaddrs) that never leave the machine.
      return destination.portId === 0 ? undefined : `a netlink message to process ${String(destination.portId)}, not to the kernel`;
    case 'other':
      return `a socket of family ${destination.name}, which is neither loopback nor a local socket`;
  }
}

function isLoopback(family: 'AF_INET' | 'AF_INET6', address: string): boolean {
  if (family === 'AF_INET') return address.startsWith('127.');
  return address === '::1' || address.startsWith('::ffff:127.');
}

/** Every attempt in `trace` that is not loopback TCP/UDP, a local unix socket or the kernel. */
export function findLeaks(trace: SocketTrace): Leak[] {
  return trace.attempts.flatMap((attempt) => {
    const reason = leakReason(attempt.destination);
    return reason === undefined ? [] : [{ attempt, reason }];
  });
}
