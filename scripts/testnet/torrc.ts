// The torrc lines of a private network's nodes, as verified in /work/shared/TESTNET-NOTES.md.

export interface AuthorityEntry {
  nickname: string;
  orPort: number;
  dirPort: number;
  /** fingerprint of the authority's v3 identity certificate */
  v3ident: string;
  /** fingerprint of the authority's relay identity */
  fingerprint: string;
}

/** Lines every node of the network needs, clients included. */
export function networkLines(authorities: readonly AuthorityEntry[]): string[] {
  return [
    'TestingTorNetwork 1',
    'PathsNeededToBuildCircuits 0.67',
    'TestingDirAuthVoteExit *',
    'TestingDirAuthVoteHSDir *',
    'TestingDirAuthVoteGuard *',
    'TestingMinExitFlagThreshold 0',
    'V3AuthNIntervalsValid 2',
    'ShutdownWaitLength 0',
    'Sandbox 0',
    ...authorities.map(
      (a) => `DirAuthority ${a.nickname} orport=${a.orPort} no-v2 v3ident=${a.v3ident} 127.0.0.1:${a.dirPort} ${a.fingerprint}`,
    ),
  ];
}

/** Lines every process we start gets: its own data directory, logs and the owner it dies with. */
export function processLines(dataDir: string, ownerPid: number): string[] {
  return [
    `DataDirectory ${dataDir}`,
    'Log notice stdout',
    `Log notice file ${dataDir}/notice.log`,
    // tor polls this pid by itself (no control connection needed) and exits once it is gone.
    `__OwningControllerProcess ${ownerPid}`,
  ];
}

/** Listeners bind to 127.0.0.1 only: nothing of the network is reachable from outside the machine. */
export function relayLines(nickname: string, orPort: number): string[] {
  return [`Nickname ${nickname}`, 'SocksPort 0', `OrPort 127.0.0.1:${orPort}`, 'Address 127.0.0.1', 'AssumeReachable 1', 'ExitRelay 0'];
}

export function authorityLines(authority: AuthorityEntry): string[] {
  return [
    ...relayLines(authority.nickname, authority.orPort),
    `DirPort 127.0.0.1:${authority.dirPort}`,
    'AuthoritativeDirectory 1',
    'V3AuthoritativeDirectory 1',
    'ContactInfo allium-testnet@localhost',
    'TestingV3AuthInitialVotingInterval 20',
    'TestingV3AuthInitialVoteDelay 4',
    'TestingV3AuthInitialDistDelay 4',
    'V3AuthVotingInterval 20',
    'V3AuthVoteDelay 4',
    'V3AuthDistDelay 4',
  ];
}

export function torrcText(lines: readonly string[]): string {
  return `${lines.join('\n')}\n`;
}
