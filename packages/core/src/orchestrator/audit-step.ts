import { auditImage } from '../audit/audit-image.js';
import type { AuditInput, AuditOutcome } from './build-steps.js';

/** The build's post-build audit: the image auditor, reading the image through `docker save`. */
export async function auditImageStep(input: AuditInput): Promise<AuditOutcome> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.env)) if (v !== undefined) env[k] = v;
  const report = await auditImage({ image: input.image, docker: input.docker, env, secrets: input.secrets, signal: input.signal, ...(input.exportCommand ? { exportCommand: input.exportCommand } : {}) });
  return {
    clean: report.clean,
    findings: report.findings,
    tooShort: report.tooShort,
    unscanned: report.unscanned.map((u) => `${u.layer}: ${u.reason}`),
  };
}
