import { stripUserinfo } from '@buildsecrets/base';
/** Where the docker binary name can come from, highest precedence first. */
export interface DockerBinarySources {
  /** `--docker` / `BuildOptions.docker`. */
  readonly option?: string | undefined;
  /** The run's environment (`BUILDSECRETS_DOCKER`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `build.docker` from the config. */
  readonly config?: string | undefined;
}

/** The binary used when nothing else names one. */
export const DEFAULT_DOCKER_BINARY = 'docker';

/**
 * Pick the docker binary: `--docker`, then `BUILDSECRETS_DOCKER`, then `build.docker` in the
 * config, then `docker` on PATH. Empty strings count as unset.
 */
export function resolveDockerBinary(sources: DockerBinarySources): string {
  const candidates = [sources.option, sources.env?.['BUILDSECRETS_DOCKER'], sources.config];
  for (const candidate of candidates) if (candidate && candidate.trim() !== '') return candidate;
  return DEFAULT_DOCKER_BINARY;
}

/**
 * `DOCKER_HOST` as it may be shown in an error: user info (`ssh://user:pass@host`) is dropped,
 * since an address can carry credentials.
 */
export function describeDockerHost(env: Readonly<Record<string, string | undefined>>): string {
  const host = env['DOCKER_HOST'];
  if (!host) return 'DOCKER_HOST unset (default socket)';
  return `DOCKER_HOST=${stripUserinfo(host)}`;
}

// Lives in @buildsecrets/base (the audit quotes engine errors too); re-exported for the engine's callers.
export { stripUserinfo } from '@buildsecrets/base';
