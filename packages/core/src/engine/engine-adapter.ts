import type { RunEngineOptions } from './run-engine.js';

/** Every engine buildsecrets can drive, by the name `--engine` and `build.engine` take. */
export const ENGINE_NAMES = ['docker-buildx', 'docker-buildkit', 'docker-classic', 'podman', 'buildah'] as const;

/** One engine's name (see {@link ENGINE_NAMES}). */
export type EngineName = (typeof ENGINE_NAMES)[number];

/** What an engine can do with a build; the orchestrator refuses a strategy it cannot honour. */
export interface EngineCapabilities {
  /** `--secret id=X,src=<file>` reaches `RUN --mount=type=secret`. */
  readonly secretMount: boolean;
  /** `--secret id=X,env=VAR` (the value read from the engine's environment). */
  readonly secretMountEnv: boolean;
  /** `--ssh <id>=<agent socket>` reaches `RUN --mount=type=ssh`. */
  readonly sshForwarding: boolean;
  /** `--build-arg NAME` without a value takes the value from the engine's environment. */
  readonly buildArgFromEnv: boolean;
  /** `--iidfile <path>` reports the built image id. */
  readonly imageId: boolean;
  /** The built image can be streamed as a docker-archive for the audit. */
  readonly imageExport: boolean;
  /** An image already built (and audited) can be pushed by the engine's own push command (the push gate). */
  readonly push?: boolean;
}

/** A finished probe of one engine: whether it answers, and why it was (not) chosen. */
export interface EngineProbe {
  /** True when the engine answered and can build. */
  readonly available: boolean;
  /** The engine's (daemon's) version, when it answered. */
  readonly version?: string;
  /** One line for humans: what answered, or why not (never a credential). */
  readonly reason: string;
  /** True when the binary itself was not found (auto-detection then tries the next engine). */
  readonly missing?: boolean;
  /** The error to throw when this engine was asked for and cannot build. */
  readonly error?: Error;
}

/** Environment and cancellation for probes and image reads. */
export interface EngineEnvironment {
  /** The engine's environment (DOCKER_HOST, CONTAINERS_STORAGE_CONF, …). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Cancels the probe. */
  readonly signal?: AbortSignal;
  /** Upper bound for each query in ms. */
  readonly timeoutMs?: number;
}

/** A process to start: the argv (binary first) and the extra environment it needs. */
export interface EngineCommand {
  /** Binary first, then its arguments. */
  readonly argv: readonly string[];
  /** Variables added to the run's environment for this process only. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * What {@link EngineAdapter.run} needs: the same fields as {@link RunEngineOptions} (one definition;
 * every adapter runs through `runEngine`), without the ones the adapter decides itself (binary,
 * mode, the command, how errors name it).
 */
export type EngineRunRequest = Pick<RunEngineOptions, 'args' | 'env' | 'cwd' | 'signal' | 'output' | 'redactor' | 'iidFile' | 'killGraceMs' | 'onSpawn'>;

/** A local image's `rootfs.diff_ids` (uncompressed layer digests, bottom-up), or why they are not known. */
export type ImageDiffIds = readonly string[] | { readonly reason: string };

/** A finished, successful build. */
export interface EngineBuildRun {
  /** Always 0 (a failed build throws an `EngineError` carrying its exit code). */
  readonly exitCode: number;
  /** The image id, when the engine reported one. */
  readonly imageId?: string;
  /** The command that ran, values redacted. */
  readonly command: readonly string[];
}

/**
 * One container engine behind one small seam: how to find out whether it is there, what it can
 * do, the command that builds, running it (every adapter goes through the same spawn path, so
 * process groups, signals and redaction are handled once), and how to read the built image back
 * for the audit. Adapters hold no state between builds.
 */
export interface EngineAdapter {
  /** The engine's name. */
  readonly name: EngineName;
  /** The binary this adapter calls. */
  readonly binary: string;
  /** What it can do. */
  readonly capabilities: EngineCapabilities;
  /** Ask the engine whether it is there and can build. Never throws; the probe says why not. */
  detect(options: EngineEnvironment): Promise<EngineProbe>;
  /** The build command for `args` (the context last), with `--iidfile` when given. */
  buildCommand(args: readonly string[], iidFile?: string): EngineCommand;
  /** Run one build through the shared spawn path. */
  run(request: EngineRunRequest): Promise<EngineBuildRun>;
  /** The command that writes the image as a docker-archive tar on stdout (read as a stream, never stored). */
  exportCommand(image: string): EngineCommand;
  /**
   * The `rootfs.diff_ids` of a local image, read through this engine's own store (docker's image
   * store, or containers-storage for podman/buildah): the audit compares a build's layers with its
   * base images' to report a value found only in base layers as pre-existing. Never throws.
   */
  imageDiffIds(image: string, options: EngineEnvironment): Promise<ImageDiffIds>;
  /**
   * Extra build arguments a build needs so that the image lands where {@link pushCommand} can push
   * it from (buildx: `--load`, since a `docker-container` builder keeps results in its cache).
   */
  readonly pushBuildArgs?: readonly string[];
  /**
   * The engine's native push of an image that is already built, tagged `reference`: `docker push`,
   * `podman push`, `buildah push`. Never carries a credential (each engine reads its own login).
   * `digestFile`, where the engine can write the pushed manifest digest (podman, buildah).
   */
  pushCommand?(reference: string, options: EnginePushOptions): EngineCommand;
}

/** How {@link EngineAdapter.pushCommand} pushes; TLS settings exist for podman and buildah only. */
export interface EnginePushOptions {
  /** Where the engine writes the pushed manifest digest (podman, buildah `--digestfile`). */
  readonly digestFile?: string;
  /** `false`: do not verify the registry's certificate (podman/buildah `--tls-verify=false`). */
  readonly tlsVerify?: boolean;
  /** A directory of CA certificates (`*.crt`) for the registry (podman/buildah `--cert-dir`). */
  readonly certDir?: string;
}
