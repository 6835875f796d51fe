import type { LeakFinding } from '@buildsecrets/base';
import type { AuditReport } from './types.js';

/** Options for {@link formatAuditReport}. */
export interface FormatAuditReportOptions {
  /** Use ANSI colours (default false). */
  readonly color?: boolean;
}

const paint = (on: boolean, code: number, text: string): string => (on ? `\u001b[${code}m${text}\u001b[0m` : text);

function where(location: LeakFinding['location']): string {
  if (location.kind === 'layer') {
    const deleted = location.deletedInLayer ? ` (deleted in later layer ${location.deletedInLayer}, still in this one)` : '';
    return `layer ${location.layer}  ${location.path === '(blob)' ? '(whole blob)' : `/${location.path}`}${deleted}`;
  }
  if (location.kind === 'config') return `config  ${location.field}${location.historyIndex !== undefined ? ` (history step ${location.historyIndex})` : ''}`;
  return `manifest ${location.file}  ${location.field}`;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** The findings as a table, one line each: secret id (encoding), then where. Never prints a value. */
export function formatFindings(findings: readonly LeakFinding[], options: FormatAuditReportOptions = {}): string[] {
  if (findings.length === 0) return [];
  const color = options.color ?? false;
  const width = Math.max(...findings.map((f) => `${f.secretId} (${f.encoding})`.length));
  return findings.map((f) => `  ${paint(color, 1, `${f.secretId} (${f.encoding})`.padEnd(width))}  ${where(f.location)}`);
}

/**
 * Render an {@link AuditReport} for people: one line per finding (secret id, encoding, where),
 * then unscanned layers, secrets too short to audit, and what was scanned. Never prints a value.
 */
export function formatAuditReport(report: AuditReport, options: FormatAuditReportOptions = {}): string {
  const color = options.color ?? false;
  const lines: string[] = [];
  const ids = [...new Set(report.findings.map((f) => f.secretId))];
  if (report.findings.length > 0) {
    const n = report.findings.length;
    lines.push(paint(color, 31, `✗ ${n} leak${n === 1 ? '' : 's'} of ${ids.length} secret${ids.length === 1 ? '' : 's'} (${ids.join(', ')}) in ${report.source}`));
    lines.push(...formatFindings(report.findings, options));
  } else if (report.unscanned.length === 0 && report.preExisting.length === 0) {
    lines.push(paint(color, 32, `✓ no secret values found in ${report.source}`));
  } else if (report.unscanned.length === 0) {
    lines.push(paint(color, 32, `✓ no secret values written by the build found in ${report.source}`));
  } else {
    lines.push(paint(color, 33, `! no secret values found in the scanned part of ${report.source}, but the audit is incomplete`));
  }
  if (report.preExisting.length > 0) {
    lines.push(paint(color, 33, `! ${report.preExisting.length} pre-existing: found only in base-image layers, not written by this build`));
    lines.push(...formatFindings(report.preExisting, options));
  }
  for (const u of report.unscanned) lines.push(paint(color, 33, `  ! unscanned layer ${u.layer}: ${u.reason}`));
  if (report.tooShort.length > 0) lines.push(paint(color, 33, `  ! too short to audit (under 8 bytes), not searched: ${report.tooShort.join(', ')}`));
  const { layers, files, bytes, baseLayers } = report.stats;
  const attributed = baseLayers > 0 ? ` (${baseLayers} from the base image, ${layers - baseLayers} from the build)` : ' (none attributed to a base image)';
  lines.push(paint(color, 2, `  scanned ${layers} layer${layers === 1 ? '' : 's'}${attributed}, ${files} file${files === 1 ? '' : 's'}, ${formatSize(bytes)}`));
  return lines.join('\n');
}
