// `npm run bench`: runs every suite in ./suites (or those named on the command line), prints a table, writes bench/results.json.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { Report } from './report.js';

interface Suite {
  run: (report: Report) => Promise<void>;
}

interface Figure {
  suite: string;
  name: string;
  value: number;
  unit: string;
}

const SUITES_DIR = join(import.meta.dirname, 'suites');
const RESULTS = join(process.cwd(), 'bench', 'results.json');

function isSuite(module: unknown): module is Suite {
  return typeof (module as Partial<Suite> | null)?.run === 'function';
}

async function loadSuites(only: readonly string[]): Promise<{ name: string; suite: Suite }[]> {
  const files = (await readdir(SUITES_DIR)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
  const suites: { name: string; suite: Suite }[] = [];
  for (const file of files) {
    const name = basename(file, '.ts');
    if (only.length > 0 && !only.includes(name)) continue;
    const module: unknown = await import(pathToFileURL(join(SUITES_DIR, file)).href);
    if (!isSuite(module)) throw new Error(`bench suite ${file} does not export run(report)`);
    suites.push({ name, suite: module });
  }
  return suites;
}

function printTable(figures: readonly Figure[]): void {
  const rows = figures.map((f) => [f.suite, f.name, Number.isInteger(f.value) ? String(f.value) : f.value.toFixed(3), f.unit]);
  const header = ['suite', 'figure', 'value', 'unit'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

async function previousResults(): Promise<Record<string, number>> {
  try {
    return JSON.parse(await readFile(RESULTS, 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}

const only = process.argv.slice(2);
const figures: Figure[] = [];
for (const { name, suite } of await loadSuites(only)) {
  console.log(`# ${name}`);
  await suite.run((figure, value, unit) => {
    figures.push({ suite: name, name: figure, value, unit });
    console.log(`  ${figure}: ${String(value)} ${unit}`);
  });
}
console.log('');
printTable(figures);
// A partial run keeps the figures of the suites it did not run.
const results = only.length > 0 ? await previousResults() : {};
for (const f of figures) results[f.name] = f.value;
await mkdir(join(process.cwd(), 'bench'), { recursive: true });
await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote ${RESULTS}`);
