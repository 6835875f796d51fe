import type { InjectionKind, SecretConfig } from '../config/schema.js';
import { StrategyRefusedError } from '../errors/index.js';
import type { DockerEndpoint } from './docker-endpoint.js';
import { ENGINE_NAMES, type EngineCapabilities, type EngineName } from './engine-adapter.js';
import { buildahAdapter, podmanAdapter } from './adapters/containers-adapters.js';
import { dockerBuildkitAdapter, dockerBuildxAdapter, dockerClassicAdapter } from './adapters/docker-adapters.js';

/** One secret as the engine check sees it (no value: this runs before anything is resolved). */
export interface SecretToDeliver {
  /** The secret id. */
  readonly id: string;
  /** Its config entry. */
  readonly config: SecretConfig;
}

/** What the check knows about the engine before it is probed. */
export interface EngineTarget {
  /** The engine's name. */
  readonly name: EngineName;
  /** Its capabilities. */
  readonly capabilities: EngineCapabilities;
  /** For docker engines: where the daemon is. */
  readonly endpoint?: DockerEndpoint;
}

/** `build.servedFile` as far as the remote check needs it. */
export interface ServedFileReach {
  /** `build.servedFile.host`. */
  readonly host?: string;
  /** `build.servedFile.allowRemote`. */
  readonly allowRemote?: boolean;
}

const CAPABILITIES: Readonly<Record<EngineName, EngineCapabilities>> = {
  'docker-buildx': dockerBuildxAdapter('docker').capabilities,
  'docker-buildkit': dockerBuildkitAdapter('docker').capabilities,
  'docker-classic': dockerClassicAdapter('docker').capabilities,
  podman: podmanAdapter('podman').capabilities,
  buildah: buildahAdapter('buildah').capabilities,
};

/** The capability a secret's strategy needs, with words for the refusal. */
function requirement(kind: Exclude<InjectionKind, 'none'>, config: SecretConfig): { has: (c: EngineCapabilities) => boolean; what: string } {
  switch (kind) {
    case 'secret-mount':
      return config.source === 'env'
        ? { has: (c) => c.secretMountEnv, what: 'secret mounts from the environment (--secret id=…,env=…)' }
        : { has: (c) => c.secretMount, what: 'secret mounts (RUN --mount=type=secret)' };
    case 'ssh-agent':
      return { has: (c) => c.sshForwarding, what: 'ssh forwarding (RUN --mount=type=ssh)' };
    case 'build-arg':
    case 'served-file':
      return { has: (c) => c.buildArgFromEnv, what: 'build args read from the environment' };
  }
}

function isLoopbackAddress(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/**
 * Refuse, before anything is resolved, a secret whose strategy the engine cannot honour: the
 * error names the secret, the strategy, and an engine that can. A served-file secret with a
 * daemon on another machine is refused unless `build.servedFile.host` is an address that machine
 * can reach and `allowRemote` says the user meant it (a loopback server is unreachable from there).
 */
export function assertEngineSupports(secrets: readonly SecretToDeliver[], engine: EngineTarget, servedFile: ServedFileReach = {}): void {
  for (const { id, config } of secrets) {
    const kind = config.inject ?? 'secret-mount';
    if (kind === 'none') continue;
    const need = requirement(kind, config);
    if (!need.has(engine.capabilities)) {
      const able = ENGINE_NAMES.find((name) => need.has(CAPABILITIES[name]));
      const classic = engine.name === 'docker-classic' ? ' The classic builder has no RUN --mount: use inject: served-file for it, or' : '';
      throw new StrategyRefusedError(`secret ${id} uses inject: ${kind}, but the ${engine.name} engine has no ${need.what}`, {
        secretId: id,
        hint: `${classic} build with --engine ${able ?? 'docker-buildkit'} (or set build.engine)`.trim(),
      });
    }
    if (kind === 'served-file' && engine.endpoint?.remote) {
      const host = servedFile.host ?? '127.0.0.1';
      if (isLoopbackAddress(host) || servedFile.allowRemote !== true) {
        throw new StrategyRefusedError(`secret ${id} uses inject: served-file, but the ${engine.name} daemon is on another machine (${engine.endpoint.host}, from ${engine.endpoint.source}) and cannot reach a server on ${host}`, {
          secretId: id,
          hint: 'set build.servedFile.host to an address of this machine the remote builder can reach, and build.servedFile.allowRemote: true; or use inject: secret-mount, which travels over the BuildKit session',
        });
      }
    }
  }
}
