// Dispatch `npm run bench -- <name>` to bench/<name>.mjs (all benchmarks when no name is given).
// Every benchmark's figures are merged into bench/results/latest.json (see lib/results.mjs);
// benchmarks that keep their own file (audit → results/audit.json) are copied in after they run.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { saveResult } from './lib/results.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
/** Cheap and self-contained first; the engine- and disk-heavy ones last. */
const ORDER = ['startup', 'served-file', 'resolution', 'build-overhead', 'audit'];
const found = readdirSync(here).filter((f) => f.endsWith('.mjs') && f !== 'run.mjs').map((f) => f.slice(0, -4));
const available = [...ORDER.filter((n) => found.includes(n)), ...found.filter((n) => !ORDER.includes(n))];
const wanted = process.argv.slice(2);
const names = wanted.length ? wanted : available;
for (const name of names) {
  if (!available.includes(name)) {
    console.error(`unknown benchmark "${name}"; available: ${available.join(', ')}`);
    process.exit(2);
  }
}
for (const name of names) {
  console.log(`\n== bench ${name} ==`);
  const mod = await import(pathToFileURL(join(here, `${name}.mjs`)).href);
  if (typeof mod.run !== 'function') continue;
  const result = await mod.run();
  const ownFile = join(here, 'results', `${name}.json`);
  if (result === undefined && existsSync(ownFile)) saveResult(name, JSON.parse(readFileSync(ownFile, 'utf8')));
}
