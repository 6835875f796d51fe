import { describe, expect, it } from 'vitest';
import { cacheRevArgName, isCacheRevArg } from './rev-arg-name.js';

describe('cacheRevArgName', () => {
  it('upper-cases the id behind BUILDSECRETS_REV_', () => {
    expect(cacheRevArgName('npm_token')).toBe('BUILDSECRETS_REV_NPM_TOKEN');
    expect(cacheRevArgName('Deploy2')).toBe('BUILDSECRETS_REV_DEPLOY2');
  });

  it('turns every character outside A-Z and 0-9 into _', () => {
    expect(cacheRevArgName('npm-token.v2')).toBe('BUILDSECRETS_REV_NPM_TOKEN_V2');
    expect(cacheRevArgName('a..b')).toBe('BUILDSECRETS_REV_A__B');
  });

  it('always yields a valid ARG name, whatever id BuildKit accepts', () => {
    for (const id of ['0abc', 'x', 'a-b-c', 'A.B_c-9']) expect(cacheRevArgName(id)).toMatch(/^[A-Z_][A-Z0-9_]*$/);
  });

  it('recognises rev args by prefix only', () => {
    expect(isCacheRevArg('BUILDSECRETS_REV_NPM_TOKEN')).toBe(true);
    expect(isCacheRevArg('NPM_TOKEN')).toBe(false);
    expect(isCacheRevArg('BUILDSECRETS_TOKEN')).toBe(false);
  });
});
