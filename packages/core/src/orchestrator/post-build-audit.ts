import { auditExport, formatFindings } from '@buildsecrets/audit';
import { AuditError, LeakDetectedError } from '../errors/index.js';
import type { SecretValue } from '../secret-value.js';
import type { BuildPlan } from './build-plan.js';
import type { AuditOutcome, BuildSteps } from './build-steps.js';
import type { BuildAuditSummary, BuildSession } from './build-types.js';

/** What the build hands to its audit. */
export interface PostBuildAuditInput {
  readonly docker: string;
  /** The built image id, when the engine reported one. */
  readonly image: string | undefined;
  readonly values: ReadonlyMap<string, SecretValue>;
  readonly signal: AbortSignal;
  /** Base images of the Dockerfile's stages. */
  readonly baseImages?: readonly string[];
  /** What `--output` exported, when it was not an image: that is audited instead. */
  readonly exported?: { readonly type: string; readonly dest: string };
  /** The engine's export command (argv writing a docker-archive on stdout); default `<docker> save <image>`. */
  readonly exportCommand?: readonly string[];
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The one line every audited build ends with: `audit: 4 layers (2 from this build), 0 findings`. */
export function auditSummaryLine(outcome: AuditOutcome, counted: number): string {
  const layers = outcome.layers ?? 0;
  const fromBuild = outcome.baseLayers !== undefined && outcome.baseLayers > 0 ? `${layers - outcome.baseLayers} from this build` : 'none attributed to a base image';
  const pre = outcome.preExisting?.length ?? 0;
  const unscanned = outcome.unscanned?.length ?? 0;
  return `audit: ${plural(layers, 'layer')} (${fromBuild}), ${plural(counted, 'finding')}${pre > 0 ? `, ${pre} pre-existing in base layers` : ''}${unscanned > 0 ? `, ${unscanned} not searched` : ''}`;
}

/**
 * Scan the built image for every resolved value and end with one summary line. `fail` throws
 * {@link LeakDetectedError} with the findings (the image stays for inspection) and
 * {@link AuditError} when a layer could not be searched; `warn` logs the same table and lets the
 * build succeed; `off` says so. Values found only in base-image layers follow `baseLayers`.
 */
export async function auditBuild(session: BuildSession, plan: BuildPlan, steps: BuildSteps, input: PostBuildAuditInput): Promise<BuildAuditSummary | undefined> {
  const { logger } = session;
  const fail = plan.audit === 'fail';
  if (plan.audit === 'off') {
    logger.info('audit: off (--audit=off or build.audit: off); the image was not audited');
    return undefined;
  }
  const notAudited = (why: string): undefined => {
    if (fail) throw new AuditError(`the image was not audited: ${why}`, { hint: 'pass --audit=warn (or --audit=off) to build anyway' });
    logger.warn(`audit: not run — ${why}`);
    return undefined;
  };
  // A rendered template is searched whole, not line by line (its lines are mostly literal text).
  const rendered = session.templateReferences ?? new Map<string, readonly string[]>();
  const secrets = [...input.values].map(([id, value]) => (rendered.has(id) ? { id, value, lines: false } : { id, value }));
  let outcome: AuditOutcome;
  let what: string;
  if (input.exported) {
    if (input.exported.dest === '-') return notAudited(`the build exported type=${input.exported.type} to stdout, which cannot be read back`);
    const report = await auditExport(input.exported, secrets, input.signal);
    what = `the export ${input.exported.dest}`;
    outcome = { clean: report.clean, findings: report.findings, tooShort: report.tooShort, unscanned: report.unscanned.map((u) => `${u.layer}: ${u.reason}`), layers: report.stats.layers, baseLayers: report.stats.baseLayers };
  } else {
    if (!input.image) return notAudited('the engine reported no image id');
    if (!steps.auditImage) return notAudited('no image auditor is available in this build of buildsecrets');
    what = input.image;
    outcome = await steps.auditImage({ image: input.image, docker: input.docker, env: session.env, secrets, signal: input.signal, ...(input.baseImages ? { baseImages: input.baseImages } : {}), ...(input.exportCommand ? { exportCommand: input.exportCommand } : {}) });
  }
  for (const id of outcome.tooShort ?? []) logger.warn(`audit: secret ${id} is shorter than 8 bytes and was not searched (it would match by chance)`);
  for (const base of outcome.unattributed ?? []) logger.warn(`audit: base image ${base}; its layers count as written by this build`);

  const preExisting = outcome.preExisting ?? [];
  const leaks = plan.baseLayers === 'fail' ? [...outcome.findings, ...preExisting] : [...outcome.findings];
  const unscanned = outcome.unscanned ?? [];
  logger.info(auditSummaryLine(outcome, leaks.length));
  if (preExisting.length > 0 && plan.baseLayers === 'warn') {
    logger.warn(`audit: ${plural(preExisting.length, 'value')} found only in base-image layers (pre-existing, not written by this build):\n${formatFindings(preExisting).join('\n')}`);
  }
  if (leaks.length > 0) {
    if (fail) {
      // The same table `buildsecrets audit` prints, so the leak can be found without a second run.
      logger.error(`audit: ${plural(leaks.length, 'leak')} found in ${what}:\n${formatFindings(leaks).join('\n')}`);
      throw new LeakDetectedError(leaks, { image: what });
    }
    logger.warn(`audit: ${plural(leaks.length, 'leak')} found in ${what}:\n${formatFindings(leaks).join('\n')}`);
  }
  if (unscanned.length > 0) {
    if (fail) throw new AuditError(`the audit could not search ${plural(unscanned.length, 'layer')} of ${what}: ${unscanned.join('; ')}`, { hint: 'pass --audit=warn to accept an incomplete audit' });
    for (const layer of unscanned) logger.warn(`audit: could not search ${layer}`);
  }
  return {
    clean: outcome.clean && leaks.length === 0,
    findings: leaks.length,
    leaks,
    preExisting,
    layers: outcome.layers ?? 0,
    buildLayers: outcome.baseLayers !== undefined && outcome.baseLayers > 0 ? (outcome.layers ?? 0) - outcome.baseLayers : undefined,
    unscanned,
  };
}
