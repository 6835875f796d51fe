// bench/results/latest.json: one entry per benchmark, merged so `npm run bench -- <name>` keeps the others.
import { cpus, totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../results/', import.meta.url));
/** Path of the merged results file. */
export const LATEST = `${dir}latest.json`;

/** The machine a figure was measured on (absolute times are only comparable on the same one). */
export function machine() {
  return { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10, node: process.version, platform: `${process.platform}-${process.arch}` };
}

/** Merge one benchmark's result into latest.json. */
export function saveResult(name, result) {
  mkdirSync(dir, { recursive: true });
  const all = existsSync(LATEST) ? JSON.parse(readFileSync(LATEST, 'utf8')) : {};
  all.machine = machine();
  all.benchmarks = { ...(all.benchmarks ?? {}), [name]: { date: new Date().toISOString(), ...result } };
  writeFileSync(LATEST, `${JSON.stringify(all, null, 2)}\n`);
}
