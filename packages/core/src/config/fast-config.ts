import { CACHE_MODES, ENGINE_CHOICES, ID_PATTERN, INJECTION_KINDS, VAR_NAME_PATTERN } from './config-constants.js';
import { isLoopbackHost } from './loopback.js';
import type { BuildConfig, BuildSecretsConfig } from './schema.js';

/**
 * A hand-written check of the config shape, without zod: it accepts only what the zod schema
 * (schema.ts) accepts and returns exactly what the schema returns for it (defaults applied, keys
 * in the schema's order). Anything it is not sure of — every problem, every value the schema would
 * convert (a number as a string), anything unusual — makes it return `undefined`, and the zod
 * schema decides and words the problems. So a valid config is read without evaluating zod, and
 * an invalid one gets the same errors as before. fast-config.test.ts checks the agreement on
 * random valid and invalid configs.
 */

/** Thrown inside the check to give up; never leaves this module. */
const UNSURE = Symbol('unsure');
type Tree = Readonly<Record<string, unknown>>;

function unsure(): never {
  throw UNSURE;
}

/** A plain mapping whose values are all defined (YAML and JSON never produce `undefined`). */
function mapping(value: unknown): Tree {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) unsure();
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) unsure();
  for (const key of Object.keys(value)) if ((value as Tree)[key] === undefined || key === '__proto__') unsure();
  return value as Tree;
}

/** `value` with only `allowed` keys. */
function strict(value: unknown, allowed: readonly string[]): Tree {
  const tree = mapping(value);
  for (const key of Object.keys(tree)) if (!allowed.includes(key)) unsure();
  return tree;
}

function text(value: unknown, options: { min?: number; pattern?: RegExp } = {}): string {
  if (typeof value !== 'string' || value.length < (options.min ?? 0)) unsure();
  if (options.pattern && !options.pattern.test(value)) unsure();
  return value;
}

function integer(value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) unsure();
  return value;
}

function flag(value: unknown): boolean {
  if (typeof value !== 'boolean') unsure();
  return value;
}

function oneOf<T extends string>(value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) unsure();
  return value as T;
}

/** Copy `key` into `out` when present, checked by `check`; the schema omits absent optional keys. */
function optional<T>(out: Record<string, unknown>, tree: Tree, key: string, check: (value: unknown) => T): void {
  if (tree[key] !== undefined) out[key] = check(tree[key]);
}

/** `key` checked by `check`, or `fallback` when absent (the schema's default). */
function withDefault<T>(tree: Tree, key: string, check: (value: unknown) => T, fallback: T): T {
  return tree[key] === undefined ? fallback : check(tree[key]);
}

/** The keys each object of the schema has, in the schema's order (fast-config.test.ts compares them with the schema's shapes). */
export const FAST_CONFIG_KEYS = {
  provider: ['use', 'options'],
  secret: ['from', 'ref', 'template', 'templateFile', 'key', 'version', 'inject', 'allowEmpty', 'source', 'env', 'sshId', 'passphraseFrom', 'maxReads', 'buildArg', 'allowInsecure', 'cache'],
  resolve: ['concurrency', 'timeoutMs', 'deadlineMs', 'retries'],
  servedFile: ['host', 'port', 'allowRemote'],
  build: ['docker', 'dockerfile', 'audit', 'minSecretLength', 'servedFile', 'contextCheck', 'cache', 'cacheKeyFrom', 'engine', 'push'],
  top: ['$schema', 'version', 'providers', 'secrets', 'resolve', 'build'],
} as const;
const PROVIDER_KEYS = FAST_CONFIG_KEYS.provider;
const SECRET_KEYS = FAST_CONFIG_KEYS.secret;
const RESOLVE_KEYS = FAST_CONFIG_KEYS.resolve;
const SERVED_FILE_KEYS = FAST_CONFIG_KEYS.servedFile;
const BUILD_KEYS = FAST_CONFIG_KEYS.build;
const TOP_KEYS = FAST_CONFIG_KEYS.top;

/** A record keyed by ids: a fresh object in the input's key order, as zod's record makes. */
function record<T>(value: unknown, entry: (value: unknown) => T): Record<string, T> {
  const tree = mapping(value);
  const out: Record<string, T> = {};
  for (const key of Object.keys(tree)) {
    if (!ID_PATTERN.test(key)) unsure();
    out[key] = entry(tree[key]);
  }
  return out;
}

function provider(value: unknown): Record<string, unknown> {
  const tree = strict(value, PROVIDER_KEYS);
  const out: Record<string, unknown> = { use: text(tree['use'], { min: 1 }) };
  // `options` is a record of anything: a shallow copy, values kept as they are (the plugin checks them).
  if (tree['options'] !== undefined) out['options'] = { ...mapping(tree['options']) };
  return out;
}

function secret(value: unknown): Record<string, unknown> {
  const tree = strict(value, SECRET_KEYS);
  const out: Record<string, unknown> = {};
  optional(out, tree, 'from', (v) => text(v, { pattern: ID_PATTERN }));
  optional(out, tree, 'ref', (v) => text(v, { min: 1 }));
  optional(out, tree, 'template', (v) => text(v));
  optional(out, tree, 'templateFile', (v) => text(v, { min: 1 }));
  optional(out, tree, 'key', (v) => text(v, { min: 1 }));
  optional(out, tree, 'version', (v) => text(v, { min: 1 }));
  out['inject'] = withDefault(tree, 'inject', (v) => oneOf(v, INJECTION_KINDS), 'secret-mount');
  optional(out, tree, 'allowEmpty', flag);
  optional(out, tree, 'source', (v) => oneOf(v, ['file', 'env']));
  optional(out, tree, 'env', (v) => text(v, { pattern: VAR_NAME_PATTERN }));
  optional(out, tree, 'sshId', (v) => text(v, { pattern: ID_PATTERN }));
  optional(out, tree, 'passphraseFrom', (v) => text(v, { pattern: ID_PATTERN }));
  optional(out, tree, 'maxReads', (v) => integer(v, 1, 100));
  optional(out, tree, 'buildArg', (v) => text(v, { pattern: VAR_NAME_PATTERN }));
  optional(out, tree, 'allowInsecure', flag);
  optional(out, tree, 'cache', (v) => oneOf(v, CACHE_MODES));
  // The schema's refinement: fetched (`from` + `ref`) or rendered (one of template/templateFile), never both.
  const rendered = (out['template'] !== undefined ? 1 : 0) + (out['templateFile'] !== undefined ? 1 : 0);
  if (rendered > 1) unsure();
  if (rendered === 1 && ['from', 'ref', 'key', 'version'].some((field) => out[field] !== undefined)) unsure();
  if (rendered === 0 && (out['from'] === undefined || out['ref'] === undefined)) unsure();
  return out;
}

function resolveSettings(value: unknown): Record<string, unknown> {
  const tree = strict(value, RESOLVE_KEYS);
  return {
    concurrency: withDefault(tree, 'concurrency', (v) => integer(v, 1, 256), 16),
    timeoutMs: withDefault(tree, 'timeoutMs', (v) => integer(v, 1, 600_000), 15_000),
    deadlineMs: withDefault(tree, 'deadlineMs', (v) => integer(v, 1, 3_600_000), 60_000),
    retries: withDefault(tree, 'retries', (v) => integer(v, 0, 10), 2),
  };
}

function servedFile(value: unknown): Record<string, unknown> {
  const tree = strict(value, SERVED_FILE_KEYS);
  const out = {
    host: withDefault(tree, 'host', (v) => text(v, { min: 1 }), '127.0.0.1'),
    port: withDefault(tree, 'port', (v) => integer(v, 0, 65_535), 0),
    allowRemote: withDefault(tree, 'allowRemote', flag, false),
  };
  if (!out.allowRemote && !isLoopbackHost(out.host)) unsure();
  return out;
}

const AUDIT_WORDS = ['fail', 'warn', 'off'] as const;

function auditSetting(value: unknown): unknown {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return oneOf(value, AUDIT_WORDS);
  const tree = strict(value, ['mode', 'baseLayers']);
  return {
    mode: withDefault(tree, 'mode', (v) => (typeof v === 'boolean' ? v : oneOf(v, AUDIT_WORDS)), 'fail'),
    baseLayers: withDefault(tree, 'baseLayers', (v) => oneOf(v, ['fail', 'warn', 'ignore']), 'warn'),
  };
}

function buildSettings(value: unknown): Record<string, unknown> {
  const tree = strict(value, BUILD_KEYS);
  const out: Record<string, unknown> = { docker: withDefault(tree, 'docker', (v) => text(v, { min: 1 }), 'docker') };
  optional(out, tree, 'dockerfile', (v) => text(v, { min: 1 }));
  out['audit'] = withDefault(tree, 'audit', auditSetting, 'fail');
  optional(out, tree, 'minSecretLength', (v) => integer(v, 1, 64));
  optional(out, tree, 'servedFile', servedFile);
  out['contextCheck'] = withDefault(tree, 'contextCheck', (v) => oneOf(v, ['warn', 'strict', 'off']), 'warn');
  optional(out, tree, 'cache', (v) => oneOf(v, CACHE_MODES));
  optional(out, tree, 'cacheKeyFrom', (v) => text(v, { pattern: ID_PATTERN }));
  out['engine'] = withDefault(tree, 'engine', (v) => oneOf(v, ENGINE_CHOICES), 'auto');
  optional(out, tree, 'push', flag);
  return out;
}

function wholeConfig(value: unknown): Record<string, unknown> {
  const tree = strict(value, TOP_KEYS);
  const out: Record<string, unknown> = {};
  optional(out, tree, '$schema', (v) => text(v));
  if (tree['version'] !== 1) unsure();
  out['version'] = 1;
  out['providers'] = record(tree['providers'], provider);
  out['secrets'] = record(tree['secrets'], secret);
  optional(out, tree, 'resolve', resolveSettings);
  optional(out, tree, 'build', buildSettings);
  return out;
}

function attempt<T>(check: () => T): T | undefined {
  try {
    return check();
  } catch (error) {
    if (error === UNSURE) return undefined;
    throw error;
  }
}

/**
 * The parsed config when `raw` is a config the schema accepts as it is, else `undefined` (the
 * schema must decide). Cross-reference checks are not part of it (see cross-references.ts).
 */
export function fastParseConfig(raw: unknown): BuildSecretsConfig | undefined {
  return attempt(() => wholeConfig(raw) as BuildSecretsConfig);
}

/** `build:` with every default (what `buildConfigSchema.parse({})` returns), without zod. */
export function defaultBuildConfig(): BuildConfig {
  return buildSettings({}) as BuildConfig;
}
