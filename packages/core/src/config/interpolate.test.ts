import { describe, expect, it } from 'vitest';
import { interpolateConfig, interpolateString } from './interpolate.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const CANARY = makeCanary('interp');

describe('interpolateString', () => {
  it('replaces ${VAR} with the variable and records it as sensitive under its name', () => {
    expect(interpolateString('token=${TOKEN}!', { TOKEN: CANARY })).toEqual({ ok: true, value: `token=${CANARY}!`, used: [{ label: 'TOKEN', value: CANARY }] });
  });

  it('uses the default when the variable is unset or empty, and does not treat the default as sensitive', () => {
    expect(interpolateString('${ADDR:-http://127.0.0.1:8200}', {})).toEqual({ ok: true, value: 'http://127.0.0.1:8200', used: [] });
    expect(interpolateString('${ADDR:-x}', { ADDR: '' })).toEqual({ ok: true, value: 'x', used: [] });
    expect(interpolateString('${ADDR:-}', {})).toEqual({ ok: true, value: '', used: [] });
  });

  it('keeps a set-but-empty variable without default as the empty string', () => {
    expect(interpolateString('a${EMPTY}b', { EMPTY: '' })).toEqual({ ok: true, value: 'ab', used: [] });
  });

  it('turns $${ into a literal ${ and leaves other dollars alone', () => {
    expect(interpolateString('$${HOME} costs $5 and $$ too', { HOME: CANARY })).toEqual({ ok: true, value: '${HOME} costs $5 and $$ too', used: [] });
  });

  it('reports an unset variable by name with the fix, never a value', () => {
    const result = interpolateString('${VAULT_ROLE_ID}', { OTHER: CANARY });
    expect(result).toEqual({ ok: false, message: 'environment variable VAULT_ROLE_ID is not set; set it or write ${VAULT_ROLE_ID:-default}' });
  });

  it.each(['${', '${}', '${1BAD}', '${A B}', '${A:-${B}}', 'x ${A-b}', '${NAME'])('rejects the malformed reference %s without quoting it', (text) => {
    const result = interpolateString(text, { A: CANARY, NAME: CANARY });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).not.toContain(CANARY);
  });
});

describe('interpolateConfig', () => {
  it('interpolates strings anywhere in the tree, collects each env value once, and does not touch keys or the input', () => {
    const input = {
      providers: { v: { use: 'vault', options: { auth: { roleId: '${ROLE}', list: ['${ROLE}', 'plain', 7] } } } },
      secrets: { '${ROLE}': { ref: 'a/${PATH_PART:-ci}/b' } },
    };
    const result = interpolateConfig(input, { ROLE: CANARY });
    expect(result.value).toEqual({
      providers: { v: { use: 'vault', options: { auth: { roleId: CANARY, list: [CANARY, 'plain', 7] } } } },
      secrets: { '${ROLE}': { ref: 'a/ci/b' } },
    });
    expect(result.sensitive).toEqual([{ label: 'ROLE', value: CANARY }]);
    expect([...result.interpolatedPaths].sort()).toEqual(['providers.v.options.auth.list[0]', 'providers.v.options.auth.roleId']);
    expect(input.providers.v.options.auth.roleId).toBe('${ROLE}');
    expect(result.issues).toEqual([]);
  });

  it('reports every bad string at its path', () => {
    const result = interpolateConfig({ a: { b: '${MISSING}' }, c: ['ok', '${1X}'] }, {});
    expect(result.issues.map((i) => i.path)).toEqual(['a.b', 'c[1]']);
  });

  it('keeps a __proto__ key as a plain key instead of changing the prototype', () => {
    const tree = JSON.parse('{"__proto__": {"polluted": true}}') as object;
    const result = interpolateConfig(tree, {});
    expect(Object.keys(result.value as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype);
  });

  it('reports a self-referencing tree instead of recursing forever', () => {
    const tree: Record<string, unknown> = { a: 1 };
    tree['self'] = tree;
    expect(interpolateConfig(tree, {}).issues).toEqual([{ path: 'self', message: 'the config refers to itself or is nested too deeply' }]);
  });
});
