import { cachedSecrets } from '../cache/cache-mode.js';
import { cacheRevArgName } from '../cache/rev-arg-name.js';
import type { BuildSecretsConfig } from '../config/schema.js';
import type { PlanFinding } from './plan-checks.js';
import type { DockerfileAnalysis, RunInstruction } from './types.js';

/** The ids of cached secrets a RUN mounts: secret mounts by id, ssh mounts by the ssh-agent secrets sharing that ssh id. */
function cachedIdsOf(run: RunInstruction, secretIds: ReadonlySet<string>, bySshId: ReadonlyMap<string, readonly string[]>): string[] {
  const ids = run.secretMounts.map((m) => m.id).filter((id) => secretIds.has(id));
  for (const m of run.sshMounts) ids.push(...(bySshId.get(m.id) ?? []));
  return [...new Set(ids)];
}

/**
 * A cache rev only reaches a step's cache key when the step's stage declares its ARG before the
 * step: ARGs end with their stage (a child stage does not inherit them, a global ARG before the
 * first FROM does not count until re-declared). For every RUN that mounts a secret with `cache`
 * set and has no `ARG BUILDSECRETS_REV_<ID>` above it in its stage, warn with the line to add;
 * without it the step stays cached after the secret rotates.
 */
export function checkCacheRevArgs(analysis: DockerfileAnalysis, config: BuildSecretsConfig, out: PlanFinding[]): void {
  const cached = cachedSecrets(config.secrets, config.build);
  if (cached.length === 0) return;
  const secretIds = new Set(cached.filter((c) => c.config.inject === 'secret-mount').map((c) => c.id));
  const bySshId = new Map<string, string[]>();
  for (const c of cached.filter((s) => s.config.inject === 'ssh-agent')) {
    const sshId = c.config.sshId ?? 'default';
    bySshId.set(sshId, [...(bySshId.get(sshId) ?? []), c.id]);
  }
  for (const run of analysis.runs) {
    for (const id of cachedIdsOf(run, secretIds, bySshId)) {
      const name = cacheRevArgName(id);
      const declared = analysis.args.some((a) => a.name === name && a.stage === run.stage && a.stage >= 0 && a.line < run.line);
      if (declared) continue;
      const stage = run.stageName ? `stage ${run.stageName}` : `stage ${run.stage}`;
      out.push({
        severity: 'warning', code: 'cache-rev-arg-missing', secretId: id, line: run.line, stage: run.stage,
        message: `the RUN at line ${run.line} (${stage}) mounts secret "${id}" (cache: ${cached.find((c) => c.id === id)?.mode}) but its stage declares no ARG ${name} before it, so it stays cached when the secret rotates; add this line above it: ARG ${name}`,
      });
    }
  }
}
