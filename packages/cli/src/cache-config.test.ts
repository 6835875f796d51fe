import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCliCaptured } from './test-support/run-cli-captured.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bs-cli-cache-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function plan(config: string, env: Record<string, string> = {}) {
  const file = join(dir, 'buildsecrets.yaml');
  await writeFile(file, config);
  return runCliCaptured(['plan', '--config', file], { env, cwd: dir });
}

describe('cache settings through the CLI', () => {
  it('exits 2 before resolving anything when cache: version meets a provider without version ids, naming it', async () => {
    const r = await plan('version: 1\nproviders: { local: { use: env } }\nsecrets:\n  token: { from: local, ref: TOKEN, cache: version }\n', { TOKEN: 'canary-cli-cache-value-1f2e' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('secrets.token.cache:');
    expect(r.stderr).toContain('provider "local" (env) returns no version ids');
    expect(r.stdout + r.stderr).not.toContain('canary-cli-cache-value');
  });

  it('exits 2 when cache: keyed has no build.cacheKeyFrom', async () => {
    const r = await plan('version: 1\nproviders: { local: { use: env } }\nsecrets:\n  token: { from: local, ref: TOKEN, cache: keyed }\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('build.cacheKeyFrom:');
  });

  it('plan shows the cache mode and the rev build-arg of each cached secret', async () => {
    const r = await plan('version: 1\nproviders: { local: { use: env } }\nsecrets:\n  npm-token: { from: local, ref: TOKEN }\n  key: { from: local, ref: KEY, inject: none }\nbuild: { cache: keyed, cacheKeyFrom: key }\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/npm-token\n(.*\n){2,3}  cache    keyed \(--build-arg BUILDSECRETS_REV_NPM_TOKEN; declare ARG BUILDSECRETS_REV_NPM_TOKEN before each RUN that mounts it\)/);
    expect(r.stdout).not.toMatch(/^key\n(.*\n){2,3}  cache/m);
  });
});
