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

/** The name of one canary: a fixed one, or `generated` for any {@link makeCanary} value. */
export type CanaryName = keyof typeof CANARIES | 'generated';

/** Every generated value starts so: any text holding it is caught even if this process never made it (a child's). */
export const GENERATED_CANARY_PREFIX = 'bs-canary-gen-';
const GENERATED = /bs-canary-gen-[a-z0-9-]+/g;

// Generated canaries made in this process, shared through globalThis so every copy of this module agrees.
const REGISTRY_KEY = Symbol.for('buildsecrets.canary.generated');
const registry: Set<string> = ((globalThis as { [REGISTRY_KEY]?: Set<string> })[REGISTRY_KEY] ??= new Set());

/**
 * A fresh canary value for one test: `bs-canary-gen-<label>-<random hex>`. Use it as the default
 * value of anything a test resolves; the log canary then fails the test when it (or its base64 or
 * hex form) reaches this process's output, a child's output or a thrown error.
 */
export function makeCanary(label = 'value'): string {
  const clean = label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'value';
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  const value = `${GENERATED_CANARY_PREFIX}${clean}-${Buffer.from(bytes).toString('hex')}`;
  registry.add(value);
  needles = undefined;
  return value;
}

/**
 * The forms of `value` the checks look for: raw, hex (both cases) and base64 at each of the three
 * byte alignments (so a value inside a longer encoded blob is found), edges trimmed where the
 * neighbouring bytes change the characters.
 */
export function encodedForms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms = [value, bytes.toString('hex'), bytes.toString('hex').toUpperCase()];
  for (let shift = 0; shift < 3; shift++) {
    const b64 = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    const core = b64.slice(shift === 0 ? 0 : 4, -4);
    if (core.length >= 16) forms.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

let needles: [CanaryName, string][] | undefined;
function allNeedles(): [CanaryName, string][] {
  needles ??= [
    ...(Object.entries(CANARIES) as [CanaryName, string][]).flatMap(([name, value]) => encodedForms(value).map((f) => [name, f] as [CanaryName, string])),
    ...[...registry].flatMap((value) => encodedForms(value).slice(1).map((f) => ['generated', f] as [CanaryName, string])),
  ];
  return needles;
}

/** The names of the canaries `text` contains, raw or encoded (never the values, so a report cannot leak them). */
export function findCanaries(text: string): CanaryName[] {
  const found = new Set<CanaryName>();
  for (const [name, form] of allNeedles()) if (!found.has(name) && text.includes(form)) found.add(name);
  if (text.includes(GENERATED_CANARY_PREFIX)) found.add('generated');
  return [...found];
}

/** `text` with every canary (raw or encoded) replaced by `[canary:<name>]`, so a leak never reaches a CI log. */
export function maskCanaries(text: string): string {
  let out = text.replace(GENERATED, '[canary:generated]');
  for (const [name, form] of allNeedles()) if (out.includes(form)) out = out.split(form).join(`[canary:${name}]`);
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
