import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PluginLoadError } from '../errors/index.js';
import { defineProvider } from '../provider/define-provider.js';
import { assertProviderDefinition } from './assert-provider-definition.js';

const valid = defineProvider({
  apiVersion: 1,
  name: 'ok',
  optionsSchema: z.object({}),
  capabilities: {},
  create: () => ({ resolve: () => Promise.resolve([]), dispose: () => undefined }),
});

describe('assertProviderDefinition', () => {
  it('accepts what defineProvider returns', () => {
    expect(() => assertProviderDefinition(valid, 'module ./ok.js')).not.toThrow();
  });

  it.each([
    [null, 'module ./x.js does not export a provider definition (its default export is null)'],
    ['text', 'module ./x.js does not export a provider definition (its default export is string)'],
    [{}, 'module ./x.js is not a valid provider definition: `apiVersion` is missing; `name` must be a non-empty string'],
    [{ ...valid, apiVersion: '1' }, 'module ./x.js is not a valid provider definition: `apiVersion` must be a supported version number'],
    [{ ...valid, capabilities: [] }, '`capabilities` must be an object'],
  ])('rejects %j', (value, message) => {
    let caught: unknown;
    try {
      assertProviderDefinition(value, 'module ./x.js');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PluginLoadError);
    expect((caught as PluginLoadError).code).toBe('PLUGIN_LOAD_FAILED');
    expect((caught as Error).message).toContain(message);
  });

  it('points a plugin made for a newer API at upgrading buildsecrets', () => {
    expect(() => assertProviderDefinition({ ...valid, apiVersion: 3 }, 'package p')).toThrow(
      /package p uses provider API version 3, but this @buildsecrets\/core supports version 1\n {2}→ upgrade buildsecrets/,
    );
  });
});
