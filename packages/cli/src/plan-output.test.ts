// `plan` and `build` name Dockerfile problems as Dockerfile problems (issue #11).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from './test-support/run-cli-captured.js';
import { tempDir } from '../../../test/support/temp-dirs.js';

const CONFIG = 'version: 1\nproviders:\n  local: { use: env }\nsecrets:\n  npm_token: { from: local, ref: NPM_TOKEN }\n';
const DOCKERFILE = 'FROM busybox\nARG API_TOKEN\nRUN --mount=type=secret,id=npm_tokn,required=true true\nRUN --mount=type=secret,id=npm_token true\n';

async function project(): Promise<string> {
  const dir = await tempDir('bs-plan-out-');
  await writeFile(join(dir, 'buildsecrets.yaml'), CONFIG);
  await writeFile(join(dir, 'Dockerfile'), DOCKERFILE);
  return dir;
}

describe('plan output', () => {
  it('lists errors before warnings, states each line number once, and suggests the configured id for a typo', async () => {
    const dir = await project();
    const r = await runCliCaptured(['plan'], { cwd: dir, env: { NPM_TOKEN: 'value-123456789' } });
    expect(r.code).toBe(2);
    const findings = r.stdout.split('\n').filter((l) => /^ {2}(error|warning) /.test(l));
    expect(findings[0]).toMatch(/^ {2}error line 3: the Dockerfile mounts secret "npm_tokn" but .*did you mean id=npm_token\?/);
    expect(findings.slice(1).every((l) => l.startsWith('  warning'))).toBe(true);
    for (const l of findings) expect(l.match(/line \d+/g)?.length ?? 0).toBeLessThanOrEqual(1);
  });

  it('reports a misspelt --mount type as a Dockerfile error at its line, with a did-you-mean', async () => {
    const dir = await project();
    await writeFile(join(dir, 'Dockerfile'), 'FROM busybox\nRUN true\nRUN --mount=type=secrets,id=npm_token,required=true true\n');
    const r = await runCliCaptured(['plan'], { cwd: dir, env: { NPM_TOKEN: 'value-123456789' } });
    expect(r.code).toBe(2);
    const dockerfileSection = r.stdout.slice(r.stdout.indexOf(`dockerfile: ${join(dir, 'Dockerfile')}`));
    expect(dockerfileSection.split('\n')[1]).toBe('  error line 3: unsupported mount type "secrets"; did you mean "secret"? (expected bind, cache, tmpfs, secret or ssh)');
  });

  it('says when the build context does not exist', async () => {
    const dir = await project();
    const r = await runCliCaptured(['plan', 'nope'], { cwd: dir, env: { NPM_TOKEN: 'value-123456789' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the build context ${join(dir, 'nope')} does not exist`);
  });
});

describe('build', () => {
  it('calls Dockerfile problems Dockerfile problems, not "invalid config"', async () => {
    const dir = await project();
    const r = await runCliCaptured(['build', '--dry-run', '.'], { cwd: dir, env: { NPM_TOKEN: 'value-123456789' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Dockerfile problem in ${join(dir, 'Dockerfile')}`);
    expect(r.stderr).toContain('did you mean id=npm_token?');
  });

  it('stops on a misspelt --mount type, naming the Dockerfile line and the type it probably meant', async () => {
    const dir = await project();
    await writeFile(join(dir, 'Dockerfile'), 'FROM busybox\nRUN --mount=type=secrets,id=npm_token,required=true true\n');
    const r = await runCliCaptured(['build', '--dry-run', '.'], { cwd: dir, env: { NPM_TOKEN: 'value-123456789' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Dockerfile problem in ${join(dir, 'Dockerfile')}`);
    expect(r.stderr).toContain(`${join(dir, 'Dockerfile')}:2: unsupported mount type "secrets"; did you mean "secret"?`);
    expect(r.stderr).not.toContain('invalid config');
  });

  it('says when the build context does not exist, and when there is no Dockerfile', async () => {
    const dir = await project();
    const missing = await runCliCaptured(['build', '--dry-run', 'nope'], { cwd: dir, env: { NPM_TOKEN: 'value-123456789' } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`the build context ${join(dir, 'nope')} does not exist`);
    const empty = await tempDir('bs-empty-ctx-');
    const none = await runCliCaptured(['build', '--dry-run', '--config', join(dir, 'buildsecrets.yaml'), empty], { cwd: dir, env: { NPM_TOKEN: 'value-123456789' } });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`there is no ${join(empty, 'Dockerfile')}`);
    expect(none.stderr).not.toContain('invalid config');
  });
});

describe('plan shows what each provider says about a ref', () => {
  it("prints the provider's own description (static: nothing is created) and the definition's name", async () => {
    const dir = await tempDir('bs-plan-describe-');
    await writeFile(join(dir, 'buildsecrets.yaml'), 'version: 1\nproviders:\n  local: { use: env, options: { prefix: CI_ } }\n  files: { use: keywhiz, options: { root: ./secrets } }\n  mine: { use: ./my-provider.mjs }\nsecrets:\n  npm_token: { from: local, ref: NPM_TOKEN, key: token }\n  api_key: { from: files, ref: api_key }\n  other: { from: mine, ref: thing }\n');
    // A plugin whose create() would throw: plan must not call it.
    await writeFile(join(dir, 'my-provider.mjs'), "export default { apiVersion: 1, name: 'my-store', optionsSchema: { safeParse: (v) => ({ success: true, data: v }) }, capabilities: {}, describeRef: (r) => `item ${r.ref} in my store`, create() { throw new Error('plan created a provider'); } };\n");
    const r = await runCliCaptured(['plan', '--json'], { cwd: dir, env: {} });
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as { secrets: { id: string; providerName?: string; description?: string }[] };
    expect(plan.secrets).toEqual([
      expect.objectContaining({ id: 'npm_token', providerName: 'env', description: 'environment variable CI_NPM_TOKEN (JSON key token)' }),
      expect.objectContaining({ id: 'api_key', providerName: 'keywhiz', description: 'file api_key under ./secrets' }),
      expect.objectContaining({ id: 'other', providerName: 'my-store', description: 'item thing in my store' }),
    ]);
    const text = await runCliCaptured(['plan'], { cwd: dir, env: {} });
    expect(text.stdout).toContain('  reads    environment variable CI_NPM_TOKEN (JSON key token)');
    expect(text.stdout).toContain('other\n  from     mine (./my-provider.mjs, provider my-store), ref thing\n  reads    item thing in my store');
  });
});
