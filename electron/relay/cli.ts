// `npm run relay -- --data DIR`: runs a relay until interrupted, printing its address, invitation and status page.
import { parseArgs } from 'node:util';
import { RelayConfigError } from './errors.js';
import { startRelay } from './relay.js';

const USAGE = `Usage: npm run relay -- --data DIR [--status-port N] [--retention-days N] [--disk-cap-mb N] [--blob-cap-mb N] [--verbose]

  --data DIR            the relay's folder: database, onion key, tor data (created if missing)
  --status-port N       port of the status page on 127.0.0.1 (default: a free port, printed)
  --retention-days N    days an undelivered message is kept (default 30)
  --disk-cap-mb N       megabytes of messages the relay holds at most (default 4096)
  --blob-cap-mb N       megabytes of files (blobs) the relay holds at most (default 16384)
  --verbose             print tor's log`;

function positiveNumber(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new RelayConfigError(`--${name} must be a positive number; got "${text}".`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      'status-port': { type: 'string' },
      'retention-days': { type: 'string' },
      'disk-cap-mb': { type: 'string' },
      'blob-cap-mb': { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true || values.data === undefined) {
    console.log(USAGE);
    process.exitCode = values.help === true ? 0 : 2;
    return;
  }
  const retentionDays = positiveNumber(values['retention-days'], 'retention-days');
  const diskCapMb = positiveNumber(values['disk-cap-mb'], 'disk-cap-mb');
  const blobCapMb = positiveNumber(values['blob-cap-mb'], 'blob-cap-mb');
  const statusPort = values['status-port'] === undefined ? 0 : Number(values['status-port']);
  if (!Number.isInteger(statusPort) || statusPort < 0 || statusPort > 65_535) throw new RelayConfigError('--status-port must be a port number.');

  console.log('Starting the relay and its tor…');
  const relay = await startRelay({
    dataDir: values.data,
    statusPort,
    limits: {
      ...(retentionDays === undefined ? {} : { retentionMs: Math.round(retentionDays * 24 * 3_600_000) }),
      ...(diskCapMb === undefined ? {} : { diskCapBytes: Math.round(diskCapMb * 1024 * 1024) }),
      ...(blobCapMb === undefined ? {} : { blobDiskCapBytes: Math.round(blobCapMb * 1024 * 1024) }),
    },
    log: values.verbose === true ? (line) => console.log(line) : undefined,
  });
  console.log(`Onion address: ${relay.onionAddress}.onion`);
  console.log(`Invitation:    ${relay.invitation}`);
  console.log(`Status page:   ${relay.statusUrl} (this computer only)`);
  relay.tor.on('onion', ({ reachability }) => console.log(`Onion service: ${reachability}`));
  relay.tor.on('restart', ({ delayMs }) => console.log(`tor stopped unexpectedly; restarting in ${String(delayMs)} ms`));

  const stop = (): void => {
    console.log('Stopping the relay…');
    relay.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
