import { BuildSecretsError, PluginLoadError, isBuildSecretsError } from '../errors/index.js';
import type { Logger } from '../logging/logger.js';
import type { AnyProviderDefinition, ProviderContext, RetryOptions } from '../provider/types.js';
import type { Redactor } from '../redaction/types.js';
import { retry } from '../resolver/retry.js';
import type { ProviderHandle } from '../resolver/types.js';
import { makeTempDir } from '../util/temp-dir.js';
import type { TempDir } from '../provider/types.js';

/** What the pool needs to make provider instances. */
export interface ProviderPoolInput {
  readonly definitions: ReadonlyMap<string, AnyProviderDefinition>;
  readonly options: ReadonlyMap<string, unknown>;
  readonly logger: Logger;
  readonly redactor: Redactor;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly baseDir: string;
  readonly signal: AbortSignal;
  readonly deadline: () => number;
}

/**
 * Creates each provider instance once, on first use (so `plan` with an unused provider never
 * loads its SDK), hands plugins a {@link ProviderContext} (never the container), and disposes
 * every instance and temp dir at the end of the run, also after errors.
 */
export class ProviderPool {
  readonly #input: ProviderPoolInput;
  readonly #handles = new Map<string, Promise<ProviderHandle>>();
  readonly #tempDirs: TempDir[] = [];
  #disposed = false;

  constructor(input: ProviderPoolInput) {
    this.#input = input;
  }

  /** The instance named `name`, created on first call; concurrent first calls share one creation. */
  get(name: string): Promise<ProviderHandle> {
    if (this.#disposed) return Promise.reject(new BuildSecretsError('INTERNAL', 'the run was already disposed'));
    let handle = this.#handles.get(name);
    if (!handle) {
      handle = this.#create(name);
      this.#handles.set(name, handle);
    }
    return handle;
  }

  async #create(name: string): Promise<ProviderHandle> {
    const definition = this.#input.definitions.get(name);
    if (!definition) throw new PluginLoadError(`provider "${name}" is not defined in the config`, { provider: name });
    const context = this.#context(name);
    try {
      const provider = await definition.create(this.#input.options.get(name), context);
      return { name, provider, capabilities: definition.capabilities };
    } catch (err) {
      if (isBuildSecretsError(err)) throw err;
      throw new PluginLoadError(`provider "${name}" (${definition.name}) failed to start`, { provider: name, cause: err, hint: 'check the provider options; run with --verbose for details' });
    }
  }

  #context(name: string): ProviderContext {
    const { logger, redactor, env, baseDir, signal, deadline } = this.#input;
    const prefix = `[buildsecrets:${name}]`;
    return {
      instanceName: name,
      logger: {
        debug: (m) => logger.debug(`${prefix} ${m}`),
        info: (m) => logger.info(`${prefix} ${m}`),
        warn: (m) => logger.warn(`${prefix} ${m}`),
        error: (m) => logger.error(`${prefix} ${m}`),
      },
      signal,
      get deadline() {
        return deadline();
      },
      baseDir,
      env,
      tempDir: async (p?: string) => {
        const dir = await makeTempDir(p ?? name, env);
        this.#tempDirs.push(dir);
        return dir;
      },
      retry: <T>(fn: (attempt: number) => Promise<T>, options?: RetryOptions) => retry(fn, { signal, ...options }),
      registerSensitive: (label, value) => redactor.add(label, value),
    };
  }

  /** Dispose every created instance and temp dir. Idempotent; never throws (errors are logged). */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const handles = await Promise.allSettled(this.#handles.values());
    await Promise.all(
      handles.map(async (h) => {
        if (h.status !== 'fulfilled') return;
        try {
          await h.value.provider.dispose();
        } catch {
          this.#input.logger.warn(`provider ${h.value.name} failed to dispose cleanly`);
        }
      }),
    );
    await Promise.all(this.#tempDirs.map((d) => d.remove()));
  }
}
