import type { SecretConfig } from '../config/schema.js';
import { quoteCsvField } from '../dockerfile/csv.js';
import { AbortedError, StrategyRefusedError } from '../errors/index.js';
import type { TempDir } from '../provider/types.js';
import { shredDirectory } from '../util/temp-dir.js';
import { assertEngineEnvAllowed, secretAsEnvValue, secretEnvName } from './secret-mount-env.js';
import { writeSecretFiles } from './secret-mount-files.js';
import type { InjectionStrategy, PreparedInjection, SecretForInjection, StrategyContext } from './types.js';

/** One `--secret` value, each field CSV-quoted when needed (the docker CLI reads it as CSV). */
function secretFlag(fields: Record<string, string>): string {
  return Object.entries(fields).map(([key, value]) => quoteCsvField(`${key}=${value}`)).join(',');
}

const sourceOf = (config: SecretConfig): 'file' | 'env' => config.source ?? 'file';

/** Refuse configurations that cannot work: two env-sourced secrets sharing a variable, or a variable the engine reads itself. */
function checkSecrets(secrets: readonly { id: string; config: SecretConfig }[]): void {
  const owners = new Map<string, string>();
  for (const { id, config } of secrets) {
    if (sourceOf(config) !== 'env') continue;
    const name = secretEnvName(id, config.env);
    assertEngineEnvAllowed(name, id, 'env');
    const other = owners.get(name);
    if (other !== undefined) {
      throw new StrategyRefusedError(`secrets "${other}" and "${id}" would both travel in the engine variable ${name}`, { secretId: id, hint: `set a distinct env on secrets.${id}` });
    }
    owners.set(name, id);
  }
}

async function removeDir(dir: TempDir | undefined): Promise<void> {
  if (!dir) return;
  await shredDirectory(dir.path);
  await dir.remove();
}

/**
 * The secret-mount strategy (the default): BuildKit `--secret` sources for
 * `RUN --mount=type=secret`. With `source: file` (default) each value is written to a 0600 file in
 * one fresh 0700 directory of the run (tmpfs when available) and handed over as
 * `--secret id=X,src=FILE`; the files stay until `dispose()`, because BuildKit reads them lazily
 * while the step runs, and are then overwritten and removed. With `source: env` the engine gets
 * `--secret id=X,env=VAR` and the value only in the engine process's own environment.
 *
 * @example
 * ```ts
 * const injection = await secretMountStrategy().prepare(secrets, context);
 * // injection.engineArgs: ['--secret', 'id=npm,src=/dev/shm/buildsecrets-secret-mount-…/0-npm']
 * ```
 */
export function secretMountStrategy(): InjectionStrategy {
  return {
    kind: 'secret-mount',
    validate(secrets) {
      checkSecrets(secrets);
    },
    async prepare(secrets: readonly SecretForInjection[], context: StrategyContext): Promise<PreparedInjection> {
      checkSecrets(secrets);
      if (context.signal.aborted) throw new AbortedError();
      const engineArgs: string[] = [];
      const env: Record<string, string> = {};
      const summary: string[] = [];
      const fileSecrets = secrets.filter((s) => sourceOf(s.config) === 'file');
      let dir: TempDir | undefined;
      try {
        if (fileSecrets.length > 0) {
          dir = await context.tempDir('secret-mount');
          for (const { id, path } of await writeSecretFiles(dir.path, fileSecrets)) {
            engineArgs.push('--secret', secretFlag({ id, src: path }));
            summary.push(`secret-mount: ${id} from a 0600 file in a private temp dir, removed when the build ends`);
          }
          context.logger.debug(`secret-mount: wrote ${fileSecrets.length} secret file(s) under ${dir.path}`);
        }
        for (const secret of secrets) {
          if (sourceOf(secret.config) !== 'env') continue;
          const name = secretEnvName(secret.id, secret.config.env);
          env[name] = secretAsEnvValue(secret.id, secret.value, 'secret-mount source: env');
          engineArgs.push('--secret', secretFlag({ id: secret.id, env: name }));
          summary.push(`secret-mount: ${secret.id} from the engine's environment variable ${name}`);
        }
        if (context.signal.aborted) throw new AbortedError();
      } catch (err) {
        await removeDir(dir);
        throw err;
      }
      let disposed: Promise<void> | undefined;
      return { engineArgs, env, summary, dispose: () => (disposed ??= removeDir(dir)) };
    },
  };
}
