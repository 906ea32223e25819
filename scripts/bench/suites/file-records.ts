// Bench suite: sealing and opening a 50 MiB file in AES-256-GCM records on this machine, in MiB/s, to compare with a Tor stream's rate.
import { randomBytes } from 'node:crypto';
import { FileRecordOpener, type FileRecordContext, newFileKey, sealRecords } from '../../../electron/core/files/index.js';
import type { Report } from '../report.js';

const FILE_BYTES = 50 * 1024 * 1024;
const FILE_MIB = FILE_BYTES / (1024 * 1024);

/** Reports a pass as MiB per wall-clock second and per second of this process's CPU time (what one idle core would do). */
function timed(report: Report, name: string, pass: () => void): void {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  pass();
  const cpu = process.cpuUsage(cpuBefore);
  const round = (value: number): number => Math.round(value * 10) / 10;
  report(`files.record_${name}_mib_per_s`, round(FILE_MIB / ((performance.now() - started) / 1000)), 'MiB/s');
  report(`files.record_${name}_mib_per_cpu_s`, round(FILE_MIB / ((cpu.user + cpu.system) / 1e6)), 'MiB/cpu-s');
}

export function run(report: Report): Promise<void> {
  const plaintext = randomBytes(FILE_BYTES);
  const context: FileRecordContext = { key: newFileKey(), fileId: 'bench', size: FILE_BYTES };
  // Warm-up: the first records pay for JIT compilation.
  for (const { index } of sealRecords(context, plaintext)) if (index >= 16) break;

  let records: Buffer[] = [];
  timed(report, 'seal', () => {
    records = Array.from(sealRecords(context, plaintext), (r) => r.sealed);
  });
  let opened = 0;
  timed(report, 'open', () => {
    const opener = new FileRecordOpener(context);
    for (const [index, sealed] of records.entries()) opened += opener.open(index, sealed).length;
    opener.finish();
  });
  if (opened !== FILE_BYTES) throw new Error(`opened ${String(opened)} bytes of ${String(FILE_BYTES)}`);
  return Promise.resolve();
}
