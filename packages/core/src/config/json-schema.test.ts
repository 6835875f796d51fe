import { describe, expect, it } from 'vitest';
import { CONFIG_JSON_SCHEMA_ID, configJsonSchema } from './json-schema.js';

describe('configJsonSchema', () => {
  const schema = configJsonSchema();

  it('identifies itself and describes the input side (defaults optional)', () => {
    expect(schema['$id']).toBe(CONFIG_JSON_SCHEMA_ID);
    expect(schema['title']).toBe('buildsecrets config');
    expect(schema['required']).toEqual(['version', 'providers', 'secrets']);
  });

  it('matches the shipped file', async () => {
    await expect(`${JSON.stringify(schema, null, 2)}\n`).toMatchFileSnapshot('./__snapshots__/config.schema.json');
  });
});
