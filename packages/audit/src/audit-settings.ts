import { UsageError } from '@buildsecrets/base';

/** What a leak found by the post-build audit does: fail the build, warn, or do not audit at all. */
export type AuditMode = 'fail' | 'warn' | 'off';

/** What a value found only in base-image layers (there before this build) does. */
export type BaseLayersPolicy = 'fail' | 'warn' | 'ignore';

/** The audit settings of a build, resolved. */
export interface AuditSettings {
  /** What a leak written by this build does. */
  readonly mode: AuditMode;
  /** What a value found only in base-image layers does. */
  readonly baseLayers: BaseLayersPolicy;
}

/**
 * The audit setting as config, CLI and library accept it: the short form (`'fail'`, `'warn'`,
 * `'off'`, or `true`/`false` for fail/off) or an object with `mode` and `baseLayers`.
 */
export type AuditSettingInput = AuditMode | boolean | { readonly mode?: AuditMode | boolean; readonly baseLayers?: BaseLayersPolicy };

/** The defaults: fail on a leak written by this build, warn about values that came with the base image. */
export const DEFAULT_AUDIT_SETTINGS: AuditSettings = { mode: 'fail', baseLayers: 'warn' };

const MODES: readonly string[] = ['fail', 'warn', 'off'];
const BASE: readonly string[] = ['fail', 'warn', 'ignore'];

/** `true`/`false` (and their string forms from a command line) are `fail`/`off`; anything else must be a mode. */
export function parseAuditMode(value: unknown, where = 'audit'): AuditMode {
  if (value === true || value === 'true') return 'fail';
  if (value === false || value === 'false') return 'off';
  if (typeof value === 'string' && MODES.includes(value)) return value as AuditMode;
  throw new UsageError(`${where} must be fail, warn or off (true/false mean fail/off)`, { hint: 'for example --audit=warn, or build.audit: warn in the config' });
}

/** `fail`, `warn` or `ignore`. */
export function parseBaseLayersPolicy(value: unknown, where = 'baseLayers'): BaseLayersPolicy {
  if (typeof value === 'string' && BASE.includes(value)) return value as BaseLayersPolicy;
  throw new UsageError(`${where} must be fail, warn or ignore`, { hint: 'for example --base-layers=fail' });
}

/**
 * Resolve the audit settings: `override` (CLI or library options) wins field by field over
 * `configured` (`build.audit`), which wins over the defaults.
 *
 * @example
 * ```ts
 * resolveAuditSettings('warn'); // { mode: 'warn', baseLayers: 'warn' }
 * resolveAuditSettings({ mode: true, baseLayers: 'fail' }, 'off'); // { mode: 'off', baseLayers: 'fail' }
 * ```
 */
export function resolveAuditSettings(configured?: AuditSettingInput, override?: AuditSettingInput): AuditSettings {
  let settings = DEFAULT_AUDIT_SETTINGS;
  for (const input of [configured, override]) {
    if (input === undefined) continue;
    if (typeof input === 'object') {
      settings = {
        mode: input.mode !== undefined ? parseAuditMode(input.mode) : settings.mode,
        baseLayers: input.baseLayers !== undefined ? parseBaseLayersPolicy(input.baseLayers) : settings.baseLayers,
      };
    } else {
      settings = { ...settings, mode: parseAuditMode(input) };
    }
  }
  return settings;
}
