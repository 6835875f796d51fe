import type { SecretConfig } from '../config/schema.js';
import { isDockerProxyArg } from '../dockerfile/proxy-args.js';
import { AbortedError, StrategyRefusedError } from '../errors/index.js';
import type { Logger } from '../logging/logger.js';
import { assertEngineEnvAllowed, secretAsEnvValue } from './secret-mount-env.js';
import type { InjectionStrategy, PreparedInjection, SecretForInjection, StrategyContext } from './types.js';

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const argNameOf = (id: string, config: SecretConfig): string => config.buildArg ?? id;

/** Throw for every configuration the strategy will not serve (checked again in `prepare`). */
function refuseUnsafe(secrets: readonly { id: string; config: SecretConfig }[]): void {
  const owners = new Map<string, string>();
  for (const { id, config } of secrets) {
    const name = argNameOf(id, config);
    if (!VAR_NAME.test(name)) {
      throw new StrategyRefusedError(`secret "${id}" cannot be a build-arg named "${name}": build-arg names must be letters, digits and _`, { secretId: id, hint: `set buildArg on secrets.${id}` });
    }
    const other = owners.get(name);
    if (other !== undefined) throw new StrategyRefusedError(`secrets "${other}" and "${id}" are both passed as build-arg ${name}`, { secretId: id, hint: `give secrets.${id} its own buildArg` });
    owners.set(name, id);
    if (isDockerProxyArg(name)) continue;
    assertEngineEnvAllowed(name, id, 'buildArg');
    if (config.allowInsecure !== true) {
      throw new StrategyRefusedError(
        `secret "${id}" is refused as build-arg ${name}: build-arg values are recorded in the image (docker history --no-trunc and the image config show them to anyone who pulls it)`,
        { secretId: id, hint: `use inject: secret-mount with RUN --mount=type=secret,id=${id},required=true; or set allowInsecure: true on secrets.${id} to accept that the value lands in the image history` },
      );
    }
  }
}

function warnAboutRisks(secrets: readonly { id: string; config: SecretConfig }[], declaredArgs: ReadonlySet<string>, logger: Logger): void {
  for (const { id, config } of secrets) {
    const name = argNameOf(id, config);
    if (isDockerProxyArg(name)) {
      if (declaredArgs.has(name)) logger.warn(`build-arg: the Dockerfile declares ARG ${name}; declared proxy args are recorded in the image history, so secret "${id}" would be too. Remove the ARG ${name} line (RUN steps see the proxy without it)`);
    } else {
      logger.warn(`build-arg: secret "${id}" is passed as build-arg ${name} with allowInsecure: its value will be visible in the image history`);
    }
  }
}

/**
 * The build-arg strategy: `--build-arg NAME` (name only; the docker CLI reads the value from its
 * own environment, so it never appears on a command line visible in `ps`). Build-arg values land
 * in the image history, so secrets are refused unless `allowInsecure: true` — except Docker's
 * predefined proxy args (`DOCKER_PROXY_ARGS`), which BuildKit keeps out of the history as long
 * as the Dockerfile does not declare them with `ARG`.
 */
export function buildArgStrategy(): InjectionStrategy {
  return {
    kind: 'build-arg',
    validate(secrets, context) {
      refuseUnsafe(secrets);
      warnAboutRisks(secrets, context.declaredArgs, context.logger);
    },
    async prepare(secrets: readonly SecretForInjection[], context: StrategyContext): Promise<PreparedInjection> {
      refuseUnsafe(secrets);
      if (context.signal.aborted) throw new AbortedError();
      const engineArgs: string[] = [];
      const env: Record<string, string> = {};
      const summary: string[] = [];
      for (const secret of secrets) {
        const name = argNameOf(secret.id, secret.config);
        env[name] = secretAsEnvValue(secret.id, secret.value, 'build-arg');
        engineArgs.push('--build-arg', name);
        summary.push(isDockerProxyArg(name)
          ? `build-arg: ${secret.id} as proxy arg ${name} (kept out of the image history)`
          : `build-arg: ${secret.id} as ${name} (allowInsecure: visible in the image history)`);
      }
      return { engineArgs, env, summary, dispose: async () => undefined };
    },
  };
}
