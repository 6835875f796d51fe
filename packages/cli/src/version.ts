import { existsSync, readFileSync } from 'node:fs';

declare const __BUILDSECRETS_VERSION__: string | undefined;

/**
 * This CLI's version, read from its package.json (kept out of the module graph so `--version` stays
 * instant). The package.json is one level up from dist/ and two from a bundle chunk in dist/cli-chunks/.
 */
export function cliVersion(): string {
  // Built in where the bundle runs away from this package (the GitHub Action, from the repository).
  if (typeof __BUILDSECRETS_VERSION__ === 'string') return __BUILDSECRETS_VERSION__;
  const file = ['../package.json', '../../package.json'].map((rel) => new URL(rel, import.meta.url)).find((url) => existsSync(url) && (JSON.parse(readFileSync(url, 'utf8')) as { name?: string }).name === 'buildsecrets');
  if (!file) return '0.0.0-unknown';
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
