import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { BASE_IMAGE, DOCKER_BIN, E2E_ENV, describeE2E, docker } from './support/engine.js';
import { scanImage } from './support/scan-image.js';

const DEMO = fileURLToPath(new URL('../../examples/basic/demo.mjs', import.meta.url));
const TOKEN = 'demo-e2e-token-5b0c93e1d7f2';
const API_KEY = 'demo-api-key-4b1f0c2e9d7a6e33';

describeE2E('npm run demo builds examples/basic for real', () => {
  afterAll(async () => {
    await docker(['image', 'rm', '-f', 'buildsecrets-demo:latest']).catch(() => undefined);
  });

  it('plans, checks, builds with both secrets mounted and audits a clean image', async () => {
    const r = spawnSync(process.execPath, [DEMO], {
      encoding: 'utf8',
      timeout: 180_000,
      env: { ...process.env, ...E2E_ENV, DEMO_NPM_TOKEN: TOKEN, BUILDSECRETS_DOCKER: DOCKER_BIN, BUILDSECRETS_DEMO_BASE_IMAGE: BASE_IMAGE, BUILDSECRETS_DEMO_NETWORK: 'host' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Built buildsecrets-demo:latest');
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    expect(r.stdout + r.stderr).not.toContain(API_KEY);
    expect(await scanImage('buildsecrets-demo:latest', { token: TOKEN, apiKey: API_KEY })).toEqual([]);
  });
});

it('the demo says what is missing instead of failing when no engine answers', () => {
  const r = spawnSync(process.execPath, [DEMO], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, DEMO_NPM_TOKEN: TOKEN, BUILDSECRETS_DOCKER: '/nonexistent/docker' },
  });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toContain('No real build: the docker binary "/nonexistent/docker" could not be run');
  expect(r.stdout).toContain('scripts/e2e-services.sh start');
  // The proof half ran anyway, on the saved images.
  expect(r.stdout).toContain('1 leak of 1 secret (api_key)');
  expect(r.stdout).toContain('no secret values found');
});
