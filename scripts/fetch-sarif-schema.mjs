#!/usr/bin/env node
// Puts the SARIF 2.1.0 JSON schema where the SARIF tests read it (node_modules/.cache/buildsecrets/),
// taken from the npm registry (the only registry CI reaches) and checked byte for byte.
//
// Which file: no npm package ships the OASIS errata01 text (draft-04, 2023) unmodified. The closest is
// @datadog/datadog-ci@2.48.0's dist/commands/sarif/json-schema/sarif-schema-2.1.0.json: the OASIS
// SARIF TC's "normative copy" of the 2.1.0 schema (draft-07; oasis-tcs/sarif-spec commit 9fc7116,
// Schemata/sarif-schema-2.1.0.json) with one later fix from the same repository (the language-tag
// pattern). Only that one file is extracted; the package is never installed.
// Usage: node scripts/fetch-sarif-schema.mjs   (prints the path; exit 1 when it cannot be fetched)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = '@datadog/datadog-ci@2.48.0';
const MEMBER = 'package/dist/commands/sarif/json-schema/sarif-schema-2.1.0.json';
const SHA256 = '10666d46649b52e262001e70d43e6c52f7c0279ca3dbdfe9a7dc2e4071556454';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SCHEMA_PATH = join(root, 'node_modules', '.cache', 'buildsecrets', 'sarif-schema-2.1.0.json');

const sha = (bytes) => createHash('sha256').update(bytes).digest('hex');

export function ensureSarifSchema() {
  if (existsSync(SCHEMA_PATH) && sha(readFileSync(SCHEMA_PATH)) === SHA256) return SCHEMA_PATH;
  const work = mkdtempSync(join(tmpdir(), 'bs-sarif-schema-'));
  try {
    const tgz = execFileSync('npm', ['pack', PACKAGE, '--pack-destination', work, '--silent'], { encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').pop();
    execFileSync('tar', ['-xzf', join(work, tgz), '-C', work, MEMBER], { timeout: 60_000 });
    const bytes = readFileSync(join(work, MEMBER));
    if (sha(bytes) !== SHA256) throw new Error(`${PACKAGE} ${MEMBER} has sha256 ${sha(bytes)}, expected ${SHA256}`);
    mkdirSync(dirname(SCHEMA_PATH), { recursive: true });
    writeFileSync(SCHEMA_PATH, bytes);
    return SCHEMA_PATH;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    console.log(ensureSarifSchema());
  } catch (error) {
    console.error(`cannot fetch the SARIF schema: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
