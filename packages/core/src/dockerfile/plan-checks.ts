import type { BuildSecretsConfig, SecretConfig } from '../config/schema.js';
import { SERVED_FILE_BUILD_ARGS } from '../strategies/served-file/build-arg-names.js';
import { closestMatch } from '../config/did-you-mean.js';
import { isCacheRevArg } from '../cache/rev-arg-name.js';
import { checkCacheRevArgs } from './cache-rev-checks.js';
import { isDockerProxyArg } from './proxy-args.js';
import { looksLikeSecretName } from './secret-like.js';
import type { DockerfileAnalysis, DockerfileLocation } from './types.js';

/** One result of cross-checking a Dockerfile with the config. Holds ids and names, never values. */
export interface PlanFinding {
  /** `error`: the build would not get its secrets; `warning`: it would work but is risky or sloppy. */
  readonly severity: 'error' | 'warning';
  /**
   * Stable code: `secret-not-configured`, `secret-not-mounted`, `mount-inject-mismatch`,
   * `ssh-id-mismatch`, `ssh-not-mounted`, `mount-not-required`, `secret-like-arg`,
   * `secret-like-env`, `proxy-arg-declared`, `build-arg-not-declared`, `unknown-target`,
   * `cache-rev-arg-missing`, `template-part-injected`; in a plan, also the Dockerfile analysis's own
   * codes (`unknown-mount-type`, `invalid-mount`, `unknown-instruction`, …, see `DockerfileDiagnostic`).
   */
  readonly code: string;
  /** What is wrong and what to do. */
  readonly message: string;
  /** The secret (or ssh) id concerned. */
  readonly secretId?: string;
  /** 1-based Dockerfile line. */
  readonly line?: number;
  /** Stage index (-1 for global ARGs). */
  readonly stage?: number;
}

const at = (loc: DockerfileLocation): string => `line ${loc.line}${loc.stageName ? ` (stage ${loc.stageName})` : ''}`;
const where = (loc: DockerfileLocation): Pick<PlanFinding, 'line' | 'stage'> => ({ line: loc.line, stage: loc.stage });

function secretsBy(config: BuildSecretsConfig, kind: SecretConfig['inject']): [string, SecretConfig][] {
  return Object.entries(config.secrets).filter(([, s]) => s.inject === kind);
}

/** An id built from a variable (`id=$NAME`) is only known at build time; the analysis already warned. */
const isDynamic = (id: string): boolean => id.includes('$');

function checkSecretMounts(analysis: DockerfileAnalysis, config: BuildSecretsConfig, out: PlanFinding[]): void {
  const mounted = new Set<string>();
  const anyDynamic = analysis.secretMounts.some((m) => isDynamic(m.id));
  for (const m of analysis.secretMounts) {
    mounted.add(m.id);
    const configured = config.secrets[m.id];
    if (isDynamic(m.id)) {
      // Cannot be matched against the config before the build.
    } else if (!configured) {
      // A near miss of a configured secret-mount id is most likely a typo in the RUN line.
      const near = closestMatch(m.id, secretsBy(config, 'secret-mount').map(([id]) => id));
      const fix = near !== undefined ? `did you mean id=${near}? Otherwise add secrets.${m.id} to the config (inject: secret-mount)` : 'add one (inject: secret-mount)';
      out.push({ severity: 'error', code: 'secret-not-configured', secretId: m.id, ...where(m), message: `the Dockerfile mounts secret "${m.id}" at ${at(m)} but the config has no secrets.${m.id} entry; ${fix}` });
    } else if (configured.inject !== 'secret-mount') {
      out.push({ severity: 'error', code: 'mount-inject-mismatch', secretId: m.id, ...where(m), message: `the Dockerfile mounts "${m.id}" as a secret at ${at(m)} but the config injects it as ${configured.inject}; set inject: secret-mount or change the RUN step` });
    }
    if (!m.required) {
      out.push({ severity: 'warning', code: 'mount-not-required', secretId: m.id, ...where(m), message: `secret mount "${m.id}" at ${at(m)} is not required: if the secret is missing BuildKit silently mounts nothing; add required=true` });
    }
  }
  for (const [id] of secretsBy(config, 'secret-mount')) {
    if (!mounted.has(id) && !anyDynamic) out.push({ severity: 'warning', code: 'secret-not-mounted', secretId: id, message: `secret "${id}" is configured (inject: secret-mount) but no RUN mounts it; add --mount=type=secret,id=${id},required=true or remove it from the config` });
  }
}

function checkSshMounts(analysis: DockerfileAnalysis, config: BuildSecretsConfig, out: PlanFinding[]): void {
  const sshSecrets = secretsBy(config, 'ssh-agent');
  const configured = new Map(sshSecrets.map(([id, s]) => [s.sshId ?? 'default', id]));
  const mounted = new Set<string>();
  const anyDynamic = analysis.sshMounts.some((m) => isDynamic(m.id));
  for (const m of analysis.sshMounts) {
    mounted.add(m.id);
    if (!configured.has(m.id) && !isDynamic(m.id)) {
      const known = [...configured.keys()];
      out.push({
        severity: 'error', code: 'ssh-id-mismatch', secretId: m.id, ...where(m),
        message: `the Dockerfile mounts ssh id "${m.id}" at ${at(m)} but no ssh-agent secret has sshId "${m.id}"${known.length ? ` (configured: ${known.join(', ')})` : ''}; the --ssh id must match the mount id exactly (docker/buildx#2420: a mismatch gives the step no agent). Set sshId: ${m.id} on the ssh-agent secret or change the mount`,
      });
    }
    if (!m.required) {
      out.push({ severity: 'warning', code: 'mount-not-required', secretId: m.id, ...where(m), message: `ssh mount "${m.id}" at ${at(m)} is not required: without an agent BuildKit runs the step with no key; add required=true` });
    }
  }
  for (const [sshId, id] of configured) {
    if (!mounted.has(sshId) && !anyDynamic) out.push({ severity: 'warning', code: 'ssh-not-mounted', secretId: id, message: `ssh-agent secret "${id}" (ssh id "${sshId}") is configured but no RUN has --mount=type=ssh,id=${sshId}` });
  }
}

function checkArgsAndEnvs(analysis: DockerfileAnalysis, config: BuildSecretsConfig, out: PlanFinding[]): void {
  const buildArgs = secretsBy(config, 'build-arg');
  // Names the config already routes through a build-arg with the risk accepted, and the served-file
  // helper's run-scoped token: warning about them again would only be noise.
  const accepted = new Set(buildArgs.filter(([, s]) => s.allowInsecure).map(([id, s]) => s.buildArg ?? id));
  if (secretsBy(config, 'served-file').length > 0) for (const name of Object.values(SERVED_FILE_BUILD_ARGS)) accepted.add(name);
  const declared = new Set<string>();
  for (const arg of analysis.args) {
    declared.add(arg.name);
    if (isDockerProxyArg(arg.name)) {
      out.push({ severity: 'warning', code: 'proxy-arg-declared', ...where(arg), message: `ARG ${arg.name} at ${at(arg)} declares a predefined proxy arg: Docker keeps those out of the image history only when they are not declared; remove the ARG line (RUN sees the proxy anyway)` });
    } else if (looksLikeSecretName(arg.name) && !accepted.has(arg.name) && !isCacheRevArg(arg.name)) {
      out.push({ severity: 'warning', code: 'secret-like-arg', ...where(arg), message: `ARG ${arg.name} at ${at(arg)} looks like a secret: build-arg values are stored in the image history; use a secret mount instead` });
    }
  }
  for (const env of analysis.envs) {
    if (looksLikeSecretName(env.name)) {
      out.push({ severity: 'warning', code: 'secret-like-env', ...where(env), message: `ENV ${env.name} at ${at(env)} looks like a secret: ENV values are stored in the image config; use a secret mount (env=${env.name}) instead` });
    }
  }
  for (const [id, s] of buildArgs) {
    const name = s.buildArg ?? id;
    if (!declared.has(name) && !isDockerProxyArg(name)) {
      out.push({ severity: 'warning', code: 'build-arg-not-declared', secretId: id, message: `secret "${id}" is passed as build-arg ${name} but the Dockerfile declares no ARG ${name}, so no RUN step sees it` });
    }
  }
}

/**
 * Cross-check a Dockerfile with the config before anything is resolved: secrets mounted but not
 * configured, configured but never mounted, ssh ids that do not match, mounts that are not
 * required, ARG/ENV names that look like secrets, proxy args declared with ARG, build-arg secrets
 * without an ARG. Findings name ids, names and lines only.
 */
export function checkDockerfileAgainstConfig(analysis: DockerfileAnalysis, config: BuildSecretsConfig): PlanFinding[] {
  const out: PlanFinding[] = [];
  checkSecretMounts(analysis, config, out);
  checkSshMounts(analysis, config, out);
  checkArgsAndEnvs(analysis, config, out);
  checkCacheRevArgs(analysis, config, out);
  // Errors (the build would fail) before warnings; within each, the order they were found in.
  return [...out.filter((f) => f.severity === 'error'), ...out.filter((f) => f.severity === 'warning')];
}
