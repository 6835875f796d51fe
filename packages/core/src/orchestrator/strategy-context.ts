import { defaultBuildConfig } from '../config/fast-config.js';
import type { SecretValue } from '../secret-value.js';
import type { StrategyContext } from '../strategies/types.js';
import type { BuildSession } from './build-types.js';
import { trackPath } from './exit-cleanup.js';
import type { BuildResources } from './teardown.js';

/**
 * The context strategies prepare with. Its `tempDir` records every directory twice: in the build's
 * resources (removed in the `finally`) and in the exit-time registry (removed even if the process
 * is forced out before the `finally` runs).
 */
export function makeStrategyContext(
  session: BuildSession,
  resources: BuildResources,
  signal: AbortSignal,
  values: ReadonlyMap<string, SecretValue>,
  declaredArgs: ReadonlySet<string>,
): StrategyContext {
  return {
    logger: session.logger,
    signal,
    redactor: session.redactor,
    build: session.config.build ?? defaultBuildConfig(),
    env: session.env,
    declaredArgs,
    lookup: (id) => values.get(id),
    tempDir: async (prefix) => {
      const dir = await session.tempDir(prefix);
      resources.addTempDir(dir, trackPath(dir.path));
      return dir;
    },
  };
}
