import { describe, expect, it } from 'vitest';
import type { SecretConfig } from '../config/schema.js';
import { StrategyRefusedError } from '../errors/index.js';
import { dockerBuildkitAdapter, dockerClassicAdapter } from './adapters/docker-adapters.js';
import { podmanAdapter } from './adapters/containers-adapters.js';
import { assertEngineSupports, type EngineTarget } from './strategy-support.js';

const secret = (id: string, inject: SecretConfig['inject'], extra: Partial<SecretConfig> = {}) => ({ id, config: { from: 'env', ref: 'X', inject, ...extra } as SecretConfig });
const target = (adapter: { name: EngineTarget['name']; capabilities: EngineTarget['capabilities'] }, endpoint?: EngineTarget['endpoint']): EngineTarget => ({ name: adapter.name, capabilities: adapter.capabilities, ...(endpoint ? { endpoint } : {}) });
const classic = target(dockerClassicAdapter('docker'));
const remote = { host: 'tcp://10.0.0.5:2376', source: 'DOCKER_HOST', remote: true };

function refusal(run: () => void): StrategyRefusedError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(StrategyRefusedError);
    return error as StrategyRefusedError;
  }
  throw new Error('expected a refusal');
}

describe('assertEngineSupports', () => {
  it('refuses secret-mount on the classic builder, naming the secret, the strategy and an engine that can', () => {
    const err = refusal(() => assertEngineSupports([secret('npm_token', 'secret-mount')], classic));
    expect(err.message).toContain('secret npm_token uses inject: secret-mount');
    expect(err.message).toContain('docker-classic');
    expect(err.hint).toContain('--engine docker-buildx');
    expect(err.hint).toContain('inject: served-file');
    expect(err.secretId).toBe('npm_token');
  });

  it('refuses ssh-agent on the classic builder', () => {
    const err = refusal(() => assertEngineSupports([secret('deploy', 'ssh-agent')], classic));
    expect(err.message).toContain('inject: ssh-agent');
    expect(err.message).toContain('ssh forwarding');
  });

  it('lets served-file, build-arg and none through on the classic builder', () => {
    expect(() => assertEngineSupports([secret('a', 'served-file'), secret('b', 'build-arg'), secret('c', 'none')], classic)).not.toThrow();
  });

  it('lets every strategy through on BuildKit and podman', () => {
    const all = [secret('a', 'secret-mount'), secret('e', 'secret-mount', { source: 'env' } as Partial<SecretConfig>), secret('b', 'ssh-agent'), secret('c', 'served-file'), secret('d', 'build-arg')];
    expect(() => assertEngineSupports(all, target(dockerBuildkitAdapter('docker')))).not.toThrow();
    expect(() => assertEngineSupports(all, target(podmanAdapter('podman')))).not.toThrow();
  });

  it('lets secret-mount and ssh-agent through to a remote daemon (they travel over the BuildKit session)', () => {
    expect(() => assertEngineSupports([secret('a', 'secret-mount'), secret('b', 'ssh-agent')], target(dockerBuildkitAdapter('docker'), remote))).not.toThrow();
  });

  it('refuses served-file with a remote daemon unless a reachable host and allowRemote are set', () => {
    const engine = target(dockerBuildkitAdapter('docker'), remote);
    const err = refusal(() => assertEngineSupports([secret('api', 'served-file')], engine));
    expect(err.message).toContain('secret api uses inject: served-file');
    expect(err.message).toContain('tcp://10.0.0.5:2376');
    expect(err.hint).toContain('build.servedFile.host');
    refusal(() => assertEngineSupports([secret('api', 'served-file')], engine, { host: '10.0.0.1' }));
    refusal(() => assertEngineSupports([secret('api', 'served-file')], engine, { host: '127.0.0.1', allowRemote: true }));
    expect(() => assertEngineSupports([secret('api', 'served-file')], engine, { host: '10.0.0.1', allowRemote: true })).not.toThrow();
  });
});
