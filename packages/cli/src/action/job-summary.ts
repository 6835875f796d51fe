import type { LeakFinding } from '@buildsecrets/core';

/** What the job summary shows: ids, encodings, places, digests — never a value. */
export interface SummaryInput {
  readonly planned?: readonly { readonly id: string; readonly provider: string; readonly inject: string }[];
  readonly imageId?: string;
  readonly outcome: 'clean' | 'leak' | 'failed';
  readonly findings: readonly LeakFinding[];
  readonly pushed: readonly { readonly reference: string; readonly digest: string }[];
  readonly sarifFile: string;
  readonly error?: string;
}

/** Markdown cells cannot hold `|` or line breaks. */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');

function where(f: LeakFinding): string {
  const at = f.location;
  if (at.kind === 'layer') return `layer \`${at.layer.slice(0, 19)}…\` \`/${at.path}\``;
  if (at.kind === 'config') return `config \`${at.field}\``;
  return `${at.file} \`${at.field}\``;
}

/** The Markdown appended to `GITHUB_STEP_SUMMARY`. */
export function jobSummary(s: SummaryInput): string {
  const head = s.outcome === 'clean' ? '✅ buildsecrets: the image is clean' : s.outcome === 'leak' ? '❌ buildsecrets: secret values found in the image' : '❌ buildsecrets: the build failed';
  const out = [`## ${head}`, ''];
  if (s.imageId) out.push(`Image: \`${s.imageId}\``, '');
  if (s.error) out.push(`> ${cell(s.error)}`, '');
  if (s.planned && s.planned.length > 0) {
    out.push('| secret | provider | delivered as |', '|---|---|---|', ...s.planned.map((p) => `| \`${cell(p.id)}\` | ${cell(p.provider)} | ${cell(p.inject)} |`), '');
  }
  if (s.findings.length > 0) {
    out.push('| secret | encoding | where |', '|---|---|---|', ...s.findings.map((f) => `| \`${cell(f.secretId)}\` | ${cell(f.encoding)} | ${cell(where(f))} |`), '');
    out.push(s.pushed.length === 0 ? 'Nothing was pushed.' : '', '');
  }
  if (s.pushed.length > 0) out.push('Pushed after a clean audit:', '', ...s.pushed.map((p) => `- \`${cell(p.reference)}@${p.digest}\``), '');
  out.push(`SARIF: \`${cell(s.sarifFile)}\``, '');
  return `${out.join('\n')}\n`;
}
