import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LeakFinding } from '@buildsecrets/core';
import { fingerprint, sarifLog } from './sarif-log.js';
import { sarifValidator } from './__fixtures__/sarif-schema.js';

const VALUE = 'sarif-canary-Zq81-value-4c1d';
let validate: (log: unknown) => string[];
beforeAll(async () => {
  validate = await sarifValidator();
}, 180_000);

const layerFinding = (layer: string, path = 'app/.npmrc', encoding = 'base64'): LeakFinding => ({ secretId: 'npm_token', encoding, location: { kind: 'layer', layer, path } });
const findings: LeakFinding[] = [
  layerFinding(`sha256:${'a'.repeat(64)}`),
  { secretId: 'npm_token', encoding: 'raw', location: { kind: 'layer', layer: `sha256:${'b'.repeat(64)}`, path: 'etc/with space/ü.txt', deletedInLayer: `sha256:${'c'.repeat(64)}` } },
  { secretId: 'proxy', encoding: 'url', location: { kind: 'config', field: 'history', historyIndex: 3 } },
  { secretId: 'proxy', encoding: 'raw', location: { kind: 'manifest', file: 'index.json', field: 'annotations' } },
];

type Log = { runs: { tool: { driver: { name: string; version: string; informationUri: string; rules: { id: string; help: { text: string } }[] } }; results: { ruleId: string; ruleIndex: number; level: string; partialFingerprints: Record<string, string>; locations: unknown[] }[]; invocations: { exitCode: number; executionSuccessful: boolean; toolExecutionNotifications: { message: { text: string } }[] }[] }[] };

describe('SARIF 2.1.0 output', () => {
  it('is valid against the OASIS SARIF 2.1.0 schema: findings, pre-existing, unreadable layers, too-short ids, a failure', () => {
    const log = sarifLog({ target: 'app:1', findings, preExisting: [layerFinding(`sha256:${'d'.repeat(64)}`, 'bin/tool', 'raw')], unscanned: [{ layer: `sha256:${'e'.repeat(64)}`, reason: 'zstd layer' }], tooShort: ['pin'], exitCode: 3, version: '1.2.3', failure: 'the audit could not search 1 layer' });
    expect(validate(log)).toEqual([]);
    expect(validate(sarifLog({ target: 'app:1', findings: [], exitCode: 0, version: '1.2.3' }))).toEqual([]);
  });

  it('the validator is real: a log missing what the schema requires fails', () => {
    expect(validate({ version: '2.1.0', runs: [{ results: [] }] }).length).toBeGreaterThan(0);
    expect(validate({ version: '2.0.0', runs: [] }).length).toBeGreaterThan(0);
  });

  it('has one result per finding and one rule per encoding, with help text, and names the tool', () => {
    const log = sarifLog({ target: 'app:1', findings, exitCode: 3, version: '1.2.3' }) as unknown as Log;
    const run = log.runs[0]!;
    expect(run.tool.driver).toMatchObject({ name: 'buildsecrets', version: '1.2.3', informationUri: expect.stringMatching(/^https:\/\//) });
    expect(run.results).toHaveLength(4);
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(['buildsecrets/leak/base64', 'buildsecrets/leak/raw', 'buildsecrets/leak/url']);
    for (const result of run.results) expect(run.tool.driver.rules[result.ruleIndex]!.id).toBe(result.ruleId);
    for (const rule of run.tool.driver.rules) expect(rule.help.text.length).toBeGreaterThan(50);
    expect(run.invocations[0]).toMatchObject({ exitCode: 3, executionSuccessful: true });
  });

  it('locates a finding by layer digest and path, or by config field', () => {
    const text = JSON.stringify(sarifLog({ target: 'app:1', findings, exitCode: 3, version: '1' }));
    expect(text).toContain(`sha256:${'a'.repeat(64)}/app/.npmrc`);
    expect(text).toContain('"uri":"app/.npmrc"');
    expect(text).toContain('config.history');
  });

  it('reports unreadable layers as error notifications and the run as unsuccessful', () => {
    const log = sarifLog({ target: 'x', findings: [], unscanned: [{ layer: 'sha256:f', reason: 'zstd layer' }], exitCode: 1, version: '1' }) as unknown as Log;
    expect(log.runs[0]!.invocations[0]).toMatchObject({ exitCode: 1, executionSuccessful: false });
    expect(log.runs[0]!.invocations[0]!.toolExecutionNotifications[0]!.message.text).toContain('zstd layer');
  });

  it('fingerprints are stable across rebuilds (a new layer digest), differ by place, and derive nothing from the value', () => {
    const a = fingerprint(layerFinding(`sha256:${'1'.repeat(64)}`));
    expect(fingerprint(layerFinding(`sha256:${'2'.repeat(64)}`))).toBe(a);
    expect(fingerprint(layerFinding(`sha256:${'1'.repeat(64)}`, 'app/other'))).not.toBe(a);
    expect(fingerprint({ ...layerFinding('sha256:1'), encoding: 'hex' })).not.toBe(a);
    // The input has no value at all; a hash of one is nowhere in the log.
    const text = JSON.stringify(sarifLog({ target: 'app', findings, exitCode: 3, version: '1' }));
    for (const h of [createHash('sha256').update(VALUE).digest('hex'), createHash('sha1').update(VALUE).digest('hex'), VALUE]) expect(text).not.toContain(h);
  });
});
