import { isAbsolute, join, resolve } from 'node:path';
import type { BuildSecretsConfig, InjectionKind, SecretConfig } from '../config/schema.js';
import type { BuildOptions } from './build-types.js';

/** An injection kind that reaches the build (`none` never does). */
export type ActiveKind = Exclude<InjectionKind, 'none'>;

/** One configured secret, without its value. */
export interface PlannedSecret {
  /** The secret id. */
  readonly id: string;
  /** Its config entry. */
  readonly config: SecretConfig;
}

/** Where the build happens and how each secret reaches it; decided before anything is resolved. */
export interface BuildPlan {
  /** Absolute build context. */
  readonly context: string;
  /** Absolute Dockerfile path, or `-` for stdin. */
  readonly dockerfile: string;
  /** Whether `-f` must be added (the user chose a file, or the config did). */
  readonly explicitDockerfile: boolean;
  /** Secrets grouped by injection kind, kinds in the order they first appear in the config. */
  readonly groups: ReadonlyMap<ActiveKind, readonly PlannedSecret[]>;
  /** What the post-build audit does. */
  readonly audit: 'fail' | 'warn' | 'off';
}

/** Group the configured secrets by how they are injected, skipping `inject: none` helpers. */
export function groupSecrets(secrets: BuildSecretsConfig['secrets']): Map<ActiveKind, PlannedSecret[]> {
  const groups = new Map<ActiveKind, PlannedSecret[]>();
  for (const [id, config] of Object.entries(secrets)) {
    const kind = config.inject ?? 'secret-mount';
    if (kind === 'none') continue;
    const list = groups.get(kind) ?? [];
    list.push({ id, config });
    groups.set(kind, list);
  }
  return groups;
}

/** `BuildOptions.audit` wins; else `build.audit` from the config (`true` → fail, `'warn'`, `false` → off). */
export function auditMode(options: BuildOptions, config: BuildSecretsConfig): 'fail' | 'warn' | 'off' {
  if (options.audit) return options.audit;
  const configured = config.build?.audit ?? true;
  return configured === true ? 'fail' : configured === 'warn' ? 'warn' : 'off';
}

/**
 * Decide context, Dockerfile and groups. The context and `-f` resolve against the working
 * directory (as docker does); `build.dockerfile` resolves against the config file's directory.
 */
export function planBuild(options: BuildOptions, config: BuildSecretsConfig, baseDir: string, cwd = process.cwd()): BuildPlan {
  const context = resolve(cwd, options.context ?? '.');
  const fromConfig = config.build?.dockerfile;
  const chosen = options.dockerfile ?? (fromConfig ? (isAbsolute(fromConfig) ? fromConfig : join(baseDir, fromConfig)) : undefined);
  const dockerfile = chosen === '-' ? '-' : chosen ? resolve(cwd, chosen) : join(context, 'Dockerfile');
  return { context, dockerfile, explicitDockerfile: chosen !== undefined, groups: groupSecrets(config.secrets), audit: auditMode(options, config) };
}
