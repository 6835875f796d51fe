// Dispatch `npm run bench -- <name>` to bench/<name>.mjs (all benchmarks when no name is given).
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const here = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(here).filter((f) => f.endsWith('.mjs') && f !== 'run.mjs').map((f) => f.slice(0, -4));
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
  if (typeof mod.run === 'function') await mod.run();
}
