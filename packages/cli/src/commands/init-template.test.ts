import { cacheRevArgName, parseConfig } from '@buildsecrets/core';
import { describe, expect, it } from 'vitest';
import { STARTER_CONFIG } from './init-template.js';

describe('the init starter config: cache revs', () => {
  it('shows the rev ARG line the Dockerfile needs, named as the build passes it', () => {
    expect(STARTER_CONFIG).toContain(`#   ARG ${cacheRevArgName('npm_token')}\n`);
  });

  it('is valid with the cache lines uncommented', () => {
    const uncommented = STARTER_CONFIG.replace('    # cache: keyed ', '    cache: keyed   ')
      .replace('  # cache_key: {', '  cache_key: {')
      .replace('  # cacheKeyFrom: cache_key', '  cacheKeyFrom: cache_key');
    const { config } = parseConfig(uncommented, { env: {} });
    expect(config.secrets['npm_token']?.cache).toBe('keyed');
    expect(config.build?.cacheKeyFrom).toBe('cache_key');
    expect(config.secrets['cache_key']?.inject).toBe('none');
  });
});
