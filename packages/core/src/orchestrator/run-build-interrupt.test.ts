import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.js';
import { InterruptedAfterBuildError } from '../errors/index.js';
import { createLogger } from '../logging/logger.js';
import { createRedactor } from '../redaction/redactor.js';
import { SecretValue } from '../secret-value.js';
import { defaultStrategies } from '../strategies/default-strategies.js';
import { makeTempDir } from '../util/temp-dir.js';
import type { BuildSteps } from './build-steps.js';
import type { BuildSession } from './build-types.js';
import { runBuild } from './run-build.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

// A docker stand-in whose build ignores SIGTERM (like a daemon that has already committed the
// image) and finishes a second after it started (it touches FAKE_STARTED then), or dies on SIGTERM
// when FAKE_STOPPABLE=1.
const FAKE = `#!/bin/sh
case "$1" in version) echo "20.10.24|20.10.24|linux"; exit 0 ;; buildx) exit 1 ;; esac
[ "$FAKE_STOPPABLE" = 1 ] || trap '' TERM
iid=""; prev=""
for a in "$@"; do [ "$prev" = "--iidfile" ] && iid="$a"; prev="$a"; done
: > "$FAKE_STARTED"
sleep 1
printf 'sha256:%064d' 7 > "$iid"
exit 0
`;

let work = '';
let events: string[] = [];
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'bs-interrupt-'));
  await mkdir(join(work, 'ctx'));
  await mkdir(join(work, 'tmp'));
  await writeFile(join(work, 'ctx', 'Dockerfile'), 'FROM scratch\n');
  await writeFile(join(work, 'docker'), FAKE);
  await chmod(join(work, 'docker'), 0o755);
  events = [];
});
afterEach(() => rm(work, { recursive: true, force: true }));

/**
 * Abort once the engine's build is running (the fake touched its marker): a condition, not a
 * delay, so a slow machine cannot move the signal before the engine starts.
 */
function abortWhenBuilding(abort: AbortController): void {
  const poll = setInterval(() => {
    if (!existsSync(join(work, 'started'))) return;
    clearInterval(poll);
    abort.abort();
  }, 5);
  abort.signal.addEventListener('abort', () => clearInterval(poll), { once: true });
}

function session(env: Record<string, string> = {}): BuildSession {
  const redactor = createRedactor();
  const fullEnv = { PATH: process.env['PATH'], BUILDSECRETS_TMPDIR: join(work, 'tmp'), FAKE_STARTED: join(work, 'started'), ...env };
  const strategies = defaultStrategies();
  return {
    config: configSchema.parse({ version: 1, providers: { local: { use: 'env' } }, secrets: { token: { from: 'local', ref: 'TOKEN' } } }),
    baseDir: work,
    env: fullEnv,
    redactor,
    logger: createLogger(redactor, { level: 'debug', write: (line) => events.push(line) }),
    resolveAll: async () => new Map([['token', SecretValue.from(makeCanary('interrupt-value'))]]),
    strategy: (kind) => {
      const strategy = strategies.get(kind as 'secret-mount');
      if (!strategy) throw new Error(`no strategy ${kind}`);
      return strategy;
    },
    tempDir: (prefix) => makeTempDir(prefix, fullEnv),
  };
}

const steps: BuildSteps = {
  auditImage: async (input) => {
    events.push(`audit ${input.image} aborted=${input.signal.aborted}`);
    return { clean: true, findings: [] };
  },
};

describe('a signal during the engine run never ends with an unaudited image', () => {
  it('the engine finished before it could be stopped: the image is audited (not cancelled), then the run reports the interruption naming the image', async () => {
    const abort = new AbortController();
    abortWhenBuilding(abort);
    const error = await runBuild(session(), { context: join(work, 'ctx'), docker: join(work, 'docker'), signal: abort.signal, output: new PassThrough(), audit: 'fail' }, steps).catch((e: unknown) => e);
    const image = `sha256:${'0'.repeat(63)}7`;
    expect(error).toBeInstanceOf(InterruptedAfterBuildError);
    expect(error).toMatchObject({ code: 'ABORTED', imageId: image, audit: 'clean' });
    expect((error as Error).message).toContain(`it built ${image}; audited it: clean`);
    expect(events).toContain(`audit ${image} aborted=false`);
    expect(await readdir(join(work, 'tmp'))).toEqual([]);
  });

  it('the engine stopped in time: no image, no audit, a plain AbortedError', async () => {
    const abort = new AbortController();
    abortWhenBuilding(abort);
    const error = await runBuild(session({ FAKE_STOPPABLE: '1' }), { context: join(work, 'ctx'), docker: join(work, 'docker'), signal: abort.signal, output: new PassThrough(), audit: 'fail' }, steps).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ABORTED' });
    expect(error).not.toBeInstanceOf(InterruptedAfterBuildError);
    expect((error as Error).message).toContain('stopped before it finished (no image)');
    expect(events.filter((e) => e.startsWith('audit '))).toEqual([]);
  });
});
