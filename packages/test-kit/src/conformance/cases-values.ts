import { assert } from './counted-assert.js';
import type { ProviderCapabilities } from '@buildsecrets/core';
import { assertFailure, assertValue } from './checks.js';
import type { CaseContext } from './case-context.js';

/** Cases about single values: found, missing, empty, keys, versions. */
export function registerValueCases(ctx: CaseContext, capabilities: ProviderCapabilities): void {
  const { seed, test, withProvider, resolveAll } = ctx;

  test('resolves a found secret to its exact bytes', () =>
    withProvider(async (p) => {
      const [r] = await resolveAll(p, [{ id: 'found', ref: seed.found.ref }], 'found');
      assertValue(r, seed.found.value, 'found');
    }));

  test('reports a missing secret as SecretNotFoundError naming the secret id', () =>
    withProvider(async (p) => {
      const [r] = await resolveAll(p, [{ id: 'missing', ref: seed.missing.ref }], 'missing');
      assertFailure(r, 'SECRET_NOT_FOUND', seed.canary, 'missing');
    }));

  const empty = seed.empty;
  if (empty) {
    test('returns an empty value for an empty secret, which is not "not found"', () =>
      withProvider(async (p) => {
        const [r] = await resolveAll(p, [{ id: 'empty', ref: empty.ref }], 'empty');
        assertValue(r, '', 'empty');
      }));
  }

  const json = seed.json;
  if (capabilities.keys && json) {
    test('picks a key out of a JSON secret', () =>
      withProvider(async (p) => {
        const [r] = await resolveAll(p, [{ id: 'json', ref: json.ref, key: json.key }], 'key');
        assertValue(r, json.value, 'key');
      }));

    test('reports a missing key as SecretNotFoundError', () =>
      withProvider(async (p) => {
        const [r] = await resolveAll(p, [{ id: 'json-missing-key', ref: json.ref, key: json.missingKey }], 'missing key');
        const error = assertFailure(r, 'SECRET_NOT_FOUND', seed.canary, 'missing key');
        assert.ok(error.message.includes(json.missingKey), 'missing key: the error should name the key that was asked for');
      }));
  }

  if (capabilities.versionIds) {
    // `cache: version` puts the id into image history: it must be a short printable word and never carry the value.
    test('returns version ids that can go into image history: short printable ASCII, never the value', () =>
      withProvider(async (p) => {
        const [r] = await resolveAll(p, [{ id: 'found', ref: seed.found.ref }], 'version id');
        assertValue(r, seed.found.value, 'version id');
        const versionId = r?.ok ? r.versionId : undefined;
        if (versionId === undefined) return;
        assert.equal(typeof versionId, 'string', 'version id: must be a string');
        assert.match(versionId, /^[\x21-\x7e]{1,256}$/, 'version id: must be 1-256 printable ASCII characters without spaces');
        assert.ok(!versionId.includes(seed.canary), 'version id: must never contain the value');
      }));
  }

  const versioned = seed.versioned;
  if (capabilities.versions && versioned) {
    test('resolves a pinned version', () =>
      withProvider(async (p) => {
        const [r] = await resolveAll(p, [{ id: 'pinned', ref: versioned.ref, version: versioned.version }], 'version');
        assertValue(r, versioned.value, 'version');
      }));
  }
}
