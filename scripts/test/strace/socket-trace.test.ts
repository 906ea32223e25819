// The strace reader and the loopback policy on lines strace really printed: local traffic passes, DNS and the outside do not.
import { describe, expect, it } from 'vitest';
import { findLeaks, leakReason } from './loopback-policy.js';
import { parseSocketTrace, UnreadableTraceLineError } from './socket-trace.js';

// Recorded with `strace -f -qq -s 8 -e signal=none -e trace=connect,sendto,sendmsg,sendmmsg,execve` (strace 6.x, glibc).
const LOCAL_ONLY = `\
8554  execve("/usr/bin/node", ["node", "-e", "\\nconst n"...], 0x7ffde83ba360 /* 39 vars */) = 0
8554  sendto(18, [{nlmsg_len=20, nlmsg_type=RTM_GETLINK, nlmsg_flags=NLM_F_REQUEST|NLM_F_DUMP, nlmsg_seq=1796198005, nlmsg_pid=0}, {ifi_family=AF_UNSPEC, ...}], 20, 0, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, 12) = 20
8554  connect(19, {sa_family=AF_UNIX, sun_path="/tmp/allium-anon-x/alice/tor/socks.sock"}, 110) = 0
8554  connect(21, {sa_family=AF_INET6, sin6_port=htons(1), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = -1 EINPROGRESS (Operation now in progress)
8554  connect(22, {sa_family=AF_INET, sin_port=htons(41597), sin_addr=inet_addr("127.0.0.1")}, 16 <unfinished ...>
8570  execve("/usr/sbin/tor", ["/usr/sbin/tor", "-f", "/tmp/all"...], 0x3a6f0b0 /* 41 vars */) = 0
8554  <... connect resumed>) = -1 EINPROGRESS (Operation now in progress)
8570  connect(7, {sa_family=AF_INET, sin_port=htons(45173), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 EINPROGRESS (Operation now in progress)
8554  sendto(22, "GETINFO "..., 30, 0, NULL, 0) = 30
8554  sendmmsg(20, [{msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=",\\215\\1\\0\\0\\1\\0\\0"..., iov_len=29}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=29}], 1, MSG_NOSIGNAL) = 1
`;

const NSCD = '8561  connect(20, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT (No such file or directory)';
const DNS_CONNECT = '8561  connect(20, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16) = 0';
const DNS_SENDTO = '7183  sendto(3, ""..., 1, 0, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("192.0.2.9")}, 16) = 1';
const LOOPBACK_RESOLVER = '7183  sendto(3, ""..., 1, 0, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("127.0.0.53")}, 16) = 1';
const OUTSIDE_CONNECT = '6967  connect(19, {sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr("192.0.2.1")}, 16) = -1 EINPROGRESS (Operation now in progress)';
const OUTSIDE_SENDMSG_V6 =
  '7111  sendmsg(19, {msg_name={sa_family=AF_INET6, sin6_port=htons(5353), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:db8::1", &sin6_addr), sin6_scope_id=0}, msg_namelen=28, msg_iov=[...], msg_iovlen=1, msg_controllen=0, msg_flags=0}, 0) = 1';
const UNSPEC = '8561  connect(20, {sa_family=AF_UNSPEC, sa_data="\\0\\0\\0\\0"...}, 16) = 0';

describe('parseSocketTrace', () => {
  it('reads destinations from connects and addressed sends, and which pid ran which program', () => {
    const trace = parseSocketTrace(LOCAL_ONLY);
    expect(trace.programs).toEqual([
      { pid: 8554, path: '/usr/bin/node' },
      { pid: 8570, path: '/usr/sbin/tor' },
    ]);
    expect(trace.attempts.map((a) => [a.pid, a.syscall, a.destination])).toEqual([
      [8554, 'sendto', { family: 'AF_NETLINK', portId: 0 }],
      [8554, 'connect', { family: 'AF_UNIX', path: '/tmp/allium-anon-x/alice/tor/socks.sock' }],
      [8554, 'connect', { family: 'AF_INET6', address: '::1', port: 1 }],
      [8554, 'connect', { family: 'AF_INET', address: '127.0.0.1', port: 41597 }],
      [8570, 'connect', { family: 'AF_INET', address: '127.0.0.1', port: 45173 }],
    ]);
  });

  it('reads an address inside sendmsg’s msg_name and an abstract unix socket', () => {
    const trace = parseSocketTrace(`${OUTSIDE_SENDMSG_V6}\n8554  connect(5, {sa_family=AF_UNIX, sun_path=@"/tmp/.X11-unix/X0"}, 20) = 0\n`);
    expect(trace.attempts.map((a) => a.destination)).toEqual([
      { family: 'AF_INET6', address: '2001:db8::1', port: 5353 },
      { family: 'AF_UNIX', path: '@/tmp/.X11-unix/X0' },
    ]);
  });

  it('refuses an internet address it cannot read instead of passing it', () => {
    expect(() => parseSocketTrace('8554  connect(22, {sa_family=AF_INET, sin_port=htons(1)}, 16) = 0')).toThrow(UnreadableTraceLineError);
  });

  it('refuses a trace recorded without -f, whose lines cannot be told apart by process', () => {
    expect(() => parseSocketTrace(OUTSIDE_CONNECT.replace(/^\d+\s+/, ''))).toThrow(/no pid column/);
  });
});

describe('findLeaks', () => {
  it('passes loopback TCP, local unix sockets and the kernel’s netlink', () => {
    expect(findLeaks(parseSocketTrace(LOCAL_ONLY))).toEqual([]);
  });

  it('flags a connect off the machine, DNS to any address, the resolver’s sockets and unknown families', () => {
    const leaks = findLeaks(parseSocketTrace([LOCAL_ONLY, OUTSIDE_CONNECT, DNS_CONNECT, DNS_SENDTO, LOOPBACK_RESOLVER, NSCD, OUTSIDE_SENDMSG_V6, UNSPEC].join('\n')));
    expect(leaks.map((l) => l.reason)).toEqual([
      'a connection off the machine, to 192.0.2.1 port 9',
      'a DNS query to 10.255.255.53 port 53',
      'a DNS query to 192.0.2.9 port 53',
      'a DNS query to 127.0.0.53 port 53',
      'a name lookup through the system resolver at /var/run/nscd/socket',
      'a connection off the machine, to 2001:db8::1 port 5353',
      'a socket of family AF_UNSPEC, which is neither loopback nor a local socket',
    ]);
    expect(leaks[0]!.attempt.line).toBe(OUTSIDE_CONNECT);
  });

  it('counts all of 127.0.0.0/8 and IPv4-mapped loopback as local, and nothing that merely starts like it', () => {
    expect(leakReason({ family: 'AF_INET', address: '127.45.3.2', port: 9050 })).toBeUndefined();
    expect(leakReason({ family: 'AF_INET6', address: '::ffff:127.0.0.1', port: 9050 })).toBeUndefined();
    expect(leakReason({ family: 'AF_INET6', address: '::ffff:10.0.0.1', port: 9050 })).toMatch(/off the machine/);
    expect(leakReason({ family: 'AF_INET6', address: '::', port: 9050 })).toMatch(/off the machine/);
    expect(leakReason({ family: 'AF_NETLINK', portId: 812 })).toMatch(/not to the kernel/);
  });
});
