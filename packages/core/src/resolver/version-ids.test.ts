import { describe, expect, it } from 'vitest';
import { resolveConfigSchema, secretConfigSchema } from '../config/schema.js';
import { silentLogger } from '../logging/logger.js';
import { secretOk } from '../provider/results.js';
import { createRedactor } from '../redaction/redactor.js';
import { SecretValue } from '../secret-value.js';
import { resolveSecrets } from './resolve-secrets.js';
import type { ProviderHandle } from './types.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const VALUE = makeCanary('version-ids');

const handle = (results: (ref: string, id: string) => unknown): ProviderHandle => ({
  name: 'vault',
  capabilities: { versionIds: true },
  provider: { resolve: async (requests) => requests.map((r) => results(r.ref, r.id)) as never, dispose() {} },
});
const entry = (id: string, ref: string) => ({ id, config: secretConfigSchema.parse({ from: 'vault', ref }) });

describe('resolveSecrets: provider version ids', () => {
  it('collects the version id of each secret, shared by deduplicated ids, without registering it as a secret', async () => {
    const versionIds = new Map<string, string>();
    const redactor = createRedactor();
    const provider = handle((ref, id) => secretOk(id, `${VALUE}-${ref}`, `${ref}@7`));
    await resolveSecrets({ entries: [entry('a', 'secret/a'), entry('b', 'secret/a'), entry('c', 'secret/c')], provider: async () => provider, settings: resolveConfigSchema.parse({}), redactor, logger: silentLogger, versionIds });
    expect(Object.fromEntries(versionIds)).toEqual({ a: 'secret/a@7', b: 'secret/a@7', c: 'secret/c@7' });
    expect(redactor.redact('secret/a@7')).toBe('secret/a@7');
  });

  it('ignores a version id that is not a string, and works as before without a sink', async () => {
    const versionIds = new Map<string, string>();
    const provider = handle((_ref, id) => ({ id, ok: true, value: SecretValue.from(`${VALUE}-x`), versionId: 42 }));
    const values = await resolveSecrets({ entries: [entry('a', 'secret/a')], provider: async () => provider, settings: resolveConfigSchema.parse({}), redactor: createRedactor(), logger: silentLogger, versionIds });
    expect(values.get('a')?.revealString()).toBe(`${VALUE}-x`);
    expect(versionIds.size).toBe(0);
    await expect(resolveSecrets({ entries: [entry('a', 'secret/a')], provider: async () => provider, settings: resolveConfigSchema.parse({}), redactor: createRedactor(), logger: silentLogger })).resolves.toBeInstanceOf(Map);
  });

  it('secretOk sets versionId only when given', () => {
    expect(secretOk('a', 'v', 'v1')).toMatchObject({ versionId: 'v1' });
    expect('versionId' in secretOk('a', 'v')).toBe(false);
  });
});
