// Child process of the partial-file crash test: receives the first records of a file, printing each index once written, then idles until killed.
import { readFile } from 'node:fs/promises';
import { sealRecords } from './file-records.js';
import { PartialFile } from './partial-file.js';

const [dir, source, keyHex, fileId, sha256, stopAt] = process.argv.slice(2);
if (dir === undefined || source === undefined || keyHex === undefined || fileId === undefined || sha256 === undefined || stopAt === undefined) {
  throw new Error('usage: partial-file-crash-child <dir> <source> <keyHex> <fileId> <sha256> <stopAt>');
}
const plaintext = await readFile(source);
const context = { key: Buffer.from(keyHex, 'hex'), fileId, size: plaintext.length };
const partial = await PartialFile.open({ ...context, dir, sha256, checkpointRecords: 4 });
for (const { index, sealed } of sealRecords(context, plaintext)) {
  if (index >= Number(stopAt)) break;
  await partial.write(index, sealed);
  process.stdout.write(`${String(index)}\n`);
}
// The sender's link went quiet: wait, as a receiver would, until the kill.
setInterval(() => undefined, 60_000);
