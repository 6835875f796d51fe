import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SecretValue, servedFileHelperPath, servedFileStrategy } from '@buildsecrets/core';
import { DOCKER_BIN, E2E_BUILD_ARGS, E2E_ENV, describeE2E, docker } from './support/engine.js';
import { delayingProxy } from './support/delaying-proxy.js';
import { watchProc } from './support/proc-watcher.js';
import { testStrategyContext } from '../../packages/core/src/strategies/__fixtures__/test-strategy-context.js';
import { tokenFor } from '../../packages/core/src/strategies/served-file/token-list.js';
import { makeCanary } from '../setup/canary-values.js';

const run = promisify(execFile);

// The build images for the three download tools the helper knows (scripts/e2e-services.sh builds
// them from host binaries); `agent` is how each announces itself, proving which tool fetched.
const IMAGES = [
  { tool: 'busybox wget', image: 'buildsecrets-test/busybox:latest', agent: /^User-Agent: Wget$/m },
  { tool: 'GNU wget', image: 'buildsecrets-test/gnu-wget:latest', agent: /^User-Agent: Wget\/1\./m },
  { tool: 'curl', image: 'buildsecrets-test/curl:latest', agent: /^User-Agent: curl\//m },
] as const;

function dockerfile(image: string): string {
  return [
    `FROM ${image}`,
    'COPY buildsecrets-fetch /usr/local/bin/buildsecrets-fetch',
    'ARG BUILDSECRETS_URL',
    'ARG BUILDSECRETS_TOKEN',
    'RUN --mount=type=tmpfs,target=/run/buildsecrets \\',
    '    sh /usr/local/bin/buildsecrets-fetch first second -- sh -c \'cat "$BUILDSECRETS_FILE_FIRST" "$BUILDSECRETS_FILE_SECOND" | sha256sum | cut -d" " -f1 > /proof\'',
    '',
  ].join('\n');
}

describeE2E('served-file: no token in any command line or environment another user can read, with each download tool', () => {
  let dir = '';
  const tags: string[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bs-e2e-procwatch-'));
    await copyFile(servedFileHelperPath(), join(dir, 'buildsecrets-fetch'));
  });
  afterAll(async () => {
    for (const tag of tags) await docker(['rmi', '-f', tag]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  for (const { tool, image, agent } of IMAGES) {
    it(`${tool}: an unprivileged /proc poller never sees a token while the build fetches two secrets`, async () => {
      const values = { first: makeCanary(`procwatch-first-${tool}`), second: makeCanary(`procwatch-second-${tool}`) };
      const lines: string[] = [];
      const prepared = await servedFileStrategy().prepare(
        Object.entries(values).map(([id, v]) => ({ id, value: SecretValue.from(v), config: { from: 'env', ref: id, inject: 'served-file' as const } })),
        testStrategyContext({ lines, redactLogs: false, overrides: { declaredArgs: new Set(['BUILDSECRETS_URL', 'BUILDSECRETS_TOKEN']) } }),
      );
      const list = prepared.env['BUILDSECRETS_TOKEN'] ?? '';
      const tokens = ['first', 'second'].map((id) => tokenFor(list, id) ?? 'missing');
      const proxy = await delayingProxy(prepared.env['BUILDSECRETS_URL'] ?? '', 500);
      const context = join(dir, tool.replace(/ /g, '-'));
      await run('mkdir', ['-p', context]);
      await copyFile(join(dir, 'buildsecrets-fetch'), join(context, 'buildsecrets-fetch'));
      await writeFile(join(context, 'Dockerfile'), dockerfile(image));
      const tag = `buildsecrets-e2e/procwatch-${tool.replace(/ /g, '-').toLowerCase()}:${process.pid}`;
      tags.push(tag);

      const watcher = await watchProc([...tokens, ...Object.values(values), 'procwatch-sentinel-7c1e'], /wget|curl|procwatch-sentinel/);
      // Control: a root process with a needle in its argv, which the poller must catch — proof it can see root's command lines.
      const sentinel = spawn('sh', ['-c', 'sleep 2', 'procwatch-sentinel-7c1e'], { stdio: 'ignore' });
      try {
        await run(DOCKER_BIN, ['build', ...E2E_BUILD_ARGS, ...prepared.engineArgs, '--progress=plain', '-t', tag, context], {
          env: { ...process.env, ...E2E_ENV, DOCKER_BUILDKIT: '1', ...prepared.env, BUILDSECRETS_URL: proxy.url },
          maxBuffer: 1 << 26,
          timeout: 300_000,
        });
      } finally {
        await new Promise((r) => (sentinel.exitCode === null ? sentinel.once('exit', r) : r(undefined)));
        await prepared.dispose();
        await proxy.close();
      }
      const report = await watcher.stop();

      expect(report.hits.filter((h) => !h.includes('procwatch-sentinel'))).toEqual([]);
      expect(report.hits.some((h) => h.includes('procwatch-sentinel')), 'the control process was seen').toBe(true);
      // The download tool itself was seen running (the proxy holds each fetch 500 ms).
      expect(report.seen.some((s) => /(^|\/)(wget|curl) /.test(s)), JSON.stringify(report.seen)).toBe(true);
      expect(proxy.heads).toHaveLength(2);
      for (const head of proxy.heads) {
        expect(head).toMatch(agent);
        for (const token of tokens) expect(head.split('\r\n')[0]).not.toContain(token);
      }
      // A head carries at most one token (curl's header; wget POSTs it in the body): never the other secret's.
      for (const head of proxy.heads) expect(tokens.filter((t) => head.includes(t)).length).toBeLessThanOrEqual(1);
      const proof = await docker(['run', '--rm', '--network', 'none', tag, 'cat', '/proof']);
      expect(proof.trim()).toBe(createHash('sha256').update(values.first + values.second).digest('hex'));
      expect(lines.join('\n')).not.toContain(values.first);
    }, 300_000);
  }
});
