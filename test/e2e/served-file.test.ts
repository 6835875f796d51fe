import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SecretValue, servedFileHelperPath, servedFileStrategy, type StrategyContext } from '@buildsecrets/core';
import { DOCKER_BIN, E2E_BUILD_ARGS, E2E_ENV, describeE2E, docker } from './support/engine.js';
import { scanImage } from './support/scan-image.js';
import { testStrategyContext } from '../../packages/core/src/strategies/__fixtures__/test-strategy-context.js';
import { tokenFor } from '../../packages/core/src/strategies/served-file/token-list.js';
import { makeCanary } from '../setup/canary-values.js';

const run = promisify(execFile);
const FIXTURE = join(import.meta.dirname, 'fixtures/served-file/Dockerfile');
const VALUE = makeCanary('e2e-served');

function status(url: string, token: string): Promise<number | 'refused'> {
  return new Promise((resolve) => {
    const req = request(url, { headers: { Authorization: `Bearer ${token}` }, agent: false, timeout: 5_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve('refused'));
    req.end();
  });
}

describeE2E('served-file strategy in a real BuildKit build', () => {
  let dir = '';
  const tag = `buildsecrets-e2e/served-file:${process.pid}`;
  const lines: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bs-e2e-served-'));
    await copyFile(FIXTURE, join(dir, 'Dockerfile'));
    // What `buildsecrets helper > buildsecrets-fetch` does for a user.
    await copyFile(servedFileHelperPath(), join(dir, 'buildsecrets-fetch'));
  });
  afterAll(async () => {
    await docker(['rmi', '-f', tag]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  function context(): StrategyContext {
    // Not redacting: the value and the token must never reach the logger at all.
    return testStrategyContext({ lines, redactLogs: false, overrides: { declaredArgs: new Set(['BUILDSECRETS_URL', 'BUILDSECRETS_TOKEN']) } });
  }

  it('hands the secret to one RUN step through the helper, then the token is spent and dead', async () => {
    const prepared = await servedFileStrategy().prepare(
      [{ id: 'api_key', value: SecretValue.from(VALUE), config: { from: 'env', ref: 'API_KEY', inject: 'served-file' } }],
      context(),
    );
    const { BUILDSECRETS_URL: url = '', BUILDSECRETS_TOKEN: list = '' } = prepared.env;
    const token = tokenFor(list, 'api_key') ?? 'missing';
    const secretUrl = `${url}/v1/secrets/api_key`;
    let output = '';
    try {
      const build = await run(DOCKER_BIN, ['build', ...E2E_BUILD_ARGS, ...prepared.engineArgs, '--progress=plain', '-t', tag, dir], {
        env: { ...process.env, ...E2E_ENV, DOCKER_BUILDKIT: '1', ...prepared.env },
        maxBuffer: 1 << 26,
        timeout: 300_000,
      });
      output = build.stdout + build.stderr;
      // The one read was spent by the build: the same request now gets the terse refusal.
      expect(await status(secretUrl, token)).toBe(403);
    } finally {
      await prepared.dispose();
    }
    // After dispose nothing listens: the token that may sit in the image history is dead.
    expect(await status(secretUrl, token)).toBe('refused');

    const proof = await docker(['run', '--rm', '--network', 'none', tag, 'cat', '/proof']);
    expect(proof.trim()).toBe(createHash('sha256').update(VALUE).digest('hex'));
    expect(await scanImage(tag, { api_key: VALUE })).toEqual([]);
    expect(output).not.toContain(VALUE);
    expect(lines.join('\n')).not.toContain(VALUE);
    expect(lines.join('\n')).not.toContain(token);
  });
});
