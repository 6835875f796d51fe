import type { Logger } from '../logging/logger.js';
import type { TempDir } from '../provider/types.js';
import type { SecretValue } from '../secret-value.js';
import type { PreparedInjection } from '../strategies/types.js';

/**
 * Everything one build holds that must not outlive it. Teardown is idempotent and never throws:
 * it runs in `finally` blocks, where a second error would hide the first.
 */
export class BuildResources {
  readonly #injections: PreparedInjection[] = [];
  readonly #tempDirs: TempDir[] = [];
  readonly #forget: (() => void)[] = [];
  readonly #values: SecretValue[] = [];

  /** Keep a prepared injection for disposal. */
  addInjection(injection: PreparedInjection): void {
    this.#injections.push(injection);
  }

  /** Keep a temp dir for removal, and the function that forgets it in the exit-time registry. */
  addTempDir(dir: TempDir, forget: () => void): void {
    this.#tempDirs.push(dir);
    this.#forget.push(forget);
  }

  /** Keep resolved values for wiping. */
  addValues(values: Iterable<SecretValue>): void {
    this.#values.push(...values);
  }

  /** Dispose injections (last prepared first), then remove temp dirs. Failures are logged, not thrown. */
  async release(logger: Logger): Promise<void> {
    for (let injection = this.#injections.pop(); injection; injection = this.#injections.pop()) {
      await injection.dispose().catch((err: unknown) => logger.warn(`teardown: an injection failed to dispose (${describe(err)})`));
    }
    for (let dir = this.#tempDirs.pop(); dir; dir = this.#tempDirs.pop()) {
      await dir.remove().catch((err: unknown) => logger.warn(`teardown: could not remove ${dir?.path} (${describe(err)})`));
    }
    for (const forget of this.#forget.splice(0)) forget();
  }

  /** Overwrite every resolved value in memory. */
  wipe(): void {
    for (const value of this.#values.splice(0)) {
      try {
        value.wipe();
      } catch {
        // A value made by an older core without wipe(); nothing else to do.
      }
    }
  }
}

function describe(err: unknown): string {
  // Only the class and code: a message from a strategy could quote a path or worse.
  if (!(err instanceof Error)) return typeof err;
  const code: unknown = Reflect.get(err, 'code');
  return typeof code === 'string' ? `${err.name} ${code}` : err.name;
}
