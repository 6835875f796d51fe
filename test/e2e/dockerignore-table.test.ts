import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { loadContextIgnore, walkContext } from '@buildsecrets/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BASE_IMAGE, DOCKER_BIN, E2E_BUILD_ARGS, E2E_ENV, describeE2E, docker } from './support/engine.js';

const run = promisify(execFile);

/** The same tree in every case; each case only changes the ignore rules. */
const TREE = [
  'a.txt', 'b.txt', 'abs.txt', 'dot.txt', ' spaced.txt', 'spaced.txt', 'x.log', 'nested/y.log', 'nested/deep/z.log',
  'secret/keep.txt', 'secret/drop.txt', 'src/main.js', 'src/lib/util.js', 'a/b/c.txt', 'a/b/d.txt', 'a/x/y/c.txt',
  'dir/deep.txt', 'dir/1/2/deep.txt', '.env', '.env.example', '.env.local', 'other.txt', 'Dockerfile', 'c.txt',
];

interface Case {
  readonly name: string;
  /** `.dockerignore` in the context. */
  readonly dockerignore?: string;
  /** `<Dockerfile>.dockerignore` beside the (out-of-context) Dockerfile. */
  readonly dockerfileIgnore?: string;
}

const CASES: readonly Case[] = [
  { name: 'no ignore file' },
  { name: 'root-only glob', dockerignore: '*.log\n' },
  { name: 'globstar at any depth', dockerignore: '**/*.log\n' },
  { name: 'a directory excludes everything below it', dockerignore: 'secret\n' },
  { name: 'trailing slash on a directory', dockerignore: 'secret/\n' },
  { name: 'exception inside an excluded directory', dockerignore: 'secret\n!secret/keep.txt\n' },
  { name: 'leading slash and ./ are cleaned', dockerignore: '/abs.txt\n./dot.txt\n' },
  { name: 'comments, blank lines and surrounding spaces', dockerignore: '# a comment\n\n  b.txt  \n#other.txt\n' },
  { name: 'allow-list: exclude all, re-include src', dockerignore: '*\n!src\n' },
  { name: 'single-level wildcard in the middle', dockerignore: 'a/*/c.txt\n' },
  { name: '? and character classes', dockerignore: '?.txt\n[ab].txt\n' },
  { name: 'globstar in the middle', dockerignore: 'dir/**/deep.txt\n' },
  { name: 'env files with an exception', dockerignore: '.env*\n!.env.example\n' },
  { name: 'later rules win over earlier ones', dockerignore: '!a.txt\na.txt\nsecret\n!secret\n' },
  { name: 'path cleaning of ..', dockerignore: 'src/../other.txt\n' },
  { name: 'the ignore file and an in-context Dockerfile may exclude themselves', dockerignore: '.dockerignore\nDockerfile\n' },
  { name: '<Dockerfile>.dockerignore wins over .dockerignore', dockerignore: '*.txt\n', dockerfileIgnore: '*.log\n' },
];

let root: string;
const images: string[] = [];

/** Files the engine put in the image under /ctx (regular files only), from `docker save`. */
async function filesDockerSent(image: string): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'bs-e2e-ignore-save-'));
  try {
    await run(DOCKER_BIN, ['save', '-o', join(dir, 'image.tar'), image], { env: { ...process.env, ...E2E_ENV }, maxBuffer: 1 << 26 });
    await run('tar', ['-xf', join(dir, 'image.tar'), '-C', dir]);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { Layers: string[] }[];
    const top = manifest[0]!.Layers.at(-1)!;
    const { stdout } = await run('tar', ['-tvf', join(dir, top)], { maxBuffer: 1 << 24 });
    return stdout.split('\n').filter((l) => l.startsWith('-')).map((l) => l.slice(l.indexOf('ctx/') + 4)).sort();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Files our context check reads for the same context. */
async function filesWeScan(context: string, dockerfile: string): Promise<string[]> {
  const out: string[] = [];
  await walkContext(context, await loadContextIgnore(context, dockerfile), (f) => out.push(f.path));
  return out.sort();
}

describeE2E('.dockerignore semantics: the files docker sends ⇔ the files the context check scans (real BuildKit)', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'bs-e2e-ignore-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    if (images.length) await docker(['rmi', '-f', ...images]).catch(() => undefined);
  }, 60_000);

  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    const context = join(root, `case-${i}`, 'context');
    const dockerfile = join(root, `case-${i}`, 'build', 'app.Dockerfile');
    for (const path of TREE) {
      await mkdir(dirname(join(context, path)), { recursive: true });
      await writeFile(join(context, path), path);
    }
    await mkdir(dirname(dockerfile), { recursive: true });
    await writeFile(dockerfile, `FROM ${BASE_IMAGE}\nCOPY . /ctx/\n`);
    if (c.dockerignore !== undefined) await writeFile(join(context, '.dockerignore'), c.dockerignore);
    if (c.dockerfileIgnore !== undefined) await writeFile(`${dockerfile}.dockerignore`, c.dockerfileIgnore);
    const image = `bs-e2e-ignore-${i}:${process.pid}`;
    images.push(image);
    await run(DOCKER_BIN, ['build', ...E2E_BUILD_ARGS, '-q', '-f', dockerfile, '-t', image, context], { env: { ...process.env, ...E2E_ENV, DOCKER_BUILDKIT: '1' } });
    const sent = await filesDockerSent(image);
    expect(sent.length).toBeGreaterThan(0);
    expect(await filesWeScan(context, dockerfile)).toEqual(sent);
  }, 60_000);
});
