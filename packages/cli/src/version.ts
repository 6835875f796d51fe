import { readFileSync } from 'node:fs';

/** This CLI's version, read from its package.json (kept out of the module graph so `--version` stays instant). */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
