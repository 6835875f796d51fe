import { isAbsolute, join, resolve } from 'node:path';
import type { BuildSecretsConfig, InjectionKind, SecretConfig } from '../config/schema.js';
import { resolveAuditSettings, type AuditMode, type AuditSettings, type BaseLayersPolicy } from '@buildsecrets/audit';
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
  /** What a value found only in base-image layers does. */
  readonly baseLayers: BaseLayersPolicy;
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

/** `BuildOptions.audit` wins (field by field); else `build.audit` from the config; else fail / warn. */
export function auditSettingsFor(options: BuildOptions, config: BuildSecretsConfig): AuditSettings {
  return resolveAuditSettings(config.build?.audit, options.audit);
}

/** The audit mode alone (see {@link auditSettingsFor}). */
export function auditMode(options: BuildOptions, config: BuildSecretsConfig): 'fail' | 'warn' | 'off' {
  return auditSettingsFor(options, config).mode;
}

function auditPlan(options: BuildOptions, config: BuildSecretsConfig): { audit: AuditMode; baseLayers: BaseLayersPolicy } {
  const settings = auditSettingsFor(options, config);
  return { audit: settings.mode, baseLayers: settings.baseLayers };
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
  return { context, dockerfile, explicitDockerfile: chosen !== undefined, groups: groupSecrets(config.secrets), ...auditPlan(options, config) };
}
