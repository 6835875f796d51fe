// The log canary (vitest setup file, see vitest.config.ts): any test whose own stdout/stderr or
// console output, the output of any child process it starts, or whose thrown errors, contain one
// of the values in ./canary-values.ts (fixed or made by makeCanary, raw, base64 or hex) fails.
// A planted value is masked on its way out, so the failure report never repeats it.
import * as childProcess from 'node:child_process';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { afterAll, afterEach } from 'vitest';
import { hookChildOutput, hookConsole, hookSyncChildOutput, hookWrite, scrubErrors, type CanaryHit, type CanaryRecorder } from './canary-hook.js';

const KEY = Symbol.for('buildsecrets.canary.recorder');
const holder = globalThis as { [KEY]?: CanaryRecorder };
const recorder: CanaryRecorder = (holder[KEY] ??= { hits: [] });

hookWrite(process.stdout as unknown as { write: (...args: unknown[]) => unknown }, 'stdout', recorder);
hookWrite(process.stderr as unknown as { write: (...args: unknown[]) => unknown }, 'stderr', recorder);
hookConsole(console, recorder);
hookChildOutput(childProcess as unknown as Parameters<typeof hookChildOutput>[0], recorder);
// The sync APIs are patched on the CommonJS module object (the ESM namespace is read-only), then
// copied to the ESM named exports, so `import { execFileSync } from 'node:child_process'` sees them.
hookSyncChildOutput(createRequire(import.meta.url)('node:child_process') as Record<string, unknown>, recorder);
syncBuiltinESMExports();

/**
 * Take (and forget) the hits recorded so far. For the self-test, which plants a canary on purpose
 * and must consume the hit so the check below passes.
 */
export function takeCanaryHits(): CanaryHit[] {
  return recorder.hits.splice(0, recorder.hits.length);
}

/**
 * The narrow opt-out, for a test whose point is that a value reaches one particular output (a
 * fake engine that echoes it so the test can prove the redactor masks it downstream; a provider
 * script's own stdout that IS the value). Hits whose place (`stdout`, `console.log`,
 * `child <command> stdout`…) matches `where` are not failures — in THIS test only; thrown errors
 * are never exempt. `reason` says why, and shows up in the code where a reviewer reads it.
 */
export function allowCanaryOutput(where: RegExp, reason: string): void {
  if (reason.trim().length < 20) throw new Error('allowCanaryOutput: give the reason the value is written on purpose');
  (recorder.allowed ??= []).push({ where, reason });
}

function describeHits(hits: readonly CanaryHit[]): string {
  return hits.map((h) => `${h.where} (${h.canaries.join(', ')})`).join('; ');
}

afterEach((context) => {
  const allowed = recorder.allowed ?? [];
  recorder.allowed = [];
  const hits = takeCanaryHits().filter((h) => !allowed.some((a) => a.where.test(h.where)));
  const inErrors = scrubErrors(context.task.result?.errors ?? []);
  const problems = [
    ...(hits.length > 0 ? [`written to ${describeHits(hits)}`] : []),
    ...(inErrors.length > 0 ? [`in a thrown error (${inErrors.join(', ')})`] : []),
  ];
  if (problems.length > 0) throw new Error(`log canary: a planted secret value appeared ${problems.join(' and ')}`);
});

afterAll(() => {
  // Writes from beforeAll/afterAll hooks are not attributed to a test: fail the file instead.
  const hits = takeCanaryHits();
  if (hits.length > 0) throw new Error(`log canary: a planted secret value appeared outside a test: ${describeHits(hits)}`);
});
