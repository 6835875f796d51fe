import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PluginLoadError } from '../errors/index.js';
import type { AnyProviderDefinition } from '../provider/types.js';
import { loadProviderDefinition, loadProviderDefinitionFrom } from './load-provider-definition.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const CANARY = makeCanary('plugin');
/** A definition written as plain JS: temp plugins cannot import zod, so the schema is a duck. */
const DEFINITION_JS = (name: string, apiVersion = 1): string =>
  `{ apiVersion: ${apiVersion}, name: ${JSON.stringify(name)}, optionsSchema: { safeParse: (v) => ({ success: true, data: v }) }, capabilities: {}, create: () => ({ resolve: async () => [], dispose() {} }) }`;

let project: string;
beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), 'bs-plugins-'));
});
afterEach(() => rmSync(project, { recursive: true, force: true }));

function writePackage(root: string, name: string, manifest: Record<string, unknown>, files: Record<string, string>): void {
  const dir = join(root, 'node_modules', ...name.split('/'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', ...manifest }));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), content);
  }
}

async function loadError(promise: Promise<unknown>): Promise<PluginLoadError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(PluginLoadError);
  const e = error as PluginLoadError;
  expect(`${e.message}${e.stack ?? ''}${String((e as { cause?: unknown }).cause ?? '')}`).not.toContain(CANARY);
  return e;
}

describe('loadProviderDefinition', () => {
  it('prefers a definition registered in code over everything else', async () => {
    const registered = { apiVersion: 1, name: 'mine', optionsSchema: { safeParse: () => ({ success: true }) }, capabilities: {}, create: () => ({}) } as unknown as AnyProviderDefinition;
    const loaded = await loadProviderDefinition('vault', { baseDir: project, registered: new Map([['vault', registered]]) });
    expect(loaded).toBe(registered);
  });

  it('loads an ESM plugin package from the project (exports with import condition)', async () => {
    writePackage(project, 'buildsecrets-plugin-pass', { type: 'module', exports: { '.': { types: './x.d.ts', import: './dist/index.mjs', require: './nope.cjs' } } }, {
      'dist/index.mjs': `export default ${DEFINITION_JS('pass')};`,
    });
    mkdirSync(join(project, 'deep', 'er'), { recursive: true });
    expect((await loadProviderDefinition('buildsecrets-plugin-pass', { baseDir: join(project, 'deep', 'er') })).name).toBe('pass');
  });

  it('loads a scoped package through main', async () => {
    writePackage(project, '@acme/bs-provider', { main: 'lib/main.mjs' }, { 'lib/main.mjs': `export default ${DEFINITION_JS('acme')};` });
    expect((await loadProviderDefinition('@acme/bs-provider', { baseDir: project })).name).toBe('acme');
  });

  it('unwraps CommonJS module.exports and exports.default', async () => {
    writePackage(project, 'cjs-plain', { main: 'index.cjs' }, { 'index.cjs': `module.exports = ${DEFINITION_JS('plain')};` });
    writePackage(project, 'cjs-compiled', { main: 'index.cjs' }, { 'index.cjs': `Object.defineProperty(exports, '__esModule', { value: true }); exports.default = ${DEFINITION_JS('compiled')};` });
    expect((await loadProviderDefinition('cjs-plain', { baseDir: project })).name).toBe('plain');
    expect((await loadProviderDefinition('cjs-compiled', { baseDir: project })).name).toBe('compiled');
  });

  it('resolves built-in short names from the project first, then from core as a fallback', async () => {
    writePackage(project, '@buildsecrets/provider-vault', { type: 'module', exports: './index.js' }, { 'index.js': `export default ${DEFINITION_JS('vault-from-project')};` });
    expect((await loadProviderDefinition('vault', { baseDir: project })).name).toBe('vault-from-project');
    const fallback = mkdtempSync(join(tmpdir(), 'bs-core-'));
    try {
      writePackage(fallback, '@buildsecrets/provider-env', { type: 'module', main: 'index.js' }, { 'index.js': `export default ${DEFINITION_JS('env-bundled')};` });
      expect((await loadProviderDefinitionFrom('env', { baseDir: project }, fallback)).name).toBe('env-bundled');
    } finally {
      rmSync(fallback, { recursive: true, force: true });
    }
  });

  it('tells how to install a missing built-in or package', async () => {
    const builtin = await loadError(loadProviderDefinitionFrom('aws', { baseDir: project, instanceName: 'prod' }, project));
    expect(builtin.message).toMatch(/^\[buildsecrets:prod\] built-in provider "aws" \(package @buildsecrets\/provider-aws\) is not installed/);
    expect(builtin.hint).toBe('npm install --save-dev @buildsecrets/provider-aws');
    const plugin = await loadError(loadProviderDefinition('@acme/missing/sub', { baseDir: project }));
    expect(plugin.hint).toBe('npm install --save-dev @acme/missing');
  });

  it('loads a plugin by relative path against baseDir, and reports a missing file', async () => {
    mkdirSync(join(project, 'plugins'));
    writeFileSync(join(project, 'plugins', 'local.mjs'), `export default ${DEFINITION_JS('local-file')};`);
    mkdirSync(join(project, 'config'));
    expect((await loadProviderDefinition('../plugins/local.mjs', { baseDir: join(project, 'config') })).name).toBe('local-file');
    expect((await loadProviderDefinition('./plugins/local.mjs', { baseDir: project })).name).toBe('local-file');
    const missing = await loadError(loadProviderDefinition('./nope.js', { baseDir: project }));
    expect(missing.message).toContain(`plugin module ./nope.js does not exist (resolved to ${join(project, 'nope.js')})`);
  });

  it('names the module whose import threw, keeping only a scrubbed cause', async () => {
    writeFileSync(join(project, 'broken.mjs'), `throw new Error('token ${CANARY} rejected');`);
    const error = await loadError(loadProviderDefinition('./broken.mjs', { baseDir: project }));
    expect(error.message).toContain('importing plugin module ./broken.mjs failed');
    expect(String((error as { cause?: unknown }).cause)).toBe('ScrubbedCause: Error');
    expect(error.hint).toContain(`node ${join(project, 'broken.mjs')}`);
  });

  it('says which field is wrong and how the module must export', async () => {
    writeFileSync(join(project, 'shape.mjs'), `export default { apiVersion: 1, name: '', optionsSchema: {}, capabilities: null, create: 'no' };`);
    const error = await loadError(loadProviderDefinition('./shape.mjs', { baseDir: project }));
    expect(error.message).toContain('`name` must be a non-empty string; `optionsSchema` must be a zod schema (an object with `safeParse`); `capabilities` must be an object (use `{}` for none); `create` must be a function');
    expect(error.hint).toContain('export default defineProvider(');
  });

  it('reports a module without a default export, listing its named exports', async () => {
    writeFileSync(join(project, 'named.mjs'), `export const provider = ${DEFINITION_JS('named')};`);
    expect((await loadError(loadProviderDefinition('./named.mjs', { baseDir: project }))).message).toContain('has no default export (it exports provider)');
  });

  it('explains an unsupported apiVersion in both directions', async () => {
    writeFileSync(join(project, 'future.mjs'), `export default ${DEFINITION_JS('future', 2)};`);
    const future = await loadError(loadProviderDefinition('./future.mjs', { baseDir: project }));
    expect(future.message).toContain('uses provider API version 2, but this @buildsecrets/core supports version 1');
    expect(future.hint).toContain('upgrade buildsecrets');
    writeFileSync(join(project, 'old.mjs'), `export default ${DEFINITION_JS('old', 0)};`);
    expect((await loadError(loadProviderDefinition('./old.mjs', { baseDir: project }))).message).toContain('`apiVersion` must be a supported version number');
  });

  it('rejects a use that is neither built-in, path nor package name', async () => {
    const error = await loadError(loadProviderDefinition('Not A Package!', { baseDir: project }));
    expect(error.message).toContain('is not a built-in provider (env, keywhiz, vault, aws, gcp, exec, sneaker, ssm)');
  });

  it('reports an installed package without an importable entry', async () => {
    writePackage(project, 'no-entry', { exports: { './other': './other.js' } }, {});
    expect((await loadError(loadProviderDefinition('no-entry', { baseDir: project }))).message).toContain('has no importable entry point');
  });
});
