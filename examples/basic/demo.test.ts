import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DEMO = fileURLToPath(new URL('./demo.mjs', import.meta.url));
const TOKEN = 'demo-canary-token-e4c2a91f07';

describe('npm run demo (examples/basic)', () => {
  it('plans and checks both local secrets, printing no value', () => {
    const r = spawnSync(process.execPath, [DEMO], { encoding: 'utf8', env: { ...process.env, DEMO_NPM_TOKEN: TOKEN, BUILDSECRETS_DEMO_NO_BUILD: '1' }, timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('npm_token');
    expect(r.stdout).toContain('all 2 secrets resolved');
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    expect(r.stdout + r.stderr).not.toContain('demo-api-key-4b1f0c2e9d7a6e33');
  });
});
