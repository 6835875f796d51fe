import { describe, expect, it } from 'vitest';
import { PluginLoadError } from '../errors/index.js';
import { loadProviderDefinitionFrom, looksLikePluginPackage } from './load-provider-definition.js';
import { tempDir } from '../../../../test/support/temp-dirs.js';

async function failure(use: string): Promise<PluginLoadError> {
  const dir = await tempDir('bs-unknown-provider-');
  const error = await loadProviderDefinitionFrom(use, { baseDir: dir, instanceName: 'p' }, dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PluginLoadError);
  return error as PluginLoadError;
}

describe('a `use:` that names no provider', () => {
  it('suggests the built-in for a typo (valut → vault), never `npm install valut`', async () => {
    const error = await failure('valut');
    expect(error.message).toContain('unknown provider "valut"; did you mean the built-in "vault"?');
    expect(error.hint).toBe('use: vault');
    expect(`${error.message} ${error.hint}`).not.toContain('npm install');
  });

  it.each(['Vault', 'aws2', 'evn'])('suggests the built-in for %s', async (use) => {
    expect((await failure(use)).message).toContain('did you mean the built-in');
  });

  it('never suggests `npm install` of a bare unknown word', async () => {
    const error = await failure('mysecrets');
    expect(error.message).toContain('unknown provider "mysecrets"');
    expect(error.message).toContain('not a built-in (env, keywhiz, vault, aws, gcp, exec, sneaker, ssm)');
    expect(`${error.message} ${error.hint}`).not.toContain('npm install');
  });

  it('suggests `npm install` only for names shaped like plugins', async () => {
    expect((await failure('buildsecrets-provider-netrc')).hint).toBe('npm install --save-dev buildsecrets-provider-netrc');
    expect((await failure('@acme/secrets')).hint).toBe('npm install --save-dev @acme/secrets');
    expect(looksLikePluginPackage('buildsecrets-provider-x')).toBe(true);
    expect(looksLikePluginPackage('@scope/x')).toBe(true);
    expect(looksLikePluginPackage('lodash')).toBe(false);
  });
});
