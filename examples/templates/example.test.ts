import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createBuildSecrets, type BuildSecrets } from '@buildsecrets/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../packages/cli/src/test-support/run-cli-captured.js';
import { BASE_IMAGE, DOCKER_BIN, E2E_BUILD_ARGS, E2E_ENV, describeE2E, docker } from '../../test/e2e/support/engine.js';
import { scanImage } from '../../test/e2e/support/scan-image.js';
import { makeCanary } from '../../test/setup/canary-values.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
/** Canary parts; one holds a quote, a newline-free `{{` and a colon to prove literal embedding. */
const C = makeCanary('tmpl');
const PARTS = {
  NPM_TOKEN: `npm_${C}-{{ secret "x" }}-npm`,
  GIT_USER: 'ci-bot-CANARY-gituser',
  GIT_TOKEN: `${C}-git-"quoted"`,
  PYPI_USER: 'ci-CANARY-pypiuser',
  PYPI_PASSWORD: `${C}-pypi`,
  REGISTRY_USER: 'robot$ci-CANARY-reg',
  REGISTRY_PASSWORD: `${C}-registry`,
  AWS_ACCESS_KEY_ID: 'AKIACANARYTMPL0001',
  AWS_SECRET_ACCESS_KEY: `${C}-aws/secret+key=3f2a`,
};
const sha = (text: string): string => createHash('sha256').update(text).digest('hex');
/** What each template renders to: written out here by hand, so the test checks the renderer. */
const RENDERED = {
  npmrc: `//registry.npmjs.org/:_authToken=${PARTS.NPM_TOKEN}\nalways-auth=true\n`,
  netrc: `machine git.example.com\n  login ${PARTS.GIT_USER}\n  password ${PARTS.GIT_TOKEN}\n`,
  pip_conf: `[global]\nindex-url = https://${PARTS.PYPI_USER}:${PARTS.PYPI_PASSWORD}@pypi.example.com/simple/\n`,
  docker_config: `{\n  "auths": {\n    "registry.example.com": { "auth": "${Buffer.from(`${PARTS.REGISTRY_USER}:${PARTS.REGISTRY_PASSWORD}`).toString('base64')}" }\n  }\n}\n`,
  aws_credentials: `[default]\naws_access_key_id = ${PARTS.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${PARTS.AWS_SECRET_ACCESS_KEY}\n`,
};

let bs: BuildSecrets | undefined;
const images: string[] = [];
const open = async (logs: string[]): Promise<BuildSecrets> => {
  bs = await createBuildSecrets({ configPath: join(HERE, 'buildsecrets.yaml'), cwd: HERE, env: { ...process.env, ...E2E_ENV, ...PARTS }, log: (l) => logs.push(l) });
  return bs;
};
afterEach(async () => {
  await bs?.dispose();
  bs = undefined;
});

describe('examples/templates: rendering', () => {
  it('renders each credential file exactly, values embedded literally', async () => {
    const values = await (await open([])).resolve();
    for (const [id, expected] of Object.entries(RENDERED)) expect(values.get(id)?.revealString(), id).toBe(expected);
  });

  it('redacts a rendered file as a whole and each embedded value on its own', async () => {
    const instance = await open([]);
    await instance.resolve();
    expect(instance.redactor.redact(`x ${RENDERED.pip_conf} y`)).not.toContain('pypi.example.com/simple');
    expect(instance.redactor.redact(`token=${PARTS.PYPI_PASSWORD}`)).not.toContain(PARTS.PYPI_PASSWORD);
  });

  it('a bad template is a config error (exit 2) naming the secret, the template line and the unknown name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bs-tmpl-cli-'));
    try {
      await writeFile(join(dir, 'buildsecrets.yaml'), 'version: 1\nproviders: { local: { use: env } }\nsecrets:\n  npm_token: { from: local, ref: NPM_TOKEN, inject: none }\n  npmrc: { templateFile: npmrc.tmpl }\n');
      await writeFile(join(dir, 'npmrc.tmpl'), 'registry=https://r.example/\n//r.example/:_authToken={{ secret "npm_tokn" }}\n');
      const run = await runCliCaptured(['plan'], { cwd: dir, env: { NO_COLOR: '1' } });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('secrets.npmrc.templateFile: line 2: secret "npm_tokn" is not defined');
      expect(run.stderr).toContain('npm_token');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describeE2E('examples/templates: each tool-style reader gets its file (real BuildKit)', () => {
  afterAll(async () => {
    if (images.length) await docker(['rmi', '-f', ...images]).catch(() => undefined);
  }, 60_000);

  it('builds with .npmrc, .netrc, pip.conf, docker config.json and AWS credentials mounted, and the image holds none of them', async () => {
    const logs: string[] = [];
    const image = `bs-e2e-templates:${process.pid}`;
    images.push(image);
    const output = new PassThrough();
    let text = '';
    output.on('data', (c: Buffer) => (text += c.toString('utf8')));
    const result = await (await open(logs)).build({
      context: HERE, docker: DOCKER_BIN, output,
      engineArgs: [
        ...E2E_BUILD_ARGS, '--no-cache', '--progress=plain', '-t', image, '--build-arg', `BASE_IMAGE=${BASE_IMAGE}`,
        '--build-arg', `NPMRC_SHA=${sha(RENDERED.npmrc)}`, '--build-arg', `NETRC_SHA=${sha(RENDERED.netrc)}`, '--build-arg', `PIP_SHA=${sha(RENDERED.pip_conf)}`,
        '--build-arg', `DOCKER_AUTH_SHA=${sha(`${PARTS.REGISTRY_USER}:${PARTS.REGISTRY_PASSWORD}`)}`, '--build-arg', `AWS_SECRET_SHA=${sha(PARTS.AWS_SECRET_ACCESS_KEY)}`,
      ],
    });
    expect(result.exitCode).toBe(0);
    expect(result.audit?.clean).toBe(true);
    // Only the rendered files are handed to the engine; their parts (inject: none) are not.
    const command = result.command.join(' ');
    for (const id of Object.keys(RENDERED)) expect(command).toContain(`id=${id},`);
    expect(command).not.toContain('id=npm_token');
    expect(await scanImage(image, { ...RENDERED, ...PARTS })).toEqual([]);
    const all = [text, ...logs, command].join('\n');
    for (const v of [...Object.values(PARTS), ...Object.values(RENDERED)]) expect(all).not.toContain(v);
  }, 180_000);
});
