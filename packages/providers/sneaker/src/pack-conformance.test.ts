import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, runProviderConformance, sealSneakerPack } from '@buildsecrets/test-kit';
import { sneakerProvider } from './provider.js';
import { CANARY, errorSurface, startSneakerBackend, type SneakerBackend } from './__fixtures__/harness.js';

let backend: SneakerBackend;
let dir: string;
const CONTEXT = { pack: 'conformance' };

beforeAll(async () => {
  backend = await startSneakerBackend();
  dir = await mkdtemp(join(tmpdir(), 'bs-sneaker-pack-'));
  await sealSneakerPack({
    kms: backend.kms,
    context: CONTEXT,
    file: join(dir, 'secrets.tar.enc'),
    files: { 'ci/found': `${CANARY}-found`, 'ci/empty': '', 'ci/json': JSON.stringify({ password: `${CANARY}-json` }), 'ci/not-json': `${CANARY}-not-json` },
  });
  // A pack sealed under another context, and a file that is no envelope at all.
  await sealSneakerPack({ kms: backend.kms, context: { pack: 'other' }, file: join(dir, 'other.tar.enc'), files: { 'ci/found': `${CANARY}-other` } });
  await writeFile(join(dir, 'garbage.tar.enc'), `${CANARY}-garbage`);
});
afterAll(async () => {
  await backend.close();
  await rm(dir, { recursive: true, force: true });
});

const options = (pack: string) => {
  const { path: _path, ...rest } = backend.options('s3://unused');
  return { ...rest, pack, context: CONTEXT };
};

describe('sneaker provider conformance, pack files', () => {
  runProviderConformance({
    it,
    expect,
    name: 'pack conformance',
    create: () => sneakerProvider.create(options('secrets.tar.enc'), createTestContext({ instanceName: 'pack', baseDir: dir }).context),
    // A pack holds one version of each file: the versions cases do not apply.
    capabilities: { ...sneakerProvider.capabilities, versions: false },
    seed: {
      found: { ref: 'ci/found', value: `${CANARY}-found` },
      missing: { ref: 'ci/missing' },
      empty: { ref: 'ci/empty' },
      json: { ref: 'ci/json', key: 'password', value: `${CANARY}-json`, missingKey: 'nope' },
      invalid: [{ ref: 'ci/not-json', key: 'field' }],
      canary: CANARY,
    },
  });

  it.each(['other.tar.enc', 'garbage.tar.enc'])('answers every ref of %s (another context / not an envelope) with SECRET_INVALID, naming no value', async (file) => {
    const test = createTestContext({ instanceName: 'pack', baseDir: dir });
    const provider = await sneakerProvider.create(options(file), test.context);
    try {
      const results = await provider.resolve([{ id: 'a', ref: 'ci/found' }, { id: 'b', ref: 'ci/missing' }], new AbortController().signal);
      expect(results.map((r) => (r.ok ? 'OK' : r.error.code))).toEqual(['SECRET_INVALID', 'SECRET_INVALID']);
      for (const r of results) expect(errorSurface(r.ok ? undefined : r.error) + test.logs.join('\n')).not.toContain(CANARY);
    } finally {
      await provider.dispose();
    }
  });
});
