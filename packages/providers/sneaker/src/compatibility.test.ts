// Compatibility vectors: objects and packs sealed by an implementation of Sneaker's format written
// here from its specification (node:crypto only), not from the provider's code, must open; any
// changed byte, path or context must not.
import { execFileSync } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, errorSurface, resolveOnce, startSneakerBackend, textOf, type SneakerBackend } from './__fixtures__/harness.js';

let backend: SneakerBackend;
let dir: string;
const BUCKET = 'vectors';

/**
 * Sneaker's final envelope, from the spec: uint32 big-endian length of the KMS blob, the blob, a
 * random 12-byte nonce, AES-256-GCM ciphertext, the 16-byte tag; additional data = the key ARN.
 */
function independentSeal(plaintext: Buffer, context: Record<string, string>): Buffer {
  const dataKey = backend.kms.generateDataKey(backend.kms.defaultKey.arn, context);
  const nonce = randomBytes(12);
  const gcm = createCipheriv('aes-256-gcm', dataKey.plaintext, nonce);
  gcm.setAAD(Buffer.from(dataKey.keyArn));
  const ciphertext = Buffer.concat([gcm.update(plaintext), gcm.final()]);
  const header = Buffer.alloc(4);
  header.writeUInt32BE(dataKey.ciphertextBlob.length, 0);
  return Buffer.concat([header, dataKey.ciphertextBlob, nonce, ciphertext, gcm.getAuthTag()]);
}

/** Store like `sneaker upload`: key = prefix joined with path, context = master + Path. */
function upload(prefix: string, path: string, value: string, master: Record<string, string>): Buffer {
  const key = [prefix.replace(/^\/+|\/+$/g, ''), path].filter(Boolean).join('/');
  const sealed = independentSeal(Buffer.from(value), { ...master, Path: `s3://${BUCKET}/${key}` });
  backend.s3.putObject(BUCKET, key, sealed);
  return sealed;
}

beforeAll(async () => {
  backend = await startSneakerBackend('eu-west-1');
  backend.s3.createBucket(BUCKET);
  dir = await mkdtemp(join(tmpdir(), 'bs-sneaker-vectors-'));
});
afterAll(async () => {
  await backend.close();
  await rm(dir, { recursive: true, force: true });
});

describe('Sneaker objects sealed by an independent implementation', () => {
  it.each([
    ['s3://vectors/prod/', 'prod'],
    ['s3://vectors/prod', 'prod'],
    ['s3://vectors/deep/er/', 'deep/er'],
    ['s3://vectors', ''],
  ])('open under %s (master context plus Path, prefix without its leading slash)', async (path, prefix) => {
    const master = { env: 'prod', team: 'payments' };
    upload(prefix, 'db/password', `value-for-${prefix || 'root'}`, master);
    const { results } = await resolveOnce(backend.options(path, { context: master }), [{ id: 'db', ref: 'db/password' }]);
    expect(textOf(results[0])).toBe(`value-for-${prefix || 'root'}`);
  });

  it('takes the master context from SNEAKER_MASTER_CONTEXT (k1=v1,k2=v2, values may hold "=") and the path from SNEAKER_S3_PATH', async () => {
    upload('env', 'token', 'from-env', { a: '1', b: 'x=y' });
    const { path: _path, ...options } = backend.options('s3://unused');
    const { results } = await resolveOnce(options, [{ id: 't', ref: 'token' }], { env: { SNEAKER_S3_PATH: 's3://vectors/env/', SNEAKER_MASTER_CONTEXT: 'a=1,b=x=y' } });
    expect(textOf(results[0])).toBe('from-env');
  });

  it('returns binary values byte for byte and picks JSON keys', async () => {
    const binary = randomBytes(300);
    backend.s3.putObject(BUCKET, 'bin/blob', independentSeal(binary, { Path: `s3://${BUCKET}/bin/blob` }));
    upload('bin', 'json', JSON.stringify({ user: 'app', password: 'p@ss' }), {});
    const { results } = await resolveOnce(backend.options('s3://vectors/bin/'), [{ id: 'b', ref: 'blob' }, { id: 'j', ref: 'json', key: 'password' }]);
    expect(results[0]!.ok && results[0]!.value.equals(binary)).toBe(true);
    expect(textOf(results[1])).toBe('p@ss');
  });

  it('fails with SECRET_INVALID, showing no byte of the value, for every single changed byte of blob, nonce, ciphertext or tag', async () => {
    const value = 'tamper-canary-77f1';
    const sealed = upload('tamper', 'original', value, { k: 'v' });
    const blobLength = sealed.readUInt32BE(0);
    const codes = new Set<string>();
    for (let i = 4; i < sealed.length; i++) {
      const changed = Buffer.from(sealed);
      changed[i]! ^= 0x01;
      backend.s3.putObject(BUCKET, 'tamper/original', changed);
      const { results, logs } = await resolveOnce(backend.options('s3://vectors/tamper/', { context: { k: 'v' } }), [{ id: 's', ref: 'original' }]);
      const where = i < 4 + blobLength ? 'blob' : i < 4 + blobLength + 12 ? 'nonce' : i < sealed.length - 16 ? 'ciphertext' : 'tag';
      expect(codeOf(results[0]), `byte ${i} (${where})`).toBe('SECRET_INVALID');
      const surface = errorSurface(results[0]!.ok ? undefined : results[0]!.error) + logs.join('\n');
      expect(surface).not.toContain(value);
      codes.add(where);
    }
    expect([...codes].sort()).toEqual(['blob', 'ciphertext', 'nonce', 'tag']);
    // And a changed length prefix or a truncated object is refused too.
    for (const broken of [Buffer.concat([Buffer.from([0, 0, 0xff, 0xff]), sealed.subarray(4)]), sealed.subarray(0, sealed.length - 17), sealed.subarray(0, 3)]) {
      backend.s3.putObject(BUCKET, 'tamper/original', broken);
      const { results } = await resolveOnce(backend.options('s3://vectors/tamper/', { context: { k: 'v' } }), [{ id: 's', ref: 'original' }]);
      expect(codeOf(results[0])).toBe('SECRET_INVALID');
    }
  }, 60_000);

  it('fails with SECRET_INVALID when the context differs in any pair, or the object was moved to another path', async () => {
    const sealed = upload('ctx', 'secret', 'ctx-value', { env: 'prod', team: 'a' });
    const open = (context: Record<string, string>, ref = 'secret') => resolveOnce(backend.options('s3://vectors/ctx/', { context }), [{ id: 's', ref }]);
    expect(textOf((await open({ env: 'prod', team: 'a' })).results[0])).toBe('ctx-value');
    for (const context of [{ env: 'prod' }, { env: 'prod', team: 'b' }, { env: 'prod', team: 'a', extra: '1' }, { ENV: 'prod', team: 'a' }, {}]) {
      expect(codeOf((await open(context)).results[0]), JSON.stringify(context)).toBe('SECRET_INVALID');
    }
    backend.s3.putObject(BUCKET, 'ctx/moved', sealed);
    expect(codeOf((await open({ env: 'prod', team: 'a' }, 'moved')).results[0])).toBe('SECRET_INVALID');
  });
});

describe('sneaker pack files made by GNU tar and the independent envelope', () => {
  it('reads files out of the TAR by name, under the pack context only', async () => {
    const tree = join(dir, 'tree');
    await mkdir(join(tree, 'prod'), { recursive: true });
    await writeFile(join(tree, 'prod', 'db-password'), 'pack-db');
    await writeFile(join(tree, 'api.json'), JSON.stringify({ key: 'pack-api' }));
    const longName = `${'d'.repeat(120)}/long-name-file`;
    await mkdir(join(tree, 'd'.repeat(120)));
    await writeFile(join(tree, longName), 'pack-long');
    const tar = execFileSync('tar', ['-C', tree, '-cf', '-', 'prod/db-password', 'api.json', longName]);
    await writeFile(join(dir, 'secrets.tar.enc'), independentSeal(tar, { pack: 'ci' }));
    const { path: _p, ...options } = backend.options('s3://unused');
    const requests = [{ id: 'db', ref: 'prod/db-password' }, { id: 'api', ref: './api.json', key: 'key' }, { id: 'long', ref: longName }, { id: 'none', ref: 'nope' }];
    // SNEAKER_MASTER_CONTEXT does not apply to packs (sneaker unpack uses only --context).
    const { results } = await resolveOnce({ ...options, pack: 'secrets.tar.enc', context: { pack: 'ci' } }, requests, { baseDir: dir, env: { SNEAKER_MASTER_CONTEXT: 'x=y' } });
    expect(results.slice(0, 3).map(textOf)).toEqual(['pack-db', 'pack-api', 'pack-long']);
    expect(codeOf(results[3])).toBe('SECRET_NOT_FOUND');
    const wrong = await resolveOnce({ ...options, pack: 'secrets.tar.enc', context: { pack: 'cd' } }, [{ id: 'db', ref: 'prod/db-password' }], { baseDir: dir });
    expect(codeOf(wrong.results[0])).toBe('SECRET_INVALID');
    const missing = await resolveOnce({ ...options, pack: 'missing.tar.enc' }, [{ id: 'db', ref: 'prod/db-password' }], { baseDir: dir });
    expect(codeOf(missing.results[0])).toBe('SECRET_NOT_FOUND');
  });
});
