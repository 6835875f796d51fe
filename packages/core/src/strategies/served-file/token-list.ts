/**
 * The `BUILDSECRETS_TOKEN` build arg: one `<id>=<token>` pair per served secret, separated by
 * spaces (ids cannot hold `=` or spaces; tokens are base64url). The helper picks the pair of the
 * id it fetches with shell pattern matching alone — no command runs with a token in its argv — and
 * sends only that token, so a request seen in flight opens that one secret and nothing else.
 */
export function formatTokenList(tokens: ReadonlyMap<string, string>): string {
  return [...tokens].map(([id, token]) => `${id}=${token}`).join(' ');
}

/** The token for `id` in a {@link formatTokenList} string, or undefined. */
export function tokenFor(list: string, id: string): string | undefined {
  for (const pair of list.split(' ')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at) === id) return pair.slice(at + 1);
  }
  return undefined;
}
