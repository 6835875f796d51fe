/** Minimal ANSI styling that turns itself off (NO_COLOR, not a TTY, --json). */
export interface Style {
  ok(text: string): string;
  bad(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
}

const wrap = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;

/** Colours when `enabled`, identity otherwise. */
export function style(enabled: boolean): Style {
  if (!enabled) return { ok: (t) => t, bad: (t) => t, warn: (t) => t, dim: (t) => t };
  return { ok: wrap(32), bad: wrap(31), warn: wrap(33), dim: wrap(2) };
}
