import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { cacheModeOf } from '../cache/cache-mode.js';
import { cacheRevArgName } from '../cache/rev-arg-name.js';
import type { BuildSecretsConfig, InjectionKind } from '../config/schema.js';
import { readDockerfile } from '../dockerfile/analyze.js';
import { UsageError } from '../errors/index.js';
import { checkDockerfileAgainstConfig, type PlanFinding } from '../dockerfile/plan-checks.js';
import type { AnyProviderDefinition, SecretRequest } from '../provider/types.js';
import { neededSecrets, type NeededSecrets } from '../dockerfile/needed-secrets.js';

/** What `plan` may look at besides the config. */
export interface PlanOptions {
  /** The Dockerfile to cross-check; default `build.dockerfile`, else `<context>/Dockerfile` when it exists. */
  readonly dockerfile?: string;
  /** The build context (default: the working directory). */
  readonly context?: string;
  /** The stage `build --target` would build (default: the last stage). */
  readonly target?: string;
  /** `--build-arg` values, for stage names written with ARGs (`FROM ${BASE}`, `COPY --from=$STAGE`). */
  readonly buildArgs?: Readonly<Record<string, string>>;
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
  /** How a rotation invalidates the build cache, when not `off`: the mode and the rev build-arg. */
  readonly cache?: { readonly mode: 'version' | 'keyed'; readonly buildArg: string };
}

/** The result of `plan`: fetched nothing, started nothing. */
export interface Plan {
  /** Every configured secret, in config order. */
  readonly secrets: readonly PlanSecret[];
  /** The Dockerfile that was cross-checked, if any. */
  readonly dockerfile: string | undefined;
  /** Problems found between the config and the Dockerfile (errors stop a build). */
  readonly findings: readonly PlanFinding[];
  /**
   * Secrets no stage of the target uses (`not needed by this target`): a build neither fetches nor
   * injects them. Empty without a Dockerfile.
   */
  readonly notNeeded?: readonly string[];
  /** The stage that would be built (its name, or its index when unnamed), when a Dockerfile was read. */
  readonly target?: string;
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

/**
 * A secret that only templates embed is reported by the generic check as "configured but never
 * mounted"; say what to do instead: `inject: none` fetches it for the template without handing it
 * to the build on its own.
 */
function explainTemplateParts(findings: PlanFinding[], templateRefs: ReadonlyMap<string, readonly string[]> | undefined): PlanFinding[] {
  if (!templateRefs || templateRefs.size === 0) return findings;
  return findings.map((f) => {
    if (f.code !== 'secret-not-mounted' || f.secretId === undefined) return f;
    const users = [...templateRefs].filter(([, refs]) => refs.includes(f.secretId!)).map(([id]) => id);
    if (users.length === 0) return f;
    return { ...f, code: 'template-part-injected', message: `secret "${f.secretId}" is only embedded by template ${users.join(', ')} and no RUN mounts it; set inject: none so it is fetched for the template but not handed to the build on its own` };
  });
}

async function scopePlan(config: BuildSecretsConfig, dockerfile: string, options: PlanOptions, templateRefs: ReadonlyMap<string, readonly string[]> | undefined): Promise<NeededSecrets> {
  // readDockerfile already read (and vouched for) the file; the stage graph needs the raw text.
  const text = await readFile(dockerfile, 'utf8');
  return neededSecrets(config, text, { target: options.target, buildArgs: new Map(Object.entries(options.buildArgs ?? {})) }, templateRefs);
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
    /** The secret ids each template embeds (they are needed when the rendered secret is). */
    readonly templateReferences?: ReadonlyMap<string, readonly string[]>;
  },
  options: PlanOptions = {},
): Promise<Plan> {
  const { config, redact } = input;
  const secrets = Object.entries(config.secrets).map(([id, c]): PlanSecret => {
    const detail = detailOf(c.inject, c, id);
    const cacheMode = cacheModeOf(c, config.build);
    const definition = c.from !== undefined ? input.definitions.get(c.from) : undefined;
    const description = c.from !== undefined && c.ref !== undefined
      ? describeRef(definition, input.providerOptions, c.from, { id, ref: c.ref, ...(c.key !== undefined ? { key: c.key } : {}), ...(c.version !== undefined ? { version: c.version } : {}) })
      : undefined;
    return {
      id,
      // A rendered secret shows as provider "template" with its file (or "inline") as the ref.
      provider: c.from ?? 'template',
      use: c.from !== undefined ? redact(config.providers[c.from]?.use ?? '?') : 'template',
      ...(definition ? { providerName: redact(definition.name) } : {}),
      ...(description !== undefined ? { description: redact(description) } : {}),
      ref: redact(c.ref ?? c.templateFile ?? '(inline template)'),
      ...(c.key !== undefined ? { key: redact(c.key) } : {}),
      ...(c.version !== undefined ? { version: redact(c.version) } : {}),
      inject: c.inject,
      ...(detail !== undefined ? { detail: redact(detail) } : {}),
      ...(cacheMode !== 'off' ? { cache: { mode: cacheMode, buildArg: cacheRevArgName(id) } } : {}),
    };
  });
  if (options.context !== undefined && !existsSync(resolve(input.cwd, options.context))) {
    throw new UsageError(`the build context ${resolve(input.cwd, options.context)} does not exist`, { hint: 'name an existing directory (the build context), or leave it out to use the working directory' });
  }
  const dockerfile = pickDockerfile(input.baseDir, input.cwd, config, options);
  if (!dockerfile) return { secrets, dockerfile: undefined, findings: [] };
  const analysis = await readDockerfile(dockerfile);
  // What BuildKit would reject in the file itself (an unknown mount type, a bad instruction) comes first, with its line.
  const parseProblems: PlanFinding[] = analysis.diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message, ...(d.line !== undefined ? { line: d.line } : {}) }));
  const findings = [...parseProblems, ...explainTemplateParts(checkDockerfileAgainstConfig(analysis, config), input.templateReferences)];
  const scope = await scopePlan(config, dockerfile, options, input.templateReferences);
  if (!scope.ok) return { secrets, dockerfile, findings: [...findings, { severity: 'error', code: 'unknown-target', message: scope.message }] };
  return { secrets, dockerfile, findings, notNeeded: scope.notNeeded, target: scope.target };
}
