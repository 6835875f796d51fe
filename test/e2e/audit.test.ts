import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { auditImage, formatAuditReport, SecretValue, type AuditReport, type LeakFinding } from '@buildsecrets/core';
import { describeE2E, docker, DOCKER_BIN, E2E_BUILD_ARGS, E2E_ENV } from './support/engine.js';
import { scanImage } from './support/scan-image.js';
import { makeCanary } from '../setup/canary-values.js';
import { allowCanaryOutput } from '../setup/canary.js';

const fixtures = fileURLToPath(new URL('./fixtures/audit/', import.meta.url));
const tag = (name: string): string => `buildsecrets-e2e/audit-${name}:${randomBytes(4).toString('hex')}`;

// Canaries: a value that reaches this process's output, a child's output or an error fails the test.
const values = {
  env_secret: makeCanary('env'),
  arg_secret: makeCanary('arg'),
  file_secret: makeCanary('file'),
  blob_secret: makeCanary('blob'),
  json_secret: `${makeCanary('json')}"quoted"\\slash`,
  // The key's body lines are canaries too (each a significant line the audit finds on its own).
  pem_secret: `-----BEGIN TEST PRIVATE KEY-----\n${makeCanary('pem-body-one')}\n${makeCanary('pem-body-two')}\n-----END TEST PRIVATE KEY-----\n`,
};
const secrets = Object.entries(values).map(([id, v]) => ({ id, value: SecretValue.from(v) }));
const options = { docker: DOCKER_BIN, env: E2E_ENV, secrets };

/** The leaky image holds the values on purpose, so what docker prints of it (`save`, `inspect`) does too. */
function allowTheImageItself(): void {
  allowCanaryOutput(/^child \S*docker stdout$/, 'docker save / image inspect stream the leaky image, which holds the values on purpose; the test proves the audit finds them there');
}

function assertNoValues(report: AuditReport): void {
  const printed = `${JSON.stringify(report)}\n${formatAuditReport(report, { color: true })}`;
  for (const v of Object.values(values)) {
    expect(printed).not.toContain(v);
    expect(printed).not.toContain(Buffer.from(v).toString('hex'));
    for (const line of v.split('\n').filter((l) => l.length >= 8)) expect(printed).not.toContain(line);
  }
}

describeE2E('audit: a real image built with BuildKit', () => {
  const work = mkdtempSync(join(tmpdir(), 'bs-e2e-audit-'));
  const leaky = tag('leaky');
  const clean = tag('clean');
  let layers: string[] = [];
  let historyOf: (needle: string) => number = () => -1;

  beforeAll(async () => {
    const context = join(work, 'context');
    rmSync(context, { recursive: true, force: true });
    mkdirSync(context);
    copyFileSync(join(fixtures, 'Dockerfile.leaky'), join(context, 'Dockerfile.leaky'));
    copyFileSync(join(fixtures, 'Dockerfile.clean'), join(context, 'Dockerfile.clean'));
    writeFileSync(join(context, 'deleted.txt'), `token=${values.file_secret}\n`);
    // One byte of prefix: the value's base64 is not aligned to the blob's 3-byte groups.
    writeFileSync(join(context, 'blob.b64'), `${Buffer.from(`x${values.blob_secret}and-more-bytes`).toString('base64')}\n`);
    writeFileSync(join(context, 'settings.json'), JSON.stringify({ api: { token: values.json_secret } }, null, 2));
    writeFileSync(join(context, 'key.yaml'), `key: |\n${values.pem_secret.split('\n').map((l) => `    ${l}`).join('\n')}\n`);
    writeFileSync(join(context, 'hello.txt'), 'hello\n');
    await docker(['build', ...E2E_BUILD_ARGS, '-q', '-f', join(context, 'Dockerfile.leaky'), '-t', leaky, '--build-arg', `ENV_VALUE=${values.env_secret}`, '--build-arg', `ARG_VALUE=${values.arg_secret}`, context]);
    await docker(['build', ...E2E_BUILD_ARGS, '-q', '-f', join(context, 'Dockerfile.clean'), '-t', clean, context]);
    layers = JSON.parse(await docker(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', leaky])) as string[];
    // docker history lists steps newest first; the config's history array is oldest first.
    const steps = (await docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', leaky])).replace(/\n$/, '').split('\n').reverse();
    historyOf = (needle) => steps.findIndex((s) => s.includes(needle));
  }, 300_000);

  afterAll(async () => {
    await docker(['rmi', '-f', leaky, clean]).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  });

  const expectLeaks = (findings: readonly LeakFinding[]): void => {
    const expected: LeakFinding[] = [
      { secretId: 'env_secret', encoding: 'raw', location: { kind: 'config', field: 'config.Env[1]' } },
      { secretId: 'env_secret', encoding: 'raw', location: { kind: 'config', field: 'history.created_by', historyIndex: historyOf('LEAK_ENV') } },
      { secretId: 'arg_secret', encoding: 'raw', location: { kind: 'config', field: 'history.created_by', historyIndex: historyOf('building with an argument') } },
      { secretId: 'file_secret', encoding: 'raw', location: { kind: 'layer', layer: layers[2]!, path: 'opt/deleted.txt', deletedInLayer: layers[3]! } },
      { secretId: 'blob_secret', encoding: 'base64', location: { kind: 'layer', layer: layers[4]!, path: 'opt/blob.b64' } },
      { secretId: 'json_secret', encoding: 'json', location: { kind: 'layer', layer: layers[5]!, path: 'opt/settings.json' } },
      { secretId: 'pem_secret', encoding: 'line', location: { kind: 'layer', layer: layers[6]!, path: 'opt/key.yaml' } },
    ];
    for (const f of expected) expect(findings).toContainEqual(f);
  };

  it('finds every deliberate leak, with its layer and path or config field and history step', async () => {
    allowTheImageItself();
    expect(layers).toHaveLength(7);
    const report = await auditImage({ image: leaky, ...options });
    expectLeaks(report.findings);
    expect(report).toMatchObject({ clean: false, unscanned: [], tooShort: [] });
    expect(report.stats.layers).toBe(7);
    assertNoValues(report);
    // The independent scan agrees that the deleted file's value really is in the image.
    expect(await scanImage(leaky, { file_secret: values.file_secret })).not.toEqual([]);
  });

  it('reads the same image from a `docker save -o` archive', async () => {
    allowTheImageItself();
    const archive = join(work, 'leaky.tar');
    await docker(['save', '-o', archive, leaky]);
    const fromArchive = await auditImage({ archive, secrets });
    expectLeaks(fromArchive.findings);
    const fromStream = await auditImage({ image: leaky, ...options });
    expect(new Set(fromArchive.findings.map((f) => JSON.stringify(f)))).toEqual(new Set(fromStream.findings.map((f) => JSON.stringify(f))));
    assertNoValues(fromArchive);
  });

  it('reports a clean image as clean', async () => {
    const report = await auditImage({ image: clean, ...options });
    expect(report).toMatchObject({ findings: [], unscanned: [], clean: true });
    expect(report.stats.files).toBeGreaterThan(2);
    expect(formatAuditReport(report)).toMatch(/^✓ no secret values found/);
  });
});
