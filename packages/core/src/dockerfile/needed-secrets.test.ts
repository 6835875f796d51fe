import { describe, expect, it } from 'vitest';
import { configSchema, type BuildSecretsConfigInput } from '../config/schema.js';
import { neededSecrets } from './needed-secrets.js';

const config = (secrets: BuildSecretsConfigInput['secrets']) => configSchema.parse({ version: 1, providers: { p: { use: 'env' } }, secrets });

const DOCKERFILE = [
  'FROM busybox AS base',
  'FROM base AS test',
  'RUN --mount=type=secret,id=test_token,required true',
  'FROM base AS final',
  'ARG BUILD_TOKEN',
  'RUN --mount=type=secret,id=release_token,required --mount=type=ssh,id=git,required true',
].join('\n');

const SECRETS = config({
  test_token: { from: 'p', ref: 'A' },
  release_token: { from: 'p', ref: 'B' },
  deploy_key: { from: 'p', ref: 'C', inject: 'ssh-agent', sshId: 'git', passphraseFrom: 'deploy_pass' },
  deploy_pass: { from: 'p', ref: 'D', inject: 'none' },
  build_token: { from: 'p', ref: 'E', inject: 'build-arg', buildArg: 'BUILD_TOKEN', allowInsecure: true },
  served: { from: 'p', ref: 'F', inject: 'served-file' },
  orphan: { from: 'p', ref: 'G', inject: 'none' },
});

describe('neededSecrets: least privilege per target', () => {
  it('--target test needs only what the test stage mounts', () => {
    expect(neededSecrets(SECRETS, DOCKERFILE, { target: 'test' })).toEqual({
      ok: true, target: 'test', needed: ['test_token'], inject: ['test_token'],
      notNeeded: ['release_token', 'deploy_key', 'deploy_pass', 'build_token', 'served', 'orphan'],
    });
  });

  it('the last stage needs its mount, its ssh key with the passphrase, and its declared build-arg', () => {
    const scope = neededSecrets(SECRETS, DOCKERFILE);
    expect(scope).toMatchObject({ ok: true, target: 'final', needed: ['release_token', 'deploy_key', 'deploy_pass', 'build_token'], inject: ['release_token', 'deploy_key', 'build_token'] });
  });

  it('served-file secrets are needed where a stage declares the served-file ARGs', () => {
    const text = 'FROM busybox AS a\nARG BUILDSECRETS_URL\nARG BUILDSECRETS_TOKEN\nRUN true\nFROM busybox AS b';
    expect(neededSecrets(SECRETS, text, { target: 'a' })).toMatchObject({ needed: ['served'] });
    expect(neededSecrets(SECRETS, text)).toMatchObject({ needed: [] });
  });

  it('a mount id written with a variable keeps every secret-mount secret (it cannot be known before the build)', () => {
    const text = 'FROM busybox\nARG WHICH\nRUN --mount=type=secret,id=$WHICH true';
    expect(neededSecrets(SECRETS, text)).toMatchObject({ needed: ['test_token', 'release_token'] });
  });

  it('a rendered secret brings the secrets its template embeds: resolved, but injected only if a stage uses them', () => {
    const withTemplate = config({
      npmrc: { template: '//r/:_authToken={{ secret "npm_token" }}' },
      npm_token: { from: 'p', ref: 'N' },
      other: { from: 'p', ref: 'O' },
    });
    const text = 'FROM busybox\nRUN --mount=type=secret,id=npmrc,required true';
    expect(neededSecrets(withTemplate, text, {}, new Map([['npmrc', ['npm_token']]]))).toMatchObject({ needed: ['npmrc', 'npm_token'], inject: ['npmrc'], notNeeded: ['other'] });
  });

  it('an unknown --target is an error, not a silent full fetch', () => {
    expect(neededSecrets(SECRETS, DOCKERFILE, { target: 'prod' })).toMatchObject({ ok: false });
  });
});

describe('neededSecrets: the cache key of keyed revs', () => {
  it('a needed cache: keyed secret needs build.cacheKeyFrom too (fetched, never injected)', () => {
    const cfg = configSchema.parse({
      version: 1,
      providers: { p: { use: 'env' } },
      secrets: { token: { from: 'p', ref: 'T', cache: 'keyed' }, other: { from: 'p', ref: 'O' }, cachekey: { from: 'p', ref: 'K', inject: 'none' } },
      build: { cacheKeyFrom: 'cachekey' },
    });
    const scope = neededSecrets(cfg, 'FROM busybox\nARG BUILDSECRETS_REV_TOKEN\nRUN --mount=type=secret,id=token,required true');
    expect(scope).toMatchObject({ ok: true, needed: ['token', 'cachekey'], inject: ['token'], notNeeded: ['other'] });
    const unkeyed = neededSecrets(cfg, 'FROM busybox\nRUN --mount=type=secret,id=other,required true');
    expect(unkeyed).toMatchObject({ ok: true, needed: ['other'], notNeeded: ['token', 'cachekey'] });
  });
});
