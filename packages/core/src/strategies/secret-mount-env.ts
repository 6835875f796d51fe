import { InvalidSecretError, StrategyRefusedError } from '../errors/index.js';
import type { SecretValue } from '../secret-value.js';

/** Variables the docker CLI (or the dynamic loader) reads itself: a secret must never overwrite them. */
const RESERVED_EXACT = new Set(['PATH', 'HOME', 'TMPDIR', 'USER', 'SHELL', 'NODE_OPTIONS']);
const RESERVED_PREFIXES = ['DOCKER_', 'BUILDKIT_', 'BUILDX_', 'LD_', 'DYLD_', 'BUILDSECRETS_'];

/** Whether giving the engine process a variable of this name would change how the engine itself runs. */
export function isReservedEngineEnv(name: string): boolean {
  const upper = name.toUpperCase();
  return RESERVED_EXACT.has(upper) || RESERVED_PREFIXES.some((p) => upper.startsWith(p));
}

/** The engine variable a `source: env` secret travels in: `config.env`, else `BUILDSECRET_<ID>`. */
export function secretEnvName(id: string, configured: string | undefined): string {
  return configured ?? `BUILDSECRET_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Refuse an engine variable name that would clobber the engine's own settings. */
export function assertEngineEnvAllowed(name: string, secretId: string, field: string): void {
  if (isReservedEngineEnv(name)) {
    throw new StrategyRefusedError(`secret "${secretId}" would be handed to the engine in its environment variable ${name}, which the engine reads itself`, {
      secretId,
      hint: `choose another name with ${field} on secrets.${secretId}`,
    });
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The value as an environment string. Environment variables cannot hold NUL bytes or arbitrary
 * binary, so those are refused rather than silently altered. `label` names the strategy for the hint.
 */
export function secretAsEnvValue(id: string, value: SecretValue, label: string): string {
  const bytes = value.reveal();
  try {
    if (bytes.includes(0)) throw new InvalidSecretError(`secret "${id}" contains a NUL byte and cannot travel in an environment variable (${label})`, { secretId: id, hint: 'use inject: secret-mount with the default source: file' });
    try {
      return decoder.decode(bytes);
    } catch {
      throw new InvalidSecretError(`secret "${id}" is not valid UTF-8 and cannot travel in an environment variable (${label})`, { secretId: id, hint: 'use inject: secret-mount with the default source: file' });
    }
  } finally {
    bytes.fill(0);
  }
}
