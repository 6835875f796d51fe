/**
 * Canary secret values for tests. Plant one where a secret would go (a config value, an
 * environment variable, a provider's answer); the log-canary setup file (`canary.ts`) then fails
 * the test if the value shows up in anything this process writes or in a thrown error.
 *
 * The values are fixed strings (not random) so every copy of this module in a worker agrees, and
 * distinctive enough never to appear by accident.
 */
export const CANARIES = {
  /** For config files and `${VAR}` interpolation. */
  config: 'bs-canary-config-5c1e9a7f0d3b42e8',
  /** For environment variables read by providers. */
  env: 'bs-canary-env-8a2f6d4b1c9e07f3',
  /** For values a provider or test server hands out. */
  provider: 'bs-canary-provider-3e7b0c5a9d1f4826',
  /** For anything else (Dockerfiles, build args, tokens). */
  other: 'bs-canary-other-d94c27e1b5a8f063',
} as const;

/** The name of one canary. */
export type CanaryName = keyof typeof CANARIES;

const ENTRIES = Object.entries(CANARIES) as [CanaryName, string][];

/** The names of the canaries `text` contains (never the values, so a report cannot leak them). */
export function findCanaries(text: string): CanaryName[] {
  return ENTRIES.filter(([, value]) => text.includes(value)).map(([name]) => name);
}

/** `text` with every canary replaced by `[canary:<name>]`, so a leak never reaches a CI log. */
export function maskCanaries(text: string): string {
  let out = text;
  for (const [name, value] of ENTRIES) if (out.includes(value)) out = out.split(value).join(`[canary:${name}]`);
  return out;
}

/**
 * Throw when `text` holds a canary: for output this process cannot see through its own streams
 * (a child's stdout/stderr, a file, an image). The message names the canary, never its value.
 */
export function expectNoCanaryIn(text: string, where = 'the output'): void {
  const found = findCanaries(text);
  if (found.length > 0) throw new Error(`canary value(s) ${found.join(', ')} found in ${where}`);
}
