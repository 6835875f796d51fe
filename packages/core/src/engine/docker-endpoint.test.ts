import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerEndpoint, isRemoteDockerHost } from './docker-endpoint.js';

let config = '';
beforeAll(async () => {
  config = await mkdtemp(join(tmpdir(), 'bs-docker-config-'));
  const meta = join(config, 'contexts', 'meta', createHash('sha256').update('far').digest('hex'));
  await mkdir(meta, { recursive: true });
  await writeFile(join(meta, 'meta.json'), JSON.stringify({ Name: 'far', Endpoints: { docker: { Host: 'tcp://198.51.100.7:2376' } } }));
  await writeFile(join(config, 'config.json'), JSON.stringify({ currentContext: 'far' }));
});
afterAll(() => rm(config, { recursive: true, force: true }));

describe('isRemoteDockerHost', () => {
  it.each([
    ['unix:///var/run/docker.sock', false],
    ['tcp://127.0.0.1:2375', false],
    ['tcp://localhost:2375', false],
    ['tcp://[::1]:2375', false],
    ['tcp://10.250.0.2:23750', true],
    ['ssh://builder@build.example', true],
    ['npipe:////./pipe/docker_engine', false],
  ])('%s → %s', (host, remote) => {
    expect(isRemoteDockerHost(host)).toBe(remote);
  });
});

describe('dockerEndpoint', () => {
  it('takes DOCKER_HOST first and never shows its credentials', async () => {
    const endpoint = await dockerEndpoint({ DOCKER_HOST: 'tcp://admin:pw-canary@10.1.2.3:2376', DOCKER_CONFIG: config });
    expect(endpoint).toEqual({ host: 'tcp://10.1.2.3:2376', source: 'DOCKER_HOST', remote: true });
  });
  it('follows the current docker context without starting docker', async () => {
    expect(await dockerEndpoint({ DOCKER_CONFIG: config })).toEqual({ host: 'tcp://198.51.100.7:2376', source: 'context far', remote: true });
  });
  it('DOCKER_CONTEXT=default means the local socket', async () => {
    expect(await dockerEndpoint({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'default' })).toMatchObject({ source: 'default', remote: false });
  });
});
