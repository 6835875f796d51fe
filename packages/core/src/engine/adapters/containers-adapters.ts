import { EngineError } from '../../errors/index.js';
import { capture } from '../exec-capture.js';
import type { EngineAdapter, EngineCapabilities, EngineEnvironment, EngineProbe } from '../engine-adapter.js';
import type { EngineBuildRun, EnginePushOptions, EngineRunRequest } from '../engine-adapter.js';
import { newRunId, removeBuildLeftovers, RUN_MARKER_ARG } from './containers-leftovers.js';
import { envSecretValues, removeEnvSecretCopies } from './env-secret-copies.js';
import { recordContainersBuild } from './containers-record.js';
import { containersBuildWatch } from './containers-watch.js';
import { trackContainersBuild } from '../../orchestrator/exit-cleanup.js';
import { inspectBuildahDiffIds, inspectRootFsLayers } from './image-diff-ids.js';
import { iidArgs, runAdapterBuild } from './run-adapter-build.js';

/**
 * Run a podman/buildah build with a run marker, and clean up what the engine leaves behind when
 * the build does not finish (see {@link removeBuildLeftovers}), and, whatever the outcome, the
 * engine's /dev/shm copies of env-sourced secrets (see {@link removeEnvSecretCopies}). Until both
 * are done the watchdog knows the build (see {@link containersBuildWatch}), so a SIGKILL of this
 * process does not skip them, and a record of it sits in the secret temp root, so that a kill of
 * this process and its watchdog together leaves them to the next run's start-up sweep (see
 * {@link recordContainersBuild}).
 */
async function runMarked(adapter: EngineAdapter, kind: 'podman' | 'buildah', request: EngineRunRequest): Promise<EngineBuildRun> {
  const runId = newRunId();
  const args = ['--build-arg', `${RUN_MARKER_ARG}=${runId}`, ...request.args];
  const watch = containersBuildWatch(adapter.binary, kind, runId, request.args, request.env);
  const forgetWatch = trackContainersBuild(watch);
  const forgetRecord = await recordContainersBuild(watch, request.env);
  try {
    return await runAdapterBuild(adapter.buildCommand(args, request.iidFile), request, kind, 2);
  } catch (error) {
    await removeBuildLeftovers(adapter.binary, kind, runId, request.env);
    throw error;
  } finally {
    await removeEnvSecretCopies(envSecretValues(request.args, request.env));
    forgetWatch();
    await forgetRecord();
  }
}

/** Podman 4 and Buildah 1.2x: `--secret id=,src=|env=`, `--ssh id=socket`, `--build-arg NAME` from the environment. */
const CONTAINERS: EngineCapabilities = { secretMount: true, secretMountEnv: true, sshForwarding: true, buildArgFromEnv: true, imageId: true, imageExport: true, push: true };

/**
 * `podman push` / `buildah push` of the local image `reference` to `docker://reference`, with the
 * digest written to a file; logins come from the engine's auth file (`REGISTRY_AUTH_FILE`,
 * `podman login`), never from argv.
 */
function containersPush(binary: string): (reference: string, options: EnginePushOptions) => { argv: string[]; env: Record<string, string> } {
  return (reference, options) => ({
    argv: [
      binary, 'push',
      ...(options.digestFile ? ['--digestfile', options.digestFile] : []),
      ...(options.tlsVerify === false ? ['--tls-verify=false'] : []),
      ...(options.certDir ? ['--cert-dir', options.certDir] : []),
      reference, `docker://${reference}`,
    ],
    env: {},
  });
}

/** Ask `<binary> <args>` for a version; a missing binary or a failing answer becomes the probe's reason. */
async function probeVersion(binary: string, kind: string, args: readonly string[], options: EngineEnvironment): Promise<EngineProbe> {
  const result = await capture(binary, args, { env: options.env, ...(options.signal ? { signal: options.signal } : {}), timeoutMs: options.timeoutMs ?? 15_000 });
  if (result.spawnError) {
    const error = new EngineError(`the ${kind} binary "${binary}" was not found`, { hint: `install ${kind}, or choose another engine with --engine` });
    return { available: false, reason: `"${binary}" was not found`, missing: true, error };
  }
  const version = /(\d+\.\d+(?:\.\d+)?)/.exec(result.stdout)?.[1];
  if (result.code !== 0 || !version) {
    const said = result.stderr.trim().split('\n')[0]?.slice(0, 200) ?? '';
    const error = new EngineError(`${kind} does not answer ("${binary} ${args.join(' ')}" failed${said ? `: ${said}` : ''})`, { hint: `check the ${kind} installation (storage, permissions)` });
    return { available: false, reason: error.message.replace(/^\[buildsecrets\] /, ''), error };
  }
  return { available: true, version, reason: `${kind} ${version} answered` };
}

/**
 * `podman build`. Builds run in containers-storage (root: /var/lib/containers); the image is read
 * back for the audit with `podman save` as a stream, never through `podman run`.
 */
export function podmanAdapter(podman: string): EngineAdapter {
  return {
    name: 'podman',
    binary: podman,
    capabilities: CONTAINERS,
    detect: (options) => probeVersion(podman, 'podman', ['version', '--format', '{{.Client.Version}}'], options),
    buildCommand: (args, iidFile) => ({ argv: [podman, 'build', ...iidArgs(iidFile), ...args], env: {} }),
    run(request) {
      return runMarked(this, 'podman', request);
    },
    exportCommand: (image) => ({ argv: [podman, 'save', '--format', 'docker-archive', image], env: {} }),
    imageDiffIds: (image, options) => inspectRootFsLayers(podman, 'podman', image, options),
    pushCommand: containersPush(podman),
  };
}

/** `buildah build`; the image is streamed for the audit with `buildah push <id> docker-archive:/dev/stdout`. */
export function buildahAdapter(buildah: string): EngineAdapter {
  return {
    name: 'buildah',
    binary: buildah,
    capabilities: CONTAINERS,
    detect: (options) => probeVersion(buildah, 'buildah', ['--version'], options),
    buildCommand: (args, iidFile) => ({ argv: [buildah, 'build', ...iidArgs(iidFile), ...args], env: {} }),
    run(request) {
      return runMarked(this, 'buildah', request);
    },
    // buildah opens /dev/stdout by name, which fails (ENXIO) on the socket Node gives a child as
    // stdout; a real pipe through `cat` works, and pipefail keeps buildah's own exit status.
    exportCommand: (image) => ({
      argv: ['bash', '-c', 'set -o pipefail; "$0" push --quiet "$1" docker-archive:/dev/stdout | cat', buildah, image.replace(/^sha256:/, '')],
      env: {},
    }),
    imageDiffIds: (image, options) => inspectBuildahDiffIds(buildah, image, options),
    pushCommand: containersPush(buildah),
  };
}
