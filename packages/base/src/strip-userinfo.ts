/**
 * Drop `user:password@` from every URL in `text`. Engines and registries quote addresses in their
 * own errors (`DOCKER_HOST=ssh://user:pass@host`, a registry URL), and an address can carry
 * credentials, so every such text passes through here before it reaches a message.
 *
 * @example
 * ```ts
 * stripUserinfo('cannot connect to ssh://ci:hunter2@build-host'); // 'cannot connect to ssh://build-host'
 * ```
 */
export function stripUserinfo(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1');
}
