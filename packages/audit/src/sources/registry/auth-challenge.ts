/** `WWW-Authenticate` challenges (RFC 7235) as registries send them: `Basic realm=…`, `Bearer realm=…,service=…,scope=…`. */

/** One challenge: its scheme (lower case) and parameters (names lower case). */
export interface AuthChallenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/** Parse every challenge in a header value; unknown or broken parts are skipped. */
export function parseChallenges(header: string | string[] | undefined): AuthChallenge[] {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  const out: AuthChallenge[] = [];
  for (const value of values) {
    const token = /\s*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)\s*/y;
    const param = /\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]*))\s*,?/y;
    let pos = 0;
    while (pos < value.length) {
      token.lastIndex = pos;
      const scheme = token.exec(value);
      if (!scheme) break;
      pos = token.lastIndex;
      const params: Record<string, string> = {};
      for (;;) {
        param.lastIndex = pos;
        const p = param.exec(value);
        if (!p) break;
        // A bare word followed by "=" belongs to this challenge; a bare word without one starts the next.
        params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '');
        pos = param.lastIndex;
      }
      out.push({ scheme: scheme[1]!.toLowerCase(), params });
      while (pos < value.length && (value[pos] === ',' || value[pos] === ' ')) pos++;
    }
  }
  return out;
}
