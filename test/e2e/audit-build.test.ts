import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, expect, it } from 'vitest';
import { auditImage, SecretValue } from '@buildsecrets/core';
import { describeE2E, docker, DOCKER_BIN, E2E_BUILD_ARGS, E2E_ENV } from './support/engine.js';
import { killAll, runCli } from './fixtures/build/cli.js';

/*
 * The post-build audit on real BuildKit builds: no false alarm on an image with OpenSSH and git,
 * values that came with the base image reported as pre-existing, every encoding ordinary tools
 * write found and named, and no way to skip the audit in silence (--iidfile, -q, --output, a
 * layer that cannot be read).
 */

const FIXTURES = fileURLToPath(new URL('./fixtures/audit-build/', import.meta.url));
const CONFIG = join(FIXTURES, 'buildsecrets.yaml');
const work = mkdtempSync(join(tmpdir(), 'bs-e2e-audit-build-'));
const images: string[] = [];
const tag = (name: string): string => {
  const image = `bs-e2e-audit-build-${name}:${process.pid}`;
  images.push(image);
  return image;
};
const token = (label: string): string => `tok-${label}-${randomBytes(36).toString('hex')}`;
const sha = (v: string): string => createHash('sha256').update(v).digest('hex');

function build(config: string, dockerfile: string, extra: readonly string[], context = FIXTURES): string[] {
  return ['build', '--config', config, '-f', dockerfile, ...E2E_BUILD_ARGS, ...extra, context];
}

function expectNoValue(run: { stdout: string; stderr: string }, value: string): void {
  for (const form of [value, Buffer.from(value).toString('base64'), Buffer.from(value).toString('hex')]) {
    expect(run.stdout).not.toContain(form);
    expect(run.stderr).not.toContain(form);
  }
}

describeE2E('build: the post-build audit on real builds', () => {
  afterEach(() => killAll());
  afterAll(async () => {
    if (images.length) await docker(['rmi', '-f', ...images]).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }, 120_000);

  it('an ssh-agent build of an image with OpenSSH and git audits clean (armour lines are never findings)', async () => {
    const keyFile = join(work, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'e2e', '-f', keyFile]);
    const key = readFileSync(keyFile, 'utf8');
    const value = token('ssh');
    // --base-layers=fail: a false alarm on the base's /usr/bin/ssh would fail the build too.
    const run = await runCli(build(join(FIXTURES, 'ssh.yaml'), join(FIXTURES, 'clean.Dockerfile'), ['-t', tag('ssh'), '--base-layers=fail', '--build-arg', `EXPECTED_SHA=${sha(value)}`]), { BS_E2E_TOKEN: value, BS_E2E_DEPLOY_KEY: key });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/audit: \d+ layers \(2 from this build\), 0 findings\n/);
    expectNoValue(run, value);
    for (const line of key.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----'))) expect(run.stderr).not.toContain(line);
  }, 180_000);

  it('a value that came with the base image is reported as pre-existing and passes with the default warn; --base-layers=fail fails', async () => {
    const value = token('base');
    const base = tag('base');
    const context = mkdtempSync(join(work, 'ctx-'));
    // The base's Dockerfile holds the value: outside the build context, which the context check scans.
    const baseFile = join(mkdtempSync(join(work, 'base-')), 'Dockerfile');
    writeFileSync(baseFile, `FROM buildsecrets-test/busybox:latest\nRUN echo "${value}" > /etc/vendor-token\n`);
    await docker(['build', ...E2E_BUILD_ARGS, '-q', '-f', baseFile, '-t', base, context]);
    writeFileSync(join(context, 'Dockerfile'), `FROM ${base}\nARG EXPECTED_SHA\nRUN --mount=type=secret,id=token,required=true echo "$EXPECTED_SHA  /run/secrets/token" | sha256sum -c -s && touch /ok\n`);
    const args = (extra: string[]) => build(CONFIG, join(context, 'Dockerfile'), ['-t', tag('on-base'), '--build-arg', `EXPECTED_SHA=${sha(value)}`, ...extra], context);
    const warned = await runCli(args([]), { BS_E2E_TOKEN: value });
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stderr).toContain('audit: 3 layers (1 from this build), 0 findings, 2 pre-existing in base layers');
    // The file in the base's layer, and the base's own RUN step in the inherited history.
    expect(warned.stderr).toMatch(/pre-existing, not written by this build[^\n]*\n\s+token \(raw\)\s+layer sha256:[0-9a-f]{64}\s+\/etc\/vendor-token\n\s+token \(raw\)\s+config\s+history.created_by \(history step 1\)/);
    const failed = await runCli(args(['--base-layers=fail']), { BS_E2E_TOKEN: value });
    expect(failed.code, failed.stderr).toBe(3);
    expectNoValue(warned, value);
    expectNoValue(failed, value);
  }, 180_000);

  it('every encoding written by busybox tools is found and named (the secret file ends in a newline the build strips)', async () => {
    const value = token('enc');
    const image = tag('enc');
    const run = await runCli(build(CONFIG, join(FIXTURES, 'encodings.Dockerfile'), ['--no-cache', '-t', image, '--json']), { BS_E2E_TOKEN: `${value}\n` });
    expect(run.code, run.stderr).toBe(3);
    const body = JSON.parse(run.stdout) as { error: { code: string; findings: { encoding: string; location: { path: string } }[] } };
    expect(body.error.code).toBe('LEAK_DETECTED');
    const named = new Map<string, Set<string>>();
    for (const f of body.error.findings) named.set(f.location.path, (named.get(f.location.path) ?? new Set()).add(f.encoding));
    const expected: Record<string, string[]> = {
      'enc/base64-76': ['base64-wrapped'],
      'enc/base64-64': ['base64-wrapped'],
      'enc/base64-crlf': ['base64-wrapped'],
      'enc/xxd-p': ['hex-wrapped'],
      'enc/xxd': ['hex-dump'],
      'enc/od': ['hex-dump'],
      'enc/hexdump': ['hex-dump'],
      'enc/base64-with-newline': ['base64'],
    };
    for (const [path, encodings] of Object.entries(expected)) expect([...(named.get(path) ?? [])], path).toEqual(encodings);
    // The library on the same image agrees.
    const report = await auditImage({ image, docker: DOCKER_BIN, env: E2E_ENV, secrets: [{ id: 'token', value: SecretValue.from(`${value}\n`) }] });
    expect(new Set(report.findings.map((f) => f.location.kind === 'layer' && f.location.path))).toEqual(new Set(Object.keys(expected)));
    expectNoValue(run, value);
  }, 180_000);

  it("audits with the user's own --iidfile and with -q, and always ends with the summary line", async () => {
    const value = token('iid');
    const iid = join(work, 'their.iid');
    const run = await runCli(build(CONFIG, join(FIXTURES, 'leak.Dockerfile'), ['-q', '--no-cache', '--iidfile', iid, '-t', tag('iid')]), { BS_E2E_TOKEN: value });
    expect(run.code, run.stderr).toBe(3);
    expect(readFileSync(iid, 'utf8')).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(run.stderr).toMatch(/audit: 2 layers \(1 from this build\), 1 finding\n/);
    expect(run.stderr).toMatch(/token \(raw\)\s+layer sha256:[0-9a-f]{64}\s+\/leaked/);
    expectNoValue(run, value);
  }, 180_000);

  it('audits what --output type=tar exports instead of skipping it', async () => {
    const value = token('tar');
    const dest = join(work, 'export.tar');
    const run = await runCli(build(CONFIG, join(FIXTURES, 'leak.Dockerfile'), ['--no-cache', '--output', `type=tar,dest=${dest}`]), { BS_E2E_TOKEN: value });
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/token \(raw\)\s+layer export:tar\s+\/leaked/);
    expectNoValue(run, value);
  }, 180_000);

  it('a layer that cannot be read fails build with exit 1, naming it and why; --audit=warn lets it pass with a warning', async () => {
    const value = token('bad');
    // A docker wrapper whose `save` replaces the top layer with corrupt gzip data; everything else is the real engine.
    const wrapper = join(work, 'docker-corrupt-save');
    writeFileSync(
      wrapper,
      `#!/bin/sh
if [ "$1" = save ]; then
  d=$(mktemp -d)
  "${DOCKER_BIN}" save "$2" | tar -C "$d" -xf - || exit 1
  layer=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1] + "/manifest.json", "utf8"))[0].Layers.at(-1))' "$d")
  printf '\\037\\213\\010\\000\\000\\000\\000\\000\\000\\003this-is-not-deflate-data-at-all' > "$d/$layer"
  (cd "$d" && tar -cf - .)
  rm -rf "$d"
  exit 0
fi
exec "${DOCKER_BIN}" "$@"
`,
    );
    chmodSync(wrapper, 0o755);
    const args = (extra: string[]) => build(CONFIG, join(FIXTURES, 'leak.Dockerfile'), ['--docker', wrapper, '-t', tag('bad'), ...extra]);
    const failed = await runCli(args([]), { BS_E2E_TOKEN: value });
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stderr).toMatch(/could not search 1 layer of sha256:[0-9a-f]{64}: sha256:[0-9a-f]{64}: its gzip data is corrupt/);
    const warned = await runCli(args(['--audit=warn']), { BS_E2E_TOKEN: value });
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stderr).toContain('1 not searched');
    expectNoValue(failed, value);
  }, 180_000);
});
