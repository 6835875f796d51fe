// The log canary (vitest setup file, see vitest.config.ts): any test whose own stdout/stderr or
// console output, the output of any child process it starts, or whose thrown errors, contain one
// of the values in ./canary-values.ts (fixed or made by makeCanary, raw, base64 or hex) fails.
// A planted value is masked on its way out, so the failure report never repeats it.
import * as childProcess from 'node:child_process';
import { afterAll, afterEach } from 'vitest';
import { hookChildOutput, hookConsole, hookWrite, scrubErrors, type CanaryHit, type CanaryRecorder } from './canary-hook.js';

const KEY = Symbol.for('buildsecrets.canary.recorder');
const holder = globalThis as { [KEY]?: CanaryRecorder };
const recorder: CanaryRecorder = (holder[KEY] ??= { hits: [] });

hookWrite(process.stdout as unknown as { write: (...args: unknown[]) => unknown }, 'stdout', recorder);
hookWrite(process.stderr as unknown as { write: (...args: unknown[]) => unknown }, 'stderr', recorder);
hookConsole(console, recorder);
hookChildOutput(childProcess as unknown as Parameters<typeof hookChildOutput>[0], recorder);

/**
 * Take (and forget) the hits recorded so far. For the self-test, which plants a canary on purpose
 * and must consume the hit so the check below passes.
 */
export function takeCanaryHits(): CanaryHit[] {
  return recorder.hits.splice(0, recorder.hits.length);
}

function describeHits(hits: readonly CanaryHit[]): string {
  return hits.map((h) => `${h.where} (${h.canaries.join(', ')})`).join('; ');
}

afterEach((context) => {
  const hits = takeCanaryHits();
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
