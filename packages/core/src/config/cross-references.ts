import type { ConfigIssue } from '../errors/index.js';
import { cacheConfigIssues } from '../cache/cache-config-issues.js';
import { didYouMean } from './did-you-mean.js';
import { formatPath } from './issue-path.js';
import { INJECTION_KINDS, type InjectionKind } from './config-constants.js';

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Fields that only mean something for one injection kind. */
const FIELD_OWNER: ReadonlyArray<readonly [field: string, kind: InjectionKind]> = [
  ['buildArg', 'build-arg'],
  ['allowInsecure', 'build-arg'],
  ['source', 'secret-mount'],
  ['env', 'secret-mount'],
  ['sshId', 'ssh-agent'],
  ['passphraseFrom', 'ssh-agent'],
  ['maxReads', 'served-file'],
];

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function isInjectionKind(value: unknown): value is InjectionKind {
  return typeof value === 'string' && (INJECTION_KINDS as readonly string[]).includes(value);
}

/**
 * Checks across entries that the schema cannot express: `from` and `passphraseFrom` name things
 * that exist, per-strategy fields sit on secrets of that strategy, build-arg names are unique.
 * Works on the raw tree and skips whatever is too malformed to judge (the schema reports that).
 * References are quoted by name unless they came from an environment variable.
 */
export function crossReferenceIssues(input: unknown, interpolatedPaths: ReadonlySet<string> = new Set()): ConfigIssue[] {
  const root = asRecord(input);
  const secrets = asRecord(root?.['secrets']);
  if (!root || !secrets) return [];
  const providers = asRecord(root['providers']);
  const providerNames = providers ? Object.keys(providers) : undefined;
  const secretIds = Object.keys(secrets);
  const issues: ConfigIssue[] = [];
  const buildArgs = new Map<string, string>();
  const shown = (path: string, what: string, name: string): string =>
    interpolatedPaths.has(path) ? `the ${what} named by an environment variable` : `${what} "${name}"`;

  for (const [id, entry] of Object.entries(secrets)) {
    const secret = asRecord(entry);
    if (!secret) continue;
    const at = (field: string): string => formatPath(['secrets', id, field]);

    const from = secret['from'];
    if (typeof from === 'string' && providerNames && !providerNames.includes(from)) {
      const defined = providerNames.length ? `; defined: ${providerNames.join(', ')}` : '; no providers are defined under `providers`';
      const hint = interpolatedPaths.has(at('from')) ? '' : didYouMean(from, providerNames);
      issues.push({ path: at('from'), message: `${shown(at('from'), 'provider', from)} is not defined${defined}${hint}` });
    }

    const passphraseFrom = secret['passphraseFrom'];
    if (typeof passphraseFrom === 'string') {
      if (passphraseFrom === id) issues.push({ path: at('passphraseFrom'), message: 'must name another secret, not this one' });
      else if (!secretIds.includes(passphraseFrom)) {
        const hint = interpolatedPaths.has(at('passphraseFrom')) ? '' : didYouMean(passphraseFrom, secretIds);
        issues.push({ path: at('passphraseFrom'), message: `${shown(at('passphraseFrom'), 'secret', passphraseFrom)} is not defined under \`secrets\`${hint}` });
      }
    }

    const inject = secret['inject'] ?? 'secret-mount';
    if (!isInjectionKind(inject)) continue;
    for (const [field, kind] of FIELD_OWNER) {
      if (secret[field] !== undefined && inject !== kind) {
        issues.push({ path: at(field), message: `only applies to \`inject: ${kind}\`; this secret uses ${inject}` });
      }
    }
    if (inject === 'secret-mount' && secret['env'] !== undefined && secret['source'] === 'file') {
      issues.push({ path: at('env'), message: 'only applies with `source: env`' });
    }
    if (inject === 'build-arg') {
      const explicit = secret['buildArg'];
      const name = typeof explicit === 'string' ? explicit : id;
      const path = typeof explicit === 'string' ? at('buildArg') : formatPath(['secrets', id]);
      if (explicit === undefined && !VAR_NAME.test(id)) {
        issues.push({ path, message: 'the secret id is not a valid build-arg name; set `buildArg` to the ARG name the Dockerfile uses' });
      }
      const other = buildArgs.get(name);
      const label = interpolatedPaths.has(path) ? 'this build-arg' : `build-arg ${name}`;
      if (other !== undefined) issues.push({ path, message: `${label} is already passed by secret "${other}"; each ARG can take only one secret` });
      else buildArgs.set(name, id);
    }
  }
  issues.push(...cacheConfigIssues(input, interpolatedPaths));
  return issues;
}
