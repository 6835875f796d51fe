/**
 * Docker's predefined proxy build args. BuildKit makes them available to RUN without an `ARG`
 * line and keeps their values out of the image history, which is why a build-arg may carry them
 * safely; declaring one with `ARG` puts its value back into the history.
 */
export const DOCKER_PROXY_ARGS: readonly string[] = Object.freeze([
  'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy',
  'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
]);

const PROXY_SET: ReadonlySet<string> = new Set(DOCKER_PROXY_ARGS);

/** Whether `name` is one of {@link DOCKER_PROXY_ARGS} (exact case, as Docker matches them). */
export function isDockerProxyArg(name: string): boolean {
  return PROXY_SET.has(name);
}
