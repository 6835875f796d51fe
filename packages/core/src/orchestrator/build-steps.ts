import type { BuildSecretsConfig } from '../config/schema.js';
import type { LeakFinding } from '../errors/index.js';
import type { SecretValue } from '../secret-value.js';
import { auditImageStep } from './audit-step.js';
import { checkDockerfileStep } from './dockerfile-step.js';

/** What the Dockerfile check reports to the build runner (names and positions only). */
export interface DockerfileCheck {
  /** Problems that stop the build before anything is resolved. */
  readonly errors: readonly string[];
  /** Problems worth a warning. */
  readonly warnings: readonly string[];
  /** ARG names the Dockerfile declares. */
  readonly declaredArgs: ReadonlySet<string>;
  /** Base images of the stages (`FROM` that names an image, not an earlier stage or `scratch`). */
  readonly baseImages?: readonly string[];
}

/** What the post-build audit receives. */
export interface AuditInput {
  /** Image id or reference. */
  readonly image: string;
  /** The docker binary. */
  readonly docker: string;
  /** Environment for docker. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Every resolved value with its id. */
  readonly secrets: readonly { readonly id: string; readonly value: SecretValue; readonly lines?: boolean }[];
  /** Cancels the audit. */
  readonly signal: AbortSignal;
  /** The base image of each build stage (`FROM`), to tell the layers the build added from the base's. */
  readonly baseImages?: readonly string[];
  /** The engine's export command (argv writing a docker-archive on stdout); default `<docker> save <image>`. */
  readonly exportCommand?: readonly string[];
  /**
   * Reads a base image's `rootfs.diff_ids` through the engine that built (its own image store);
   * default `docker image inspect`. Never throws: a reason means the base's layers count as the build's.
   */
  readonly baseDiffIds?: (image: string) => Promise<readonly string[] | { readonly reason: string }>;
}

/** What the post-build audit reports. */
export interface AuditOutcome {
  /** True when no value was found. */
  readonly clean: boolean;
  /** Every finding (never a value). */
  readonly findings: readonly LeakFinding[];
  /** Ids whose values are too short to search for without false hits. */
  readonly tooShort?: readonly string[];
  /** Layers that could not be searched, each with the reason. */
  readonly unscanned?: readonly string[];
  /** Findings only in base-image layers. */
  readonly preExisting?: readonly LeakFinding[];
  /** Layers searched. */
  readonly layers?: number;
  /** How many of them came with a base image. */
  readonly baseLayers?: number;
  /** Base images that could not be inspected, each with the reason (their layers count as the build's). */
  readonly unattributed?: readonly string[];
}

/**
 * The build runner's seams to the stages other modules own. `runBuild` uses
 * its default steps (the Dockerfile check and the image audit); tests and embedders may pass their own.
 */
export interface BuildSteps {
  /** Analyse the Dockerfile text against the config; absent → no analysis. */
  readonly checkDockerfile?: (input: { readonly file: string; readonly text: string; readonly config: BuildSecretsConfig }) => DockerfileCheck;
  /** Scan the built image for resolved values; absent → the audit is reported as unavailable. */
  readonly auditImage?: (input: AuditInput) => Promise<AuditOutcome>;
}

/** The steps wired into `runBuild` by default: the Dockerfile analyser and the image auditor. */
export const defaultBuildSteps: BuildSteps = { checkDockerfile: checkDockerfileStep, auditImage: auditImageStep };
