import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DEMO = fileURLToPath(new URL('./demo.mjs', import.meta.url));
const MAKE_IMAGES = fileURLToPath(new URL('./saved-images/make-saved-images.mjs', import.meta.url));
const TOKEN = 'demo-canary-token-e4c2a91f07';
const API_KEY = readFileSync(new URL('./secrets/api_key', import.meta.url), 'utf8').trim();

describe('npm run demo (examples/basic)', () => {
  it('plans and checks both local secrets, printing no value', () => {
    const r = spawnSync(process.execPath, [DEMO], { encoding: 'utf8', env: { ...process.env, DEMO_NPM_TOKEN: TOKEN, BUILDSECRETS_DEMO_NO_BUILD: '1' }, timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('npm_token');
    expect(r.stdout).toContain('all 2 secrets resolved');
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    expect(r.stdout + r.stderr).not.toContain(API_KEY);
  });

  it('without an engine, audits the two saved images (one leaks, one is clean) and says how to get an engine', () => {
    const r = spawnSync(process.execPath, [DEMO], { encoding: 'utf8', env: { ...process.env, DEMO_NPM_TOKEN: TOKEN, BUILDSECRETS_DOCKER: '/nonexistent/docker' }, timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('✗ 1 leak of 1 secret (api_key)');
    expect(r.stdout).toContain('deleted in later layer');
    expect(r.stdout).toContain('✓ no secret values found');
    expect(r.stdout).toMatch(/No real build: .*\/nonexistent\/docker/);
    expect(r.stdout).toContain('scripts/e2e-services.sh start');
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    expect(r.stdout + r.stderr).not.toContain(API_KEY);
  });

  it('ships saved images that make-saved-images.mjs reproduces byte for byte', () => {
    const r = spawnSync(process.execPath, [MAKE_IMAGES, '--check'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
  });
});
