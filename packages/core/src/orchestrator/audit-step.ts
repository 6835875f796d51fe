import { execFile } from 'node:child_process';
import { auditImage } from '@buildsecrets/audit';
import type { AuditInput, AuditOutcome } from './build-steps.js';

const INSPECT_TIMEOUT_MS = 30_000;

/** The diff ids of a local image (`docker image inspect`), or the reason they are not known. */
export function inspectDiffIds(docker: string, image: string, env: Readonly<Record<string, string>>, signal: AbortSignal): Promise<string[] | { reason: string }> {
  return new Promise((resolve) => {
    execFile(docker, ['image', 'inspect', '--format', '{{json .RootFS.Layers}}', image], { env: { ...process.env, ...env }, signal, timeout: INSPECT_TIMEOUT_MS }, (error, stdout) => {
      if (error) {
        resolve({ reason: 'not in the local image store (docker image inspect failed)' });
        return;
      }
      try {
        const layers: unknown = JSON.parse(stdout.trim());
        resolve(Array.isArray(layers) ? layers.filter((l): l is string => typeof l === 'string') : { reason: 'it has no layer list' });
      } catch {
        resolve({ reason: 'docker image inspect gave no layer list' });
      }
    });
  });
}

/**
 * The build's post-build audit: the image auditor, reading the image through `docker save`, with
 * the base images' layers (from `docker image inspect`) so that findings there are told apart.
 */
export async function auditImageStep(input: AuditInput): Promise<AuditOutcome> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.env)) if (v !== undefined) env[k] = v;
  const baseDiffIds: string[][] = [];
  const unattributed: string[] = [];
  for (const base of input.baseImages ?? []) {
    const ids = await inspectDiffIds(input.docker, base, env, input.signal);
    if (Array.isArray(ids)) baseDiffIds.push(ids);
    else unattributed.push(`${base}: ${ids.reason}`);
  }
  const report = await auditImage({ image: input.image, docker: input.docker, env, secrets: input.secrets, signal: input.signal, baseDiffIds, ...(input.exportCommand ? { exportCommand: input.exportCommand } : {}) });
  return {
    clean: report.clean,
    findings: report.findings,
    preExisting: report.preExisting,
    tooShort: report.tooShort,
    unscanned: report.unscanned.map((u) => `${u.layer}: ${u.reason}`),
    layers: report.stats.layers,
    baseLayers: report.stats.baseLayers,
    unattributed,
  };
}
