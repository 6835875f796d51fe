import 'reflect-metadata';
import { container as globalContainer, instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import type { BuildSecretsConfig, InjectionKind } from '../config/schema.js';
import type { Logger } from '../logging/logger.js';
import type { AnyProviderDefinition } from '../provider/types.js';
import type { Redactor } from '../redaction/types.js';
import type { InjectionStrategy } from '../strategies/types.js';
import { ProviderPool } from './provider-pool.js';
import { TOKENS } from './tokens.js';

/**
 * Our own root, made once as a child of tsyringe's global container and never registered into, so
 * two embedders in one process (or two runs) cannot see each other's registrations.
 */
const root: DependencyContainer = globalContainer.createChildContainer();

/** Everything one run is composed from. */
export interface RunComposition {
  readonly config: BuildSecretsConfig;
  readonly baseDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
  readonly redactor: Redactor;
  readonly signal: AbortSignal;
  readonly providerDefinitions: ReadonlyMap<string, AnyProviderDefinition>;
  readonly providerOptions: ReadonlyMap<string, unknown>;
  readonly strategies: ReadonlyMap<Exclude<InjectionKind, 'none'>, InjectionStrategy>;
  /** Epoch ms by which resolution must finish (read lazily: it is set when resolution starts). */
  readonly deadline: () => number;
}

/** Make the child container for one run. Dispose it with {@link disposeRun}. */
export function composeRun(input: RunComposition): DependencyContainer {
  const run = root.createChildContainer();
  run.register(TOKENS.config, { useValue: input.config });
  run.register(TOKENS.baseDir, { useValue: input.baseDir });
  run.register(TOKENS.env, { useValue: input.env });
  run.register(TOKENS.logger, { useValue: input.logger });
  run.register(TOKENS.redactor, { useValue: input.redactor });
  run.register(TOKENS.signal, { useValue: input.signal });
  run.register(TOKENS.providerDefinitions, { useValue: input.providerDefinitions });
  run.register(TOKENS.providerOptions, { useValue: input.providerOptions });
  run.register(TOKENS.strategies, { useValue: input.strategies });
  run.register(TOKENS.providerPool, {
    useFactory: instanceCachingFactory(
      (c) =>
        new ProviderPool({
          definitions: c.resolve(TOKENS.providerDefinitions),
          options: c.resolve(TOKENS.providerOptions),
          logger: c.resolve(TOKENS.logger),
          redactor: c.resolve(TOKENS.redactor),
          env: c.resolve(TOKENS.env),
          baseDir: c.resolve(TOKENS.baseDir),
          signal: c.resolve(TOKENS.signal),
          deadline: input.deadline,
        }),
    ),
  });
  return run;
}

/** Dispose every provider of the run (also after errors) and release the container. */
export async function disposeRun(run: DependencyContainer): Promise<void> {
  try {
    if (run.isRegistered(TOKENS.providerPool)) await run.resolve(TOKENS.providerPool).dispose();
  } finally {
    run.clearInstances();
  }
}
