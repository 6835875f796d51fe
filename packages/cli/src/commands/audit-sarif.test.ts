import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sarifValidator } from '../sarif/__fixtures__/sarif-schema.js';
import { runCliCaptured } from '../test-support/run-cli-captured.js';
import { writeDockerArchive } from '../test-support/docker-archive.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';

const TOKEN = makeCanary('audit-sarif');
const root = mkdtempSync(join(tmpdir(), 'bs-cli-sarif-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let validate: (log: unknown) => string[];
beforeAll(async () => {
  validate = await sarifValidator();
}, 180_000);

/** A docker-archive with one layer holding `files`. */
const archive = (name: string, files: Record<string, string>): string => writeDockerArchive(join(root, name), files);

describe('buildsecrets audit --format sarif', () => {
  it('writes a schema-valid SARIF log with one result per finding, exits 3, and never holds the value or an encoding of it', async () => {
    const leaky = archive('leaky', { 'app/.env': `TOKEN=${Buffer.from(TOKEN).toString('base64')}\n`, 'app/raw': TOKEN });
    const run = await runCliCaptured(['audit', leaky, '--values-from-env', 'TOKEN', '--format', 'sarif'], { env: { TOKEN } });
    expect(run.code).toBe(3);
    const log = JSON.parse(run.stdout) as { runs: { results: { ruleId: string; locations: unknown[] }[]; invocations: { exitCode: number }[] }[] };
    expect(validate(log)).toEqual([]);
    expect(log.runs[0]!.results.map((r) => r.ruleId).sort()).toEqual(['buildsecrets/leak/base64', 'buildsecrets/leak/raw']);
    expect(log.runs[0]!.invocations[0]!.exitCode).toBe(3);
    for (const form of [TOKEN, Buffer.from(TOKEN).toString('base64'), Buffer.from(TOKEN).toString('hex'), TOKEN.slice(0, 12), TOKEN.slice(-12)]) expect(run.stdout + run.stderr).not.toContain(form);
  });

  it('a clean image gives a valid log with no results and exit 0; --format json stays the native report; --json still works', async () => {
    const clean = archive('clean', { 'app/ok': 'fine' });
    const sarif = await runCliCaptured(['audit', clean, '--values-from-env', 'TOKEN', '--format', 'sarif'], { env: { TOKEN } });
    expect(sarif.code).toBe(0);
    expect(validate(JSON.parse(sarif.stdout))).toEqual([]);
    const json = await runCliCaptured(['audit', clean, '--values-from-env', 'TOKEN', '--format', 'json'], { env: { TOKEN } });
    const legacy = await runCliCaptured(['--json', 'audit', clean, '--values-from-env', 'TOKEN'], { env: { TOKEN } });
    expect(JSON.parse(json.stdout)).toMatchObject({ clean: true, findings: [] });
    expect(JSON.parse(legacy.stdout)).toEqual(JSON.parse(json.stdout));
    const bad = await runCliCaptured(['audit', clean, '--values-from-env', 'TOKEN', '--format', 'xml'], { env: { TOKEN } });
    expect(bad.code).toBe(2);
  });
});
