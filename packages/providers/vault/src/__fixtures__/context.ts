import { tmpdir } from 'node:os';
import { BuildSecretsError, createLogger, createRedactor, makeTempDir, type ProviderContext } from '@buildsecrets/core';

/** A provider context for tests that captures every log line and every registered sensitive label. */
export interface TestContext {
  readonly context: ProviderContext;
  /** Finished, redacted log lines. */
  readonly logs: string[];
  /** Labels passed to registerSensitive. */
  readonly sensitive: string[];
  /** Number of attempts context.retry made in total. */
  readonly retries: { attempts: number };
}

/** Make a {@link TestContext}; `env` replaces the environment the provider sees (never process.env). */
export function testContext(env: Record<string, string | undefined> = {}, overrides: Partial<ProviderContext> = {}): TestContext {
  const redactor = createRedactor();
  const logs: string[] = [];
  const sensitive: string[] = [];
  const retries = { attempts: 0 };
  const context: ProviderContext = {
    instanceName: 'ci-vault',
    logger: createLogger(redactor, { level: 'debug', write: (line) => logs.push(line) }),
    signal: new AbortController().signal,
    deadline: Date.now() + 60_000,
    baseDir: tmpdir(),
    env: { HOME: '/nonexistent-home', ...env },
    tempDir: (prefix) => makeTempDir(prefix),
    async retry(fn, options = {}) {
      const attempts = options.attempts ?? 3;
      for (let attempt = 1; ; attempt++) {
        retries.attempts += 1;
        try {
          return await fn(attempt);
        } catch (error) {
          if (attempt >= attempts || !(error instanceof BuildSecretsError) || !error.retryable) throw error;
          await new Promise((r) => setTimeout(r, 5));
        }
      }
    },
    registerSensitive(label, value) {
      sensitive.push(label);
      redactor.add(label, value);
    },
    ...overrides,
  };
  return { context, logs, sensitive, retries };
}
