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
  /** Outputs the current test may write a canary to on purpose (see `allowCanaryOutput`); cleared after each test. */
  allowed?: { where: RegExp; reason: string }[];
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
    // Raw and encoded forms (base64, hex) of every canary: a handful of `includes` per write.
    if (text !== undefined) {
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
      const canaries = findCanaries(text);
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

/**
 * Watch the output of every child process this process starts (spawn, execFile, exec, fork all go
 * through `ChildProcess.prototype.spawn`): each chunk a child writes to a piped stdout/stderr is
 * scanned as it arrives, without consuming it (the test still reads it as before). A hit is
 * recorded like a write of our own, naming the command, never the value.
 */
export function hookChildOutput(childProcessModule: { ChildProcess: { prototype: { spawn: AnyFn } } }, recorder: CanaryRecorder): void {
  const proto = childProcessModule.ChildProcess.prototype;
  if ((proto.spawn as { [WRAPPED]?: boolean })[WRAPPED]) return;
  const original = proto.spawn;
  const wrapped = function (this: { stdout?: unknown; stderr?: unknown; spawnfile?: string }, ...args: unknown[]): unknown {
    const result = original.apply(this, args);
    for (const [name, stream] of [['stdout', this.stdout], ['stderr', this.stderr]] as const) {
      const readable = stream as { push?: AnyFn } | null | undefined;
      if (!readable || typeof readable.push !== 'function') continue;
      const push = readable.push;
      const where = `child ${this.spawnfile ?? 'process'} ${name}`;
      readable.push = function (this: unknown, ...pushArgs: unknown[]): unknown {
        const text = textOf(pushArgs[0]);
        if (text !== undefined) {
          const canaries = findCanaries(text);
          if (canaries.length > 0) recorder.hits.push({ where, canaries });
        }
        return push.apply(this, pushArgs);
      };
    }
    return result;
  };
  Object.defineProperty(wrapped, WRAPPED, { value: true });
  proto.spawn = wrapped;
}

type SyncResult = { stdout?: unknown; stderr?: unknown } | null | undefined;

/**
 * Watch the output of the synchronous child-process APIs (`spawnSync`, `execFileSync`,
 * `execSync`), which do not go through `ChildProcess.prototype.spawn`: the captured stdout and
 * stderr are scanned when the call returns (or throws: a failed `…Sync` carries them on the
 * error), and handed back unchanged. A successful `execFileSync`/`execSync` returns only stdout:
 * Node writes the child's stderr to this process's stderr (seen by `hookWrite`) unless `stdio` is
 * given, and then drops it unseen by anyone. Output a child writes to an inherited stream is not seen.
 * Patches the module object; call `syncBuiltinESMExports()` afterwards so ESM named imports see it.
 */
export function hookSyncChildOutput(childProcessModule: Record<string, unknown>, recorder: CanaryRecorder): void {
  for (const name of ['spawnSync', 'execFileSync', 'execSync'] as const) {
    const original = childProcessModule[name] as AnyFn | undefined;
    if (typeof original !== 'function' || (original as { [WRAPPED]?: boolean })[WRAPPED]) continue;
    const scan = (command: unknown, result: SyncResult, direct?: unknown): void => {
      const streams: [string, unknown][] = direct !== undefined ? [['stdout', direct]] : [['stdout', result?.stdout], ['stderr', result?.stderr]];
      for (const [stream, chunk] of streams) {
        const text = textOf(chunk);
        if (text === undefined) continue;
        const canaries = findCanaries(text);
        // Only the program's name: an execSync command line may itself carry a value.
        if (canaries.length > 0) recorder.hits.push({ where: `child ${String(command).trim().split(/\s+/)[0]} ${stream} (${name})`, canaries });
      }
    };
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      let result: unknown;
      try {
        result = original.apply(this, args);
      } catch (err) {
        scan(args[0], err as SyncResult);
        throw err;
      }
      if (name === 'spawnSync') scan(args[0], result as SyncResult);
      else scan(args[0], undefined, result);
      return result;
    };
    Object.defineProperty(wrapped, WRAPPED, { value: true });
    childProcessModule[name] = wrapped;
  }
}
