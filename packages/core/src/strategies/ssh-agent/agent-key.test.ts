import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidSecretError } from '../../errors/index.js';
import { keyBodyLines, makeKey, type TestKey } from './__fixtures__/openssh.js';
import { loadAgentKey } from './agent-key.js';
import { loadSsh2, type Ssh2Api } from './load-ssh2.js';

describe('loadAgentKey', () => {
  let dir = '';
  let ssh2: Ssh2Api;
  let ed: TestKey;
  let rsaPem: TestKey;
  let ecdsaEncrypted: TestKey;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bs-agent-key-'));
    ssh2 = await loadSsh2();
    [ed, rsaPem, ecdsaEncrypted] = await Promise.all([
      makeKey(dir, 'ed', 'ed25519', { comment: 'deploy@example' }),
      makeKey(dir, 'rsa', 'rsa', { pem: true }),
      makeKey(dir, 'ecdsa', 'ecdsa', { passphrase: 'correct horse battery' }),
    ]);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  function failure(key: TestKey, passphrase?: string): InvalidSecretError {
    try {
      loadAgentKey(ssh2, 'deploy_key', key.privateKey, passphrase === undefined ? undefined : Buffer.from(passphrase));
    } catch (err) {
      if (err instanceof InvalidSecretError) {
        const text = `${err.message}\n${err.stack ?? ''}\n${JSON.stringify(err)}`;
        for (const line of keyBodyLines(key)) expect(text).not.toContain(line);
        if (passphrase) expect(text).not.toContain(passphrase);
        return err;
      }
      throw err;
    }
    throw new Error('expected loadAgentKey to fail');
  }

  it('reads an OpenSSH ed25519 key with its comment and the fingerprint ssh-keygen prints', () => {
    const [key] = loadAgentKey(ssh2, 'deploy_key', ed.privateKey, undefined);
    expect(key).toMatchObject({ secretId: 'deploy_key', fingerprint: ed.fingerprint, comment: 'deploy@example' });
  });

  it('reads a PEM RSA key', () => {
    const [key] = loadAgentKey(ssh2, 'deploy_key', rsaPem.privateKey, undefined);
    expect(key?.fingerprint).toBe(rsaPem.fingerprint);
    expect(key?.parsed.type).toBe('ssh-rsa');
  });

  it('opens an encrypted key with its passphrase', () => {
    const [key] = loadAgentKey(ssh2, 'deploy_key', ecdsaEncrypted.privateKey, Buffer.from('correct horse battery'));
    expect(key?.fingerprint).toBe(ecdsaEncrypted.fingerprint);
  });

  it('names the secret and asks for passphraseFrom when an encrypted key has no passphrase', () => {
    const err = failure(ecdsaEncrypted);
    expect(err).toMatchObject({ code: 'SECRET_INVALID', secretId: 'deploy_key' });
    expect(err.message).toContain('deploy_key');
    expect(err.message).toContain('passphraseFrom');
  });

  it('says the passphrase is wrong without quoting it', () => {
    const err = failure(ecdsaEncrypted, 'wrong guess entirely');
    expect(err.message).toContain('does not open this key');
  });

  it('refuses a public key and garbage', () => {
    expect(() => loadAgentKey(ssh2, 'deploy_key', Buffer.from(ed.publicKey), undefined)).toThrow(/public key, not a private key/);
    expect(() => loadAgentKey(ssh2, 'deploy_key', Buffer.from('not a key at all'), undefined)).toThrow(InvalidSecretError);
  });
});
