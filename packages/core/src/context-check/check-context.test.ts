import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretValue } from '../secret-value.js';
import { checkBuildContext } from './check-context.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const VALUE = makeCanary('ctx-value');
let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'bs-ctx-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function files(tree: Record<string, string | Buffer>): Promise<void> {
  for (const [path, content] of Object.entries(tree)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}
const check = (extra: { dockerfile?: string } = {}) => checkBuildContext({ context: root, secrets: [{ id: 'token', value: SecretValue.from(VALUE) }], ...extra });

describe('checkBuildContext: the context as the engine sends it', () => {
  it('finds a resolved value raw and encoded, naming the file and the secret id, never the value', async () => {
    await files({ 'app/config.js': `const t = "${VALUE}";`, 'b64.txt': Buffer.from(VALUE).toString('base64'), 'clean.txt': 'nothing here' });
    const report = await check();
    expect(report.leaks).toEqual([{ path: 'app/config.js', secretId: 'token', encoding: 'raw' }, { path: 'b64.txt', secretId: 'token', encoding: 'base64' }]);
    expect(report.files).toBe(3);
    expect(JSON.stringify(report)).not.toContain(VALUE);
  });

  it('finds a value across the boundary of two read chunks in a large file', async () => {
    const big = Buffer.alloc(256 * 1024 * 2, 'a');
    Buffer.from(VALUE).copy(big, 256 * 1024 - 5);
    await files({ 'big.bin': big });
    expect((await check()).leaks).toEqual([{ path: 'big.bin', secretId: 'token', encoding: 'raw' }]);
  });

  it('skips what .dockerignore excludes, honours ! exceptions, and prefers <Dockerfile>.dockerignore', async () => {
    await files({ '.dockerignore': 'secret/\n*.log\n!keep.log\n', 'secret/a': VALUE, 'x.log': VALUE, 'keep.log': VALUE, 'docker/app.Dockerfile': 'FROM x' });
    expect((await check()).leaks.map((l) => l.path)).toEqual(['keep.log']);
    await files({ 'docker/app.Dockerfile.dockerignore': '*.log\n' });
    const report = await check({ dockerfile: join(root, 'docker/app.Dockerfile') });
    expect(report.ignoreFile).toBe(join(root, 'docker/app.Dockerfile.dockerignore'));
    expect(report.leaks.map((l) => l.path)).toEqual(['secret/a']);
  });

  it('does not follow symlinks (the engine sends the link, not its target)', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'bs-ctx-outside-'));
    try {
      await writeFile(join(outside, 'v'), VALUE);
      await symlink(join(outside, 'v'), join(root, 'link'));
      expect((await check()).leaks).toEqual([]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('lists well-known credential files, confirming by content where the name alone says little', async () => {
    await files({
      '.env': 'A=1', '.env.production': 'B=2', '.env.example': 'A=', 'sub/.netrc': 'machine x', '.git-credentials': 'https://u:p@h',
      'gcp/credentials.json': '{}', '.npmrc': '//r/:_authToken=abc', 'ok/.npmrc': '//r/:_authToken=${NPM_TOKEN}',
      '.ssh/id_ed25519': '-----BEGIN OPENSSH PRIVATE KEY-----\nx', '.ssh/id_ed25519.pub': 'ssh-ed25519 AAAA', 'id_notes.txt': 'just notes',
      'tls/server.pem': '-----BEGIN RSA PRIVATE KEY-----\nx', 'tls/ca.pem': '-----BEGIN CERTIFICATE-----\nx',
    });
    expect((await check()).credentialFiles.map((c) => c.path)).toEqual(['.env', '.env.production', '.git-credentials', '.npmrc', '.ssh/id_ed25519', 'gcp/credentials.json', 'sub/.netrc', 'tls/server.pem']);
  });
});
