import { describe, expect, it } from 'vitest';
import { looksLikeSecretName } from './secret-like.js';
import { DOCKER_PROXY_ARGS, isDockerProxyArg } from './proxy-args.js';

describe('looksLikeSecretName', () => {
  it.each(['NPM_TOKEN', 'GITHUB_TOKEN', 'CLIENT_SECRET', 'DB_PASSWORD', 'MYSQL_PASSWD', 'API_KEY', 'AWS_SECRET_ACCESS_KEY', 'SSH_PRIVATE_KEY', 'GOOGLE_CREDENTIALS', 'NODE_AUTH_TOKEN', 'npmAuthToken', 'basic_auth', 'DB_PWD', 'apikey'])('flags %s', (name) => {
    expect(looksLikeSecretName(name)).toBe(true);
  });

  it.each(['VERSION', 'AUTHOR', 'PASSTHROUGH', 'NODE_ENV', 'PWD', 'CACHE_KEY', 'TOKENIZER_MODEL', 'HTTP_PROXY'])('leaves %s alone', (name) => {
    expect(looksLikeSecretName(name)).toBe(false);
  });
});

describe('DOCKER_PROXY_ARGS', () => {
  it('holds the five proxy args in both cases', () => {
    expect(DOCKER_PROXY_ARGS).toHaveLength(10);
    for (const name of ['HTTP_PROXY', 'https_proxy', 'FTP_PROXY', 'no_proxy', 'ALL_PROXY']) expect(isDockerProxyArg(name)).toBe(true);
    expect(isDockerProxyArg('Http_Proxy')).toBe(false);
    expect(Object.isFrozen(DOCKER_PROXY_ARGS)).toBe(true);
  });
});
