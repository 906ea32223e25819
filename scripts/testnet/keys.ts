// Creates node identities before the first start: authority v3 keys and relay fingerprints.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

interface RunResult {
  stdout: string;
}

function run(command: string, args: readonly string[], stdin: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve({ stdout });
      else reject(new Error(`${command} ${args.join(' ')} failed with ${signal ?? `code ${code ?? '?'}`}:\n${stdout}${stderr}`));
    });
    child.stdin.end(stdin);
  });
}

/**
 * Creates the authority identity, signing key and certificate in `<dataDir>/keys` and returns the
 * v3 identity (the certificate's fingerprint) that DirAuthority lines name as `v3ident`.
 */
export async function createAuthorityKeys(gencertBinary: string, dataDir: string, dirPort: number): Promise<string> {
  const keys = join(dataDir, 'keys');
  const certificate = join(keys, 'authority_certificate');
  // An empty passphrase line on stdin: tor-gencert then stores the identity key unencrypted.
  await run(
    gencertBinary,
    ['--create-identity-key', '--passphrase-fd', '0', '-i', join(keys, 'authority_identity_key'), '-s', join(keys, 'authority_signing_key'), '-c', certificate, '-m', '12', '-a', `127.0.0.1:${dirPort}`],
    '\n',
  );
  const match = /^fingerprint ([0-9A-F]{40})$/m.exec(await readFile(certificate, 'utf8'));
  if (match === null) throw new Error(`no fingerprint line in ${certificate}`);
  return match[1]!;
}

/**
 * Creates the relay identity in `dataDir` and returns its fingerprint. Runs before the node's real
 * torrc exists: tor refuses a TestingTorNetwork torrc without DirAuthority lines.
 */
export async function createRelayIdentity(torBinary: string, dataDir: string, nickname: string): Promise<string> {
  const { stdout } = await run(
    torBinary,
    ['-f', '/dev/null', '--ignore-missing-torrc', '--DataDirectory', dataDir, '--Nickname', nickname, '--ORPort', '1', '--list-fingerprint'],
    '',
  );
  const match = new RegExp(`^${nickname} ((?:[0-9A-F]{4} ?){10})$`, 'm').exec(stdout);
  if (match === null) throw new Error(`tor --list-fingerprint printed no fingerprint for ${nickname}:\n${stdout}`);
  return match[1]!.replaceAll(' ', '');
}
