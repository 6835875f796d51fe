import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createTestContext, runProviderConformance } from '@buildsecrets/test-kit';
import netrc from './index.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

// The fixtures: a private netrc file holding the seeded secrets (no `default` entry, so a missing machine is missing).
const CANARY = makeCanary('netrc-conformance');
const dir = mkdtempSync(join(tmpdir(), 'netrc-conformance-'));
const file = join(dir, 'netrc');
writeFileSync(file, `machine found.example login ci password "${CANARY} found"\nmachine json.example login ${CANARY}-login password x\nmachine empty.example password ""\n`);
chmodSync(file, 0o600);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const create = () => netrc.create(netrc.optionsSchema.parse({ path: file }), createTestContext({ instanceName: 'netrc' }).context);
const seed = {
  found: { ref: 'found.example', value: `${CANARY} found` },
  missing: { ref: 'missing.example' },
  empty: { ref: 'empty.example' },
  json: { ref: 'json.example', key: 'login', value: `${CANARY}-login`, missingKey: 'account' },
  invalid: [{ ref: 'found.example', key: 'token' }],
  canary: CANARY,
};

// The whole conformance suite, in one call:
runProviderConformance({ it, expect, create, seed, capabilities: netrc.capabilities });
