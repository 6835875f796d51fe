import { verboseDetails } from '@buildsecrets/core';
import type { CliCommand } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { style } from '../style.js';

/** `buildsecrets check`: fetch everything and report per id, never a value. */
export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'fetch every secret and report ok/failed per id (never a value)',
  usage: 'check [--json]',
  details: 'Exits 1 when any secret fails to resolve.',
  maxPositionals: 0,
  options: {},
  async run(ctx) {
    const bs = await ctx.open();
    const report = await bs.check({ signal: ctx.signal });
    if (ctx.global.json) {
      const entries = report.entries.map((e) => ({ id: e.id, provider: e.provider, ok: e.ok, ...(e.error ? { error: e.error.toJSON() } : {}), ...(e.short ? { short: e.short } : {}) }));
      ctx.stdout.write(`${bs.redactor.redact(JSON.stringify({ ok: report.ok, entries }, null, 2))}\n`);
      return report.ok ? EXIT.ok : EXIT.failure;
    }
    const s = style(ctx.global.color);
    const lines = report.entries.map((e) =>
      e.ok
        ? `${s.ok('ok')}      ${e.id} (${e.provider})`
        : `${s.bad('failed')}  ${e.id} (${e.provider}): ${(e.error?.message ?? '').replace(/^\[buildsecrets[^\]]*\]\s*/, '').replace(/\n/g, '\n        ')}${ctx.global.verbose ? verboseDetails(e.error).map((d) => `\n        detail: ${d}`).join('') : ''}`,
    );
    // Values under 8 bytes (or build.minSecretLength) cannot be audited or masked without noise.
    for (const e of report.entries.filter((x) => x.short)) {
      lines.push(`${e.ok ? s.warn('warning') : s.bad('failed')} ${e.id}: ${e.short!.length} bytes, under ${e.short!.minimum}: the audit cannot search for it${e.ok ? ' (set build.minSecretLength to make this an error)' : ' (build.minSecretLength)'}`);
    }
    const failed = report.entries.filter((e) => !e.ok).length;
    const total = report.entries.length;
    const secrets = (n: number): string => `${n} secret${n === 1 ? '' : 's'}`;
    const summary = failed ? `${failed} of ${secrets(total)} failed` : total === 1 ? '1 secret resolved' : total === 0 ? 'no secrets configured' : `all ${secrets(total)} resolved`;
    lines.push('', failed ? s.bad(summary) : s.ok(summary));
    ctx.stdout.write(`${bs.redactor.redact(lines.join('\n'))}\n`);
    return report.ok ? EXIT.ok : EXIT.failure;
  },
};
