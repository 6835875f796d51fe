import type { LeakFinding } from '@buildsecrets/base';
import type { SecretValue } from '@buildsecrets/base';

/** A secret to look for in an image. */
export interface AuditSecret {
  /** The secret id, used in findings. */
  readonly id: string;
  /** The value; it is searched for but never reported. */
  readonly value: SecretValue;
  /** Also search each line of a multi-line value on its own (default true; false for a rendered template). */
  readonly lines?: boolean;
}

/** Options for {@link auditImage}. Exactly one of `image` and `archive` is required. */
export interface AuditOptions {
  /** An image name or id known to the engine; read through `docker save` as a stream. */
  readonly image?: string;
  /** A `docker save` archive or an OCI-layout tar (optionally gzip-compressed) on disk. */
  readonly archive?: string;
  /** The docker binary (default `docker`). */
  readonly docker?: string;
  /**
   * The engine's export command, binary first, writing the image as a docker-archive tar on stdout
   * (`podman save --format docker-archive <id>`, `buildah push <id> docker-archive:/dev/stdout`);
   * replaces `<docker> save <image>`.
   */
  readonly exportCommand?: readonly string[];
  /** Extra environment for the docker binary (for example `DOCKER_HOST`), merged over `process.env`. */
  readonly env?: Readonly<Record<string, string>>;
  /** The values to look for. */
  readonly secrets: readonly AuditSecret[];
  /** Cancels the audit (the `docker save` child is killed). */
  readonly signal?: AbortSignal;
  /** Upper bound for the whole audit in milliseconds (default 20 minutes). */
  readonly timeoutMs?: number;
  /**
   * The `rootfs.diff_ids` of the base image of each build stage (`docker image inspect
   * --format '{{json .RootFS.Layers}}'`). The audited image's layers that match one of them from the
   * bottom up came with the base; values found only there are reported in `preExisting`.
   * Absent: no layer is attributed to a base image (everything counts as written by the build).
   */
  readonly baseDiffIds?: readonly (readonly string[])[];
  /**
   * How many layers of 1 MiB or more are searched at once (default: twice the machine's cores, at
   * most 4). `1` searches everything on the calling thread, in archive order. The report is the
   * same either way.
   */
  readonly concurrency?: number;
  /**
   * Of the `concurrency` layers searched at once, how many the calling thread searches itself;
   * worker threads take the others. zlib inflates on libuv's thread pool, so one thread keeps
   * about two cores busy: the default is all of them on up to 2 cores (no worker starts), and
   * fewer with more cores (one thread per two cores). `0` keeps the calling thread's event loop
   * free: every layer of 1 MiB or more is searched in a worker.
   */
  readonly callingThreadLayers?: number;
}

/** A layer (or other blob) that could not be searched, and why. */
export interface UnscannedLayer {
  /** Layer digest (or archive path when the digest is unknown). */
  readonly layer: string;
  /** Why it was not searched. */
  readonly reason: string;
}

/** Result of {@link auditImage}. Never contains a secret value or an encoding of one. */
export interface AuditReport {
  /** What was audited: the image name or the archive path. */
  readonly source: string;
  /**
   * Every place a value was found, in image order (layers bottom-up, then config, then manifests),
   * except places in base-image layers (see `preExisting`).
   */
  readonly findings: readonly LeakFinding[];
  /** Places in base-image layers (given by `baseDiffIds`): there before the build, not written by it. */
  readonly preExisting: readonly LeakFinding[];
  /** Ids whose values are shorter than 8 bytes: reported, not searched (they would match by chance). */
  readonly tooShort: readonly string[];
  /** Blobs that could not be searched (for example zstd layers on Node 20). */
  readonly unscanned: readonly UnscannedLayer[];
  /** How much was searched. `bytes` counts uncompressed file and metadata bytes. */
  readonly stats: {
    readonly layers: number;
    readonly files: number;
    readonly bytes: number;
    /** Layers that came with a base image (0 when no base was given or none matched). */
    readonly baseLayers: number;
  };
  /** True when nothing was found (pre-existing findings included) and every layer was searched. */
  readonly clean: boolean;
}
