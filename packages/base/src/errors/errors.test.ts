import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  BuildSecretsError,
  ConfigError,
  LeakDetectedError,
  ProviderUnavailableError,
  SecretNotFoundError,
  SecretsUnresolvedError,
  ScrubbedCause,
} from './index.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const CANARY = makeCanary('errors');

describe('BuildSecretsError family', () => {
  it('carries a stable code, the secret id and provider, and prefixes the message with the provider', () => {
    const err = new SecretNotFoundError('no secret at secret/ci/npm', { secretId: 'npm_token', provider: 'ci-vault', hint: 'check the path' });
    expect(err.code).toBe('SECRET_NOT_FOUND');
    expect(err.secretId).toBe('npm_token');
    expect(err.message).toBe('[buildsecrets:ci-vault] no secret at secret/ci/npm\n  → check the path');
    expect(err.name).toBe('SecretNotFoundError');
    expect(err).toBeInstanceOf(BuildSecretsError);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(AuthenticationError);
  });

  it('marks provider outages retryable by default', () => {
    expect(new ProviderUnavailableError('503').retryable).toBe(true);
    expect(new SecretNotFoundError('x').retryable).toBe(false);
  });

  it('scrubs the cause down to its name and codes, dropping vendor messages that may quote values', () => {
    const vendor = Object.assign(new Error(`{"data":{"token":"${CANARY}"}}`), { code: 'ECONNRESET', statusCode: 502 });
    const err = new ProviderUnavailableError('vault did not answer', { cause: vendor });
    const cause = err.cause as ScrubbedCause;
    expect(cause).toBeInstanceOf(ScrubbedCause);
    expect(cause.code).toBe('ECONNRESET');
    expect(cause.status).toBe(502);
    expect(`${cause.message}${cause.stack}${JSON.stringify(err)}${err.stack}`).not.toContain(CANARY);
  });

  it('scrubs nested causes and non-error throwables too', () => {
    const inner = new Error(CANARY);
    const outer = new Error('outer', { cause: inner });
    const err = new AuthenticationError('login failed', { cause: outer });
    const chain = [(err.cause as Error).message, ((err.cause as Error).cause as Error).message].join();
    expect(chain).not.toContain(CANARY);
    expect((new AuthenticationError('x', { cause: CANARY }).cause as Error).message).toBe('string');
  });

  it('lists every issue of a ConfigError with its path', () => {
    const err = new ConfigError([{ path: 'secrets.a.from', message: 'provider "v" is not defined' }, { path: 'version', message: 'must be 1' }], { file: 'x.yaml' });
    expect(err.message).toContain('2 problems');
    expect(err.message).toContain('  - secrets.a.from: provider "v" is not defined');
    expect(err.issues).toHaveLength(2);
  });

  it('aggregates unresolved secrets with id, provider and reason', () => {
    const err = new SecretsUnresolvedError([{ secretId: 'a', provider: 'p', error: new SecretNotFoundError('gone', { provider: 'p' }) }]);
    expect(err.code).toBe('SECRETS_UNRESOLVED');
    expect(err.message).toContain('  - a (provider p): gone');
  });

  it('names leaked ids and never values', () => {
    const err = new LeakDetectedError([{ secretId: 'npm_token', encoding: 'base64', location: { kind: 'config', field: 'Env' } }], { image: 'app:1' });
    expect(err.message).toContain('npm_token');
    expect(err.message).toContain('app:1');
  });

  it('serialises to JSON without the stack or cause', () => {
    const json = JSON.parse(JSON.stringify(new SecretNotFoundError('x', { secretId: 's', provider: 'p', cause: new Error(CANARY) }))) as Record<string, unknown>;
    expect(json).toEqual({ name: 'SecretNotFoundError', code: 'SECRET_NOT_FOUND', message: '[buildsecrets:p] x', secretId: 's', provider: 'p', retryable: false });
  });

  // A second copy of core (a plugin bundling its own, two versions in node_modules) must still
  // produce errors this copy recognises. The compiled dist (`npm test` builds it first) is a
  // genuinely separate module copy.
  const dist = new URL('../../dist/errors/index.js', import.meta.url);
  it('recognises errors made by another copy of core with instanceof', async () => {
    const other = (await import(dist.href)) as typeof import('./index.js');
    expect(other.SecretNotFoundError).not.toBe(SecretNotFoundError);
    const foreign = new other.SecretNotFoundError('x');
    expect(foreign).toBeInstanceOf(SecretNotFoundError);
    expect(foreign).toBeInstanceOf(BuildSecretsError);
    expect(foreign).not.toBeInstanceOf(AuthenticationError);
    expect(new SecretNotFoundError('y')).toBeInstanceOf(other.BuildSecretsError);
  });
});
