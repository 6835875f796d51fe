import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { BuildSecretsConfig, InjectionKind } from '../config/schema.js';
import { readDockerfile } from '../dockerfile/analyze.js';
import { UsageError } from '../errors/index.js';
import { checkDockerfileAgainstConfig, type PlanFinding } from '../dockerfile/plan-checks.js';
import type { AnyProviderDefinition, SecretRequest } from '../provider/types.js';

/** What `plan` may look at besides the config. */
export interface PlanOptions {
  /** The Dockerfile to cross-check; default `build.dockerfile`, else `<context>/Dockerfile` when it exists. */
  readonly dockerfile?: string;
  /** The build context (default: the working directory). */
  readonly context?: string;
}

/** One secret as `plan` shows it: where it comes from and how it reaches the build. Never a value. */
export interface PlanSecret {
  /** The secret id. */
  readonly id: string;
  /** Provider instance name. */
  readonly provider: string;
  /** What the instance uses (`env`, `vault`, a package name). */
  readonly use: string;
  /** The provider definition's own name (`env`, `vault`, a plugin's `name`). */
  readonly providerName?: string;
  /** The provider's own description of where the ref points (its definition's `describeRef`), if it has one. */
  readonly description?: string;
  /** The provider's address of the secret. */
  readonly ref: string;
  /** Field picked out of a structured secret. */
  readonly key?: string;
  /** Version pin. */
  readonly version?: string;
  /** How it reaches the build. */
  readonly inject: InjectionKind;
  /** Strategy detail (build-arg name, ssh id, env source), when relevant. */
  readonly detail?: string;
}

/** The result of `plan`: fetched nothing, started nothing. */
export interface Plan {
  /** Every configured secret, in config order. */
  readonly secrets: readonly PlanSecret[];
  /** The Dockerfile that was cross-checked, if any. */
  readonly dockerfile: string | undefined;
  /** Problems found between the config and the Dockerfile (errors stop a build). */
  readonly findings: readonly PlanFinding[];
}

function detailOf(inject: InjectionKind, c: BuildSecretsConfig['secrets'][string], id: string): string | undefined {
  switch (inject) {
    case 'build-arg':
      return `--build-arg ${c.buildArg ?? id}${c.allowInsecure ? ' (allowInsecure: value visible in image history)' : ''}`;
    case 'ssh-agent':
      return `--ssh ${c.sshId ?? 'default'}`;
    case 'secret-mount':
      return c.source === 'env' ? 'from the engine environment' : 'tmpfs file';
    case 'served-file':
      return `max ${c.maxReads ?? 1} read(s)`;
    default:
      return undefined;
  }
}

function pickDockerfile(baseDir: string, cwd: string, config: BuildSecretsConfig, options: PlanOptions): string | undefined {
  if (options.dockerfile) return resolve(cwd, options.dockerfile);
  if (config.build?.dockerfile) return isAbsolute(config.build.dockerfile) ? config.build.dockerfile : join(baseDir, config.build.dockerfile);
  const candidate = join(resolve(cwd, options.context ?? '.'), 'Dockerfile');
  return existsSync(candidate) ? candidate : undefined;
}

/** The definition's static description of a request; a describer that throws describes nothing. */
function describeRef(definition: AnyProviderDefinition | undefined, options: ReadonlyMap<string, unknown> | undefined, instance: string, request: SecretRequest): string | undefined {
  if (!definition?.describeRef || !options?.has(instance)) return undefined;
  try {
    const text = definition.describeRef(request, options.get(instance));
    return typeof text === 'string' && text.length > 0 ? text.slice(0, 300) : undefined;
  } catch {
    return undefined;
  }
}

/** Make the plan. Loads no provider SDK and contacts nothing. */
export async function buildPlan(
  input: {
    readonly config: BuildSecretsConfig;
    readonly baseDir: string;
    readonly cwd: string;
    readonly definitions: ReadonlyMap<string, AnyProviderDefinition>;
    /** Parsed options by instance, for the definitions' `describeRef` (optional: without them nothing is described). */
    readonly providerOptions?: ReadonlyMap<string, unknown>;
    /** A `${VAR}` interpolated into a ref, key or version is a secret too: every shown string passes through this. */
    readonly redact: (text: string) => string;
  },
  options: PlanOptions = {},
): Promise<Plan> {
  const { config, redact } = input;
  const secrets = Object.entries(config.secrets).map(([id, c]): PlanSecret => {
    const detail = detailOf(c.inject, c, id);
    const definition = input.definitions.get(c.from);
    const description = describeRef(definition, input.providerOptions, c.from, { id, ref: c.ref, ...(c.key !== undefined ? { key: c.key } : {}), ...(c.version !== undefined ? { version: c.version } : {}) });
    return {
      id,
      provider: c.from,
      use: redact(config.providers[c.from]?.use ?? '?'),
      ...(definition ? { providerName: redact(definition.name) } : {}),
      ...(description !== undefined ? { description: redact(description) } : {}),
      ref: redact(c.ref),
      ...(c.key !== undefined ? { key: redact(c.key) } : {}),
      ...(c.version !== undefined ? { version: redact(c.version) } : {}),
      inject: c.inject,
      ...(detail !== undefined ? { detail: redact(detail) } : {}),
    };
  });
  if (options.context !== undefined && !existsSync(resolve(input.cwd, options.context))) {
    throw new UsageError(`the build context ${resolve(input.cwd, options.context)} does not exist`, { hint: 'name an existing directory (the build context), or leave it out to use the working directory' });
  }
  const dockerfile = pickDockerfile(input.baseDir, input.cwd, config, options);
  if (!dockerfile) return { secrets, dockerfile: undefined, findings: [] };
  const analysis = await readDockerfile(dockerfile);
  return { secrets, dockerfile, findings: checkDockerfileAgainstConfig(analysis, config) };
}
