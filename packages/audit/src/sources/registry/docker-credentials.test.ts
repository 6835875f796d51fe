import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findRegistryCredentials } from './docker-credentials.js';
import { RegistryAuthenticationError } from './registry-errors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bs-creds-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, content: unknown): string => {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};
const auth = (user: string, pw: string): string => Buffer.from(`${user}:${pw}`).toString('base64');

describe('findRegistryCredentials (where docker and skopeo look)', () => {
  it('finds Docker Hub credentials under its historic v1 URL', async () => {
    write('config.json', { auths: { 'https://index.docker.io/v1/': { auth: auth('hub-user', 'hub-pw') } } });
    const creds = await findRegistryCredentials('docker.io', { DOCKER_CONFIG: dir });
    expect([creds?.username, creds?.secret]).toEqual(['hub-user', 'hub-pw']);
  });

  it('matches a key written with a scheme and a path, and keeps a colon inside the password', async () => {
    write('config.json', { auths: { 'https://reg.example:5000/v2/': { auth: auth('u', 'p:w:d') } } });
    const creds = await findRegistryCredentials('reg.example:5000', { DOCKER_CONFIG: dir });
    expect(creds?.secret).toBe('p:w:d');
  });

  it('uses an identity token as such (OAuth refresh token, not a password)', async () => {
    write('config.json', { auths: { 'reg.example': { identitytoken: 'refresh-abc' } } });
    const creds = await findRegistryCredentials('reg.example', { DOCKER_CONFIG: dir });
    expect(creds?.isIdentityToken).toBe(true);
  });

  it('reads --authfile alone when given, and REGISTRY_AUTH_FILE before the docker config otherwise', async () => {
    write('config.json', { auths: { 'reg.example': { auth: auth('docker', 'd') } } });
    const podman = write('auth.json', { auths: { 'reg.example': { auth: auth('podman', 'p') } } });
    const explicit = write('explicit.json', { auths: {} });
    expect((await findRegistryCredentials('reg.example', { DOCKER_CONFIG: dir, REGISTRY_AUTH_FILE: podman }))?.username).toBe('podman');
    expect((await findRegistryCredentials('reg.example', { DOCKER_CONFIG: dir }))?.username).toBe('docker');
    expect(await findRegistryCredentials('reg.example', { DOCKER_CONFIG: dir, REGISTRY_AUTH_FILE: podman }, explicit)).toBeUndefined();
  });

  it('is anonymous without a config, and fails closed on a broken one or a missing --authfile', async () => {
    expect(await findRegistryCredentials('reg.example', { DOCKER_CONFIG: dir })).toBeUndefined();
    write('config.json', '{ not json');
    await expect(findRegistryCredentials('reg.example', { DOCKER_CONFIG: dir })).rejects.toBeInstanceOf(RegistryAuthenticationError);
    await expect(findRegistryCredentials('reg.example', {}, join(dir, 'missing.json'))).rejects.toBeInstanceOf(RegistryAuthenticationError);
  });
});
