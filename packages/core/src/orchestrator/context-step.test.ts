import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.js';
import { ContextLeakError } from '../errors/index.js';
import { createLogger } from '../logging/logger.js';
import { createRedactor } from '../redaction/redactor.js';
import { SecretValue } from '../secret-value.js';
import type { BuildPlan } from './build-plan.js';
import type { BuildSession } from './build-types.js';
import { checkContextStep } from './context-step.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const VALUE = makeCanary('ctx-step');
let context: string;
let warnings: string[];
beforeEach(async () => {
  context = await mkdtemp(join(tmpdir(), 'bs-ctx-step-'));
  warnings = [];
});
afterEach(() => rm(context, { recursive: true, force: true }));

function session(contextCheck?: 'warn' | 'strict' | 'off'): BuildSession {
  const redactor = createRedactor();
  const config = configSchema.parse({ version: 1, providers: { p: { use: 'env' } }, secrets: { token: { from: 'p', ref: 'T' } }, ...(contextCheck ? { build: { contextCheck } } : {}) });
  return {
    config, baseDir: context, env: {}, redactor,
    logger: createLogger(redactor, { level: 'debug', write: (line, level) => level === 'warn' && warnings.push(line) }),
    resolveAll: async () => new Map(), strategy: () => { throw new Error('unused'); }, tempDir: () => { throw new Error('unused'); },
  };
}
const plan = (): BuildPlan => ({ context, dockerfile: join(context, 'Dockerfile'), explicitDockerfile: false, groups: new Map(), audit: 'fail' });
const values = () => new Map([['token', SecretValue.from(VALUE)]]);

describe('checkContextStep: build.contextCheck', () => {
  it('a value in the context always stops the build (warn and strict), never quoting it', async () => {
    await writeFile(join(context, 'leak.txt'), `x${VALUE}x`);
    for (const mode of [undefined, 'strict'] as const) {
      const err = await checkContextStep(session(mode), plan(), values()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ContextLeakError);
      expect((err as ContextLeakError).findings).toEqual([{ path: 'leak.txt', secretId: 'token', reason: 'raw' }]);
      expect((err as Error).message).not.toContain(VALUE);
    }
  });

  it('a credential file warns by default, stops the build when strict, and off checks nothing', async () => {
    await writeFile(join(context, '.git-credentials'), 'https://user:pw@example.com');
    await checkContextStep(session(), plan(), values());
    expect(warnings.join('\n')).toContain('.git-credentials: git credentials would be sent to the engine');
    await expect(checkContextStep(session('strict'), plan(), values())).rejects.toBeInstanceOf(ContextLeakError);
    await writeFile(join(context, 'leak.txt'), VALUE);
    await expect(checkContextStep(session('off'), plan(), values())).resolves.toBeUndefined();
  });

  it('a context that is not a local directory (URL, stdin) is not checked', async () => {
    await expect(checkContextStep(session('strict'), { ...plan(), context: join(context, 'https:', 'github.com') }, values())).resolves.toBeUndefined();
  });
});
