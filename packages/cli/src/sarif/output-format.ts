import { UsageError } from '@buildsecrets/core';
import type { OptionSpecs } from '../args.js';

/** What `audit` and `build` print on stdout. */
export type OutputFormat = 'text' | 'json' | 'sarif';

/** The `--format` option shared by `audit` and `build`. */
export const FORMAT_OPTION: OptionSpecs = {
  format: { type: 'string', value: 'text|json|sarif', description: 'stdout: text (default), json (the native report, same as --json) or sarif (SARIF 2.1.0 for code scanning)' },
};

/** `--format`, with the global `--json` meaning `--format json`; the two may not disagree. */
export function outputFormat(values: Readonly<Record<string, unknown>>, json: boolean): OutputFormat {
  const raw = values['format'];
  if (raw === undefined) return json ? 'json' : 'text';
  if (raw !== 'text' && raw !== 'json' && raw !== 'sarif') throw new UsageError(`--format must be text, json or sarif, not "${String(raw)}"`);
  if (json && raw !== 'json') throw new UsageError(`--json and --format ${raw} disagree`, { hint: 'use one of them' });
  return raw;
}
