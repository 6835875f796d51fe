import { format } from 'node:util';
import { findCanaries, maskCanaries, type CanaryName } from './canary-values.js';

/** One write that carried a canary: where it went and which canaries (never the value). */
export interface CanaryHit {
  readonly where: string;
  readonly canaries: readonly CanaryName[];
}

/** Where hits are collected; shared through `globalThis` so re-evaluated setup modules agree. */
export interface CanaryRecorder {
  readonly hits: CanaryHit[];
}

const WRAPPED = Symbol.for('buildsecrets.canary.wrapped');

type AnyFn = (...args: unknown[]) => unknown;

function textOf(chunk: unknown): string | undefined {
  if (typeof chunk === 'string') return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
  return undefined;
}

/**
 * Wrap `target.write` so each chunk is scanned: a chunk with a canary is recorded and passed on
 * masked (a leak never reaches the CI log). Only this process's writes are seen: a spawned child
 * writes to its own file descriptors, which is why tests check children with `expectNoCanaryIn`.
 */
export function hookWrite(target: { write: AnyFn }, where: string, recorder: CanaryRecorder): void {
  const original = target.write;
  if ((original as { [WRAPPED]?: boolean })[WRAPPED]) return;
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    const text = textOf(args[0]);
    // Cheap path: a single `includes` per canary, no allocation unless one is present.
    if (text !== undefined && text.includes('bs-canary-')) {
      const canaries = findCanaries(text);
      if (canaries.length > 0) {
        recorder.hits.push({ where, canaries });
        args[0] = maskCanaries(text);
      }
    }
    return original.apply(this, args);
  };
  Object.defineProperty(wrapped, WRAPPED, { value: true });
  target.write = wrapped;
}

/** Wrap console methods the same way (vitest's console does not go through process.stdout). */
export function hookConsole(target: Console, recorder: CanaryRecorder): void {
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = target[method] as AnyFn;
    if ((original as { [WRAPPED]?: boolean })[WRAPPED]) continue;
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      if (args.length === 0) return original.apply(this, args);
      const text = format(...args);
      const canaries = text.includes('bs-canary-') ? findCanaries(text) : [];
      if (canaries.length === 0) return original.apply(this, args);
      recorder.hits.push({ where: `console.${method}`, canaries });
      return original.call(this, maskCanaries(text));
    };
    Object.defineProperty(wrapped, WRAPPED, { value: true });
    (target as unknown as Record<string, AnyFn>)[method] = wrapped;
  }
}

/**
 * Mask canaries inside serialised test errors in place (message, stack, diff, cause…) and report
 * which were there. Walks plain data only; bounded depth so a cyclic shape cannot hang it.
 */
export function scrubErrors(value: unknown, depth = 0): CanaryName[] {
  if (depth > 8 || value === null || typeof value !== 'object') return [];
  const found = new Set<CanaryName>();
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const v = record[key];
    if (typeof v === 'string') {
      const names = findCanaries(v);
      if (names.length > 0) {
        names.forEach((n) => found.add(n));
        try {
          record[key] = maskCanaries(v);
        } catch {
          // A read-only property: still reported, just not masked.
        }
      }
    } else if (typeof v === 'object') {
      scrubErrors(v, depth + 1).forEach((n) => found.add(n));
    }
  }
  return [...found];
}

/** Is this function one of our wrappers (for the self-test)? */
export function isCanaryWrapped(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as { [WRAPPED]?: boolean })[WRAPPED] === true;
}
