import { stat } from 'node:fs/promises';
import { checkBuildContext } from '../context-check/check-context.js';
import { ContextLeakError, type ContextFinding } from '../errors/index.js';
import type { SecretValue } from '../secret-value.js';
import type { BuildPlan } from './build-plan.js';
import type { BuildSession } from './build-types.js';

/**
 * Before the engine starts: scan the context as it will be sent for every resolved value (fatal)
 * and for well-known credential files (a warning; fatal with `build.contextCheck: strict`).
 * `off` skips it. A remote context (URL, `-` on stdin) is not on disk and is not checked.
 */
export async function checkContextStep(session: BuildSession, plan: BuildPlan, values: ReadonlyMap<string, SecretValue>): Promise<void> {
  const mode = session.config.build?.contextCheck ?? 'warn';
  if (mode === 'off') return;
  const local = await stat(plan.context).then((s) => s.isDirectory(), () => false);
  if (!local) {
    session.logger.debug(`context check: ${plan.context} is not a local directory (a URL or stdin context); not checked`);
    return;
  }
  const rendered = session.templateReferences ?? new Map<string, readonly string[]>();
  const started = Date.now();
  const report = await checkBuildContext({
    context: plan.context,
    dockerfile: plan.dockerfile,
    secrets: [...values].map(([id, value]) => (rendered.has(id) ? { id, value, lines: false } : { id, value })),
  }).catch((error: unknown) => {
    // Fail closed: a context we cannot read is a context we cannot vouch for.
    throw new ContextLeakError([{ path: '.', reason: `the build context could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); set build.contextCheck: off to skip the check` }]);
  });
  session.logger.debug(`context check: ${report.files} files, ${report.bytes} bytes in ${Date.now() - started} ms${report.ignoreFile ? ` (${report.ignoreFile})` : ''}`);
  const findings: ContextFinding[] = report.leaks.map((l) => ({ path: l.path, secretId: l.secretId, reason: l.encoding }));
  const credentials = report.credentialFiles.map((c): ContextFinding => ({ path: c.path, reason: `${c.kind} would be sent to the engine` }));
  if (mode === 'strict') findings.push(...credentials);
  else for (const c of credentials) session.logger.warn(`context check: ${c.path}: ${c.reason}; add it to .dockerignore (build.contextCheck: strict makes this an error)`);
  if (findings.length > 0) throw new ContextLeakError(findings);
}
