// Child process of the file transfer tor test: receives a file through tor, printing the bytes held after every record, until it is killed.
import { onionKeyFromSeed, parseOnionAddress } from '../../identity/index.js';
import type { SocksEndpoint } from '../../tor/index.js';
import { FileReceiver } from './file-receiver.js';
import { dialFileStreamWithRetry } from './transfer-test-kit.js';

interface ChildArguments {
  readonly dir: string;
  readonly socks: SocksEndpoint;
  readonly port: number;
  readonly sender: string;
  readonly seedHex: string;
  readonly keyHex: string;
  readonly fileId: string;
  readonly size: number;
  readonly sha256: string;
}

const json = process.argv[2];
if (json === undefined) throw new Error('usage: file-transfer-crash-child <arguments as JSON>');
const args = JSON.parse(json) as ChildArguments;
const signer = onionKeyFromSeed(Buffer.from(args.seedHex, 'hex'));
const receiver = new FileReceiver({
  dir: args.dir,
  key: Buffer.from(args.keyHex, 'hex'),
  fileId: args.fileId,
  size: args.size,
  sha256: args.sha256,
  connect: () => dialFileStreamWithRetry({ socks: args.socks, port: args.port, signer, peer: parseOnionAddress(args.sender).address, dialTimeoutMs: 60_000 }, 120_000),
});
receiver.on('progress', ({ bytes }) => process.stdout.write(`${String(bytes)}\n`));
await receiver.receive();
process.stdout.write('verified\n');
