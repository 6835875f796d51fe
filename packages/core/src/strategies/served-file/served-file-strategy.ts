import type { InjectionStrategy, PreparedInjection, SecretForInjection, StrategyContext } from '../types.js';
import { newAccessToken } from './access-token.js';
import { SERVED_FILE_BUILD_ARGS } from './build-arg-names.js';
import { startSecretServer, type SecretServerLimits, type ServedSecret } from './secret-server.js';
import { formatTokenList } from './token-list.js';
import { remoteListenWarning } from './remote-warning.js';

/** Build-arg names the served-file strategy passes (values travel in the engine's environment). */
export { SERVED_FILE_BUILD_ARGS };

/** Options of {@link servedFileStrategy}. */
export interface ServedFileStrategyOptions {
  /** Tighter or looser connection limits (tests shorten the timeouts). */
  readonly limits?: Partial<SecretServerLimits>;
}

/**
 * The served-file strategy: for builders without secret mounts. An HTTP server on
 * `build.servedFile.host` (default 127.0.0.1) hands each secret out at most `maxReads` times
 * (default once) to a request carrying that secret's own 256-bit token, and only until
 * `dispose()`. The build gets the URL and the `<id>=<token>` list as build args
 * (`BUILDSECRETS_URL`, `BUILDSECRETS_TOKEN`); the shipped `buildsecrets-fetch` helper fetches,
 * runs the step's command and deletes the files in the same step.
 *
 * A token is accepted in an `Authorization: Bearer` header (GET) or as the whole body of a POST,
 * never in the URL: URLs end up in access logs, proxies, error messages and command lines.
 * When a valid token comes back after its reads are spent, the build fails: another process may
 * have won the race for the value.
 */
export function servedFileStrategy(options: ServedFileStrategyOptions = {}): InjectionStrategy {
  return {
    kind: 'served-file',
    // Each value is served maxReads times (default once): a build stopped and started again would find its reads spent.
    singleUse: true,
    async prepare(secrets: readonly SecretForInjection[], context: StrategyContext): Promise<PreparedInjection> {
      const tokens = new Map(secrets.map((s) => [s.id, newAccessToken()]));
      for (const [id, token] of tokens) context.redactor.add(`served-file-token:${id}`, token);
      const served = new Map<string, ServedSecret>(secrets.map((s) => [s.id, { value: s.value, token: tokens.get(s.id) ?? newAccessToken(), maxReads: s.config.maxReads ?? 1 }]));
      const host = context.build.servedFile?.host ?? '127.0.0.1';
      const port = context.build.servedFile?.port ?? 0;
      const server = await startSecretServer({ host, port, secrets: served, logger: context.logger, ...(options.limits ? { limits: options.limits } : {}) });
      const remote = remoteListenWarning(host);
      if (remote) context.logger.warn(remote);
      const onAbort = (): void => void server.close();
      context.signal.addEventListener('abort', onAbort, { once: true });

      const missing = Object.values(SERVED_FILE_BUILD_ARGS).filter((name) => context.declaredArgs.size > 0 && !context.declaredArgs.has(name));
      if (missing.length > 0) {
        context.logger.warn(`served-file: the Dockerfile declares no ARG ${missing.join(', ')}; buildsecrets-fetch needs both before the RUN that calls it`);
      }
      const ids = secrets.map((s) => `${s.id} (${served.get(s.id)?.maxReads ?? 1}×)`).join(', ');
      return {
        engineArgs: ['--build-arg', SERVED_FILE_BUILD_ARGS.url, '--build-arg', SERVED_FILE_BUILD_ARGS.token],
        env: { [SERVED_FILE_BUILD_ARGS.url]: server.url, [SERVED_FILE_BUILD_ARGS.token]: formatTokenList(tokens) },
        summary: [`served-file: ${ids} from ${server.url} (a token per secret, closed when the build ends)`],
        async dispose() {
          context.signal.removeEventListener('abort', onAbort);
          await server.close();
        },
      };
    },
  };
}
