import { AbortedError, EngineError } from '../errors/index.js';
import { describeDockerHost, stripUserinfo } from './docker-binary.js';
import { capture, type CaptureResult } from './exec-capture.js';

/** How a build is started: `docker buildx build`, or `DOCKER_BUILDKIT=1 docker build`. */
export type EngineMode = 'buildx' | 'buildkit';

/** The engine a build will use. */
export interface EngineInfo {
  /** The docker binary. */
  readonly docker: string;
  /** How the build is started. */
  readonly mode: EngineMode;
  /** The daemon's version (`docker version` Server.Version). */
  readonly version: string;
}

/** Options for {@link detectEngine}. */
export interface DetectEngineOptions {
  /** The docker binary (see `resolveDockerBinary`). */
  readonly docker: string;
  /** Environment for the docker CLI (DOCKER_HOST, DOCKER_CONFIG, …); default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Cancels detection. */
  readonly signal?: AbortSignal;
  /** Upper bound for each docker query in milliseconds (default 15000). */
  readonly timeoutMs?: number;
  /**
   * Ask about the buildx plugin only when `DOCKER_BUILDKIT=1 docker build` needs it (a CLI of 23
   * or newer), for `docker-buildkit` asked for by name: a docker CLI start fewer on every build.
   * The mode is then `buildkit` even where buildx is installed. Default false (auto-detection,
   * which prefers buildx, asks both at once).
   */
  readonly buildxOnlyIfNeeded?: boolean;
}

/** The first daemon release with BuildKit. */
const MIN_BUILDKIT: readonly [number, number] = [18, 9];
/** From this CLI release on, `docker build` with BuildKit needs the buildx plugin. */
const CLI_NEEDS_BUILDX: readonly [number, number] = [23, 0];

function parseVersion(text: string): [number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)/.exec(text.trim());
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

function atLeast(version: [number, number], min: readonly [number, number]): boolean {
  return version[0] > min[0] || (version[0] === min[0] && version[1] >= min[1]);
}

function firstLine(text: string): string {
  return stripUserinfo(text.trim().split('\n')[0]?.slice(0, 300) ?? '');
}

function missingBinary(docker: string, result: CaptureResult): EngineError {
  const code = result.spawnError?.code;
  const reason = code === 'ENOENT' ? 'was not found' : code === 'EACCES' ? 'is not executable' : `could not be started (${code ?? 'unknown'})`;
  return new EngineError(`the docker binary "${docker}" ${reason}`, {
    cause: result.spawnError,
    hint: 'install Docker, or name the binary with --docker /path/to/docker, BUILDSECRETS_DOCKER, or build.docker in buildsecrets.yaml',
  });
}

/**
 * Find out how to run a BuildKit build with `docker`: `docker buildx build` when the buildx plugin
 * answers, else `DOCKER_BUILDKIT=1 docker build` when the daemon is new enough. Throws an
 * {@link EngineError} that says what to do when the binary is missing, the daemon is unreachable,
 * or BuildKit is not available.
 *
 * @example
 * ```ts
 * const engine = await detectEngine({ docker: 'docker' });
 * // { docker: 'docker', mode: 'buildx', version: '27.3.1' }
 * ```
 */
export async function detectEngine(options: DetectEngineOptions): Promise<EngineInfo> {
  const env = options.env ?? process.env;
  const query = { env, signal: options.signal, timeoutMs: options.timeoutMs };
  const askBuildx = (): Promise<CaptureResult> => capture(options.docker, ['buildx', 'version'], query);
  // Both queries at once: each is a docker CLI start (tens of ms) on the path of every build.
  const [versions, asked] = await Promise.all([
    capture(options.docker, ['version', '--format', '{{.Client.Version}}|{{.Server.Version}}|{{.Server.Os}}'], query),
    options.buildxOnlyIfNeeded ? undefined : askBuildx(),
  ]);
  if (options.signal?.aborted) throw new AbortedError();
  if (versions.spawnError) throw missingBinary(options.docker, versions);
  const [client = '', server = '', os = ''] = versions.stdout.trim().split('|');
  if (versions.code !== 0 || server === '') {
    const said = firstLine(versions.stderr);
    throw new EngineError(`cannot reach the Docker daemon (${describeDockerHost(env)})${said ? `: ${said}` : ''}`, {
      hint: 'is dockerd running? Start it, or point DOCKER_HOST at a running daemon',
    });
  }
  const clientVersion = parseVersion(client);
  // Not asked (an older CLI builds with BuildKit by itself): counts as "no buildx".
  const buildx = asked ?? (clientVersion && !atLeast(clientVersion, CLI_NEEDS_BUILDX) ? { code: 1 } : await askBuildx());
  if (options.signal?.aborted) throw new AbortedError();
  if (buildx.code === 0) return { docker: options.docker, mode: 'buildx', version: server };
  const serverVersion = parseVersion(server);
  if (os === 'windows' || !serverVersion || !atLeast(serverVersion, MIN_BUILDKIT)) {
    throw new EngineError(`the Docker daemon (${server}${os ? `, ${os}` : ''}) has no BuildKit`, {
      hint: 'BuildKit secret mounts need a Linux daemon 18.09 or newer; upgrade Docker or use a BuildKit-enabled daemon',
    });
  }
  if (clientVersion && atLeast(clientVersion, CLI_NEEDS_BUILDX)) {
    throw new EngineError(`the docker CLI ${client} needs the buildx plugin for BuildKit builds, and "${options.docker} buildx" is not available`, {
      hint: 'install the buildx plugin (docker-buildx-plugin), or use a docker CLI older than 23 with --docker',
    });
  }
  return { docker: options.docker, mode: 'buildkit', version: server };
}
