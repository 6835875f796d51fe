import { describe, expect, it } from 'vitest';
import { SecretsUnresolvedError } from '@buildsecrets/core';
// @ts-expect-error -- a plain ESM example without type declarations
import { main } from './embed.mjs';

const TOKEN = 'embed-canary-token-93b1d7e5aa';

describe('examples/embed-library', () => {
  it('plans and resolves through the library API without printing a value', async () => {
    const lines: string[] = [];
    const ids = await main({ env: { EMBED_NPM_TOKEN: TOKEN }, log: (l: string) => lines.push(l) });
    expect(ids).toEqual(['npm_token', 'signing_key']);
    expect(lines).toContain('plan: npm_token from local (env) via secret-mount');
    expect(lines.some((l) => l.startsWith('resolved: npm_token (29 bytes) [redacted]'))).toBe(true);
    expect(lines.join('\n')).not.toContain(TOKEN);
    expect(lines.join('\n')).not.toContain('in-memory-value-5d1c7a9e2b');
  });

  it('fails closed naming the secret and provider when a variable is missing', async () => {
    const err = await main({ env: {}, log: () => undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretsUnresolvedError);
    expect((err as Error).message).toContain('npm_token (provider local)');
    expect((err as Error).message).toContain('EMBED_NPM_TOKEN');
  });
});
