import { BuildSecretsError, ConfigError, ContextLeakError, DockerfileError, LeakDetectedError, PluginLoadError, UsageError } from '@buildsecrets/core';

/** The CLI's exit codes. Stable: scripts depend on them. */
export const EXIT = {
  /** Everything worked. */
  ok: 0,
  /** A runtime failure: a secret did not resolve, the engine failed. */
  failure: 1,
  /** Bad command line or config (nothing was attempted). */
  usage: 2,
  /** The audit found a secret value in the image, or the context check found one in the build context. */
  leak: 3,
  /** Interrupted by SIGINT (128 + 2). */
  sigint: 130,
  /** Terminated by SIGTERM (128 + 15). */
  sigterm: 143,
} as const;

/** The exit code for an error thrown by a command. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof LeakDetectedError) return EXIT.leak;
  // A value (or, strict, a credential file) in the build context: a leak caught before the build.
  if (error instanceof ContextLeakError) return EXIT.leak;
  if (error instanceof ConfigError || error instanceof DockerfileError || error instanceof UsageError || error instanceof PluginLoadError) return EXIT.usage;
  if (error instanceof BuildSecretsError) return EXIT.failure;
  return EXIT.failure;
}
