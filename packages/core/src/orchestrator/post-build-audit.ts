import { LeakDetectedError, type LeakFinding } from '../errors/index.js';
import type { SecretValue } from '../secret-value.js';
import type { BuildPlan } from './build-plan.js';
import type { BuildSteps } from './build-steps.js';
import type { BuildResult, BuildSession } from './build-types.js';

function where(f: LeakFinding): string {
  const l = f.location;
  return l.kind === 'layer' ? `layer ${l.layer} ${l.path}` : l.kind === 'config' ? `config ${l.field}` : `${l.file} ${l.field}`;
}

/**
 * Scan the built image for every resolved value. `fail` throws {@link LeakDetectedError} (the image
 * stays for inspection), `warn` logs each finding and lets the build succeed, `off` only says so.
 */
export async function auditBuild(
  session: BuildSession,
  plan: BuildPlan,
  steps: BuildSteps,
  input: { docker: string; image: string | undefined; values: ReadonlyMap<string, SecretValue>; signal: AbortSignal; exportCommand?: readonly string[] },
): Promise<BuildResult['audit']> {
  const { logger } = session;
  if (plan.audit === 'off') {
    logger.info('audit skipped (--no-audit)');
    return undefined;
  }
  if (!input.image) {
    logger.warn('the engine reported no image id; the image was not audited');
    return undefined;
  }
  if (!steps.auditImage) {
    logger.warn('no image auditor is available in this build of buildsecrets; the image was not audited');
    return undefined;
  }
  const secrets = [...input.values].map(([id, value]) => ({ id, value }));
  const report = await steps.auditImage({ image: input.image, docker: input.docker, env: session.env, secrets, signal: input.signal, ...(input.exportCommand ? { exportCommand: input.exportCommand } : {}) });
  for (const id of report.tooShort ?? []) logger.warn(`audit: secret ${id} is too short to search for reliably; it was not searched`);
  if (report.findings.length === 0) {
    const unscanned = report.unscanned ?? [];
    for (const layer of unscanned) logger.warn(`audit: could not search ${layer}`);
    logger.info(`audit: no secret value found in ${input.image}${unscanned.length ? ` (${unscanned.length} layer(s) not searched)` : ''}`);
    return { clean: report.clean, findings: 0 };
  }
  if (plan.audit === 'fail') throw new LeakDetectedError(report.findings, { image: input.image });
  for (const f of report.findings) logger.warn(`audit: ${f.secretId} found (${f.encoding}) in ${where(f)}`);
  return { clean: false, findings: report.findings.length };
}
