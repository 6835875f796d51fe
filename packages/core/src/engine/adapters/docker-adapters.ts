import { EngineError } from '../../errors/index.js';
import { capture } from '../exec-capture.js';
import { detectEngine } from '../detect-engine.js';
import { describeDockerHost } from '../docker-binary.js';
import type { EngineAdapter, EngineCapabilities, EngineEnvironment, EngineProbe } from '../engine-adapter.js';
import { inspectRootFsLayers } from './image-diff-ids.js';
import { iidArgs, runAdapterBuild } from './run-adapter-build.js';

const BUILDKIT: EngineCapabilities = { secretMount: true, secretMountEnv: true, sshForwarding: true, buildArgFromEnv: true, imageId: true, imageExport: true, push: true };
/** The classic builder has no `RUN --mount`: no secret mounts, no ssh forwarding. */
const CLASSIC: EngineCapabilities = { secretMount: false, secretMountEnv: false, sshForwarding: false, buildArgFromEnv: true, imageId: true, imageExport: true, push: true };

/** `docker push REF`: the daemon's own push of a local image (TLS and logins are the daemon's and docker config's). */
function dockerPush(docker: string): (reference: string) => { argv: string[]; env: Record<string, string> } {
  return (reference) => ({ argv: [docker, 'push', reference], env: {} });
}

function failed(error: unknown): EngineProbe {
  const err = error instanceof Error ? error : new EngineError(String(error));
  return { available: false, reason: err.message.replace(/^\[buildsecrets\] /, ''), missing: /was not found/.test(err.message), error: err };
}

/** The shared BuildKit probe: which of buildx / `DOCKER_BUILDKIT=1` this docker can run. */
async function probeBuildKit(docker: string, want: 'buildx' | 'buildkit', options: EngineEnvironment): Promise<EngineProbe> {
  try {
    const info = await detectEngine({ docker, env: options.env, buildxOnlyIfNeeded: want === 'buildkit', ...(options.signal ? { signal: options.signal } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
    if (want === 'buildx' && info.mode !== 'buildx') {
      const error = new EngineError(`"${docker} buildx" is not available`, { hint: 'install the buildx plugin, or use --engine docker-buildkit' });
      return { available: false, reason: `no buildx plugin (daemon ${info.version} answered)`, error };
    }
    const how = info.mode === 'buildx' ? 'the buildx plugin answered' : want === 'buildkit' ? 'the daemon has BuildKit' : 'no buildx plugin; the daemon has BuildKit';
    return { available: true, version: info.version, reason: `${how} (daemon ${info.version}, ${describeDockerHost(options.env)})` };
  } catch (error) {
    return failed(error);
  }
}

/** `docker buildx build`: BuildKit through the buildx plugin. */
export function dockerBuildxAdapter(docker: string): EngineAdapter {
  return {
    name: 'docker-buildx',
    binary: docker,
    capabilities: BUILDKIT,
    detect: (options) => probeBuildKit(docker, 'buildx', options),
    buildCommand: (args, iidFile) => ({ argv: [docker, 'buildx', 'build', ...iidArgs(iidFile), ...args], env: {} }),
    run(request) {
      return runAdapterBuild(this.buildCommand(request.args, request.iidFile), request, 'docker', 3);
    },
    exportCommand: (image) => ({ argv: [docker, 'save', image], env: {} }),
    imageDiffIds: (image, options) => inspectRootFsLayers(docker, 'docker', image, options),
    // A docker-container builder keeps its result in the builder: `--load` puts the image into the
    // daemon, where it is audited and then pushed with `docker push` (never `--push` at build time).
    pushBuildArgs: ['--load'],
    pushCommand: dockerPush(docker),
  };
}

/** `DOCKER_BUILDKIT=1 docker build`: BuildKit built into the daemon (docker CLI before 23). */
export function dockerBuildkitAdapter(docker: string): EngineAdapter {
  return {
    name: 'docker-buildkit',
    binary: docker,
    capabilities: BUILDKIT,
    detect: (options) => probeBuildKit(docker, 'buildkit', options),
    buildCommand: (args, iidFile) => ({ argv: [docker, 'build', ...iidArgs(iidFile), ...args], env: { DOCKER_BUILDKIT: '1' } }),
    run(request) {
      return runAdapterBuild(this.buildCommand(request.args, request.iidFile), request, 'docker', 2);
    },
    exportCommand: (image) => ({ argv: [docker, 'save', image], env: {} }),
    imageDiffIds: (image, options) => inspectRootFsLayers(docker, 'docker', image, options),
    pushCommand: dockerPush(docker),
  };
}

/** `DOCKER_BUILDKIT=0 docker build`: the classic builder, for served-file and build-arg only. */
export function dockerClassicAdapter(docker: string): EngineAdapter {
  return {
    name: 'docker-classic',
    binary: docker,
    capabilities: CLASSIC,
    async detect(options) {
      const result = await capture(docker, ['version', '--format', '{{.Server.Version}}'], { env: options.env, ...(options.signal ? { signal: options.signal } : {}), timeoutMs: options.timeoutMs ?? 15_000 });
      if (result.spawnError) {
        const error = new EngineError(`the docker binary "${docker}" was not found`, { hint: 'install Docker, or name the binary with --docker /path/to/docker' });
        return { available: false, reason: error.message.replace(/^\[buildsecrets\] /, ''), missing: true, error };
      }
      const version = result.stdout.trim();
      if (result.code !== 0 || version === '') {
        const error = new EngineError(`cannot reach the Docker daemon (${describeDockerHost(options.env)})`, { hint: 'is dockerd running? Start it, or point DOCKER_HOST at a running daemon' });
        return { available: false, reason: error.message.replace(/^\[buildsecrets\] /, ''), error };
      }
      return { available: true, version, reason: `the daemon answered (${version}, ${describeDockerHost(options.env)}); classic builder asked for` };
    },
    buildCommand: (args, iidFile) => ({ argv: [docker, 'build', ...iidArgs(iidFile), ...args], env: { DOCKER_BUILDKIT: '0' } }),
    run(request) {
      return runAdapterBuild(this.buildCommand(request.args, request.iidFile), request, 'docker', 2);
    },
    exportCommand: (image) => ({ argv: [docker, 'save', image], env: {} }),
    imageDiffIds: (image, options) => inspectRootFsLayers(docker, 'docker', image, options),
    pushCommand: dockerPush(docker),
  };
}
