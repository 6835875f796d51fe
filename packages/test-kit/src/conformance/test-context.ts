import type { LogLevel, ProviderContext, RetryOptions, TempDir } from '@buildsecrets/core';
import { makeTempDir } from '@buildsecrets/core';

/** A {@link ProviderContext} for tests, with what the provider logged and registered. */
export interface TestProviderContext {
  /** Hand this to `definition.create(options, context)`. */
  readonly context: ProviderContext;
  /** Every log line, as `level: message` (unredacted: assert your canary is not in here). */
  readonly logs: string[];
  /** Labels passed to `registerSensitive` (the values are kept out of this list on purpose). */
  readonly sensitiveLabels: string[];
  /** Remove the temp dirs the provider made. */
  cleanup(): Promise<void>;
}

/**
 * Make a provider context for tests: captured logs, `baseDir` and `env` as given, a one-try
 * `retry`, a signal that never aborts unless you pass one, and temp dirs removed by `cleanup`.
 */
export function createTestContext(overrides: Partial<Pick<ProviderContext, 'instanceName' | 'baseDir' | 'env' | 'signal' | 'deadline'>> = {}): TestProviderContext {
  const logs: string[] = [];
  const sensitiveLabels: string[] = [];
  const dirs: TempDir[] = [];
  const log = (level: LogLevel) => (message: string) => void logs.push(`${level}: ${message}`);
  const context: ProviderContext = {
    instanceName: overrides.instanceName ?? 'test',
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    signal: overrides.signal ?? new AbortController().signal,
    deadline: overrides.deadline ?? Date.now() + 60_000,
    baseDir: overrides.baseDir ?? process.cwd(),
    env: overrides.env ?? {},
    async tempDir(prefix?: string) {
      const dir = await makeTempDir(prefix ?? 'test');
      dirs.push(dir);
      return dir;
    },
    retry<T>(fn: (attempt: number) => Promise<T>, _options?: RetryOptions): Promise<T> {
      return fn(1);
    },
    registerSensitive(label: string) {
      sensitiveLabels.push(label);
    },
  };
  return { context, logs, sensitiveLabels, cleanup: async () => void (await Promise.all(dirs.map((d) => d.remove()))) };
}
