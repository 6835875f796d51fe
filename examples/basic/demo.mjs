#!/usr/bin/env node
// `npm run demo`: show buildsecrets on local providers only (env + a Keywhiz-style directory).
// 1. plan  — where each secret comes from and how it reaches the build (fetches nothing)
// 2. check — fetch every secret, report ok/failed per id (never a value)
// 3. build — a real BuildKit build with both secrets mounted, then the leak audit (when an engine answers)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '../../packages/cli/dist/bin.js');
const config = join(here, 'buildsecrets.yaml');
// The env provider reads this variable; a real project exports it in CI.
const env = { ...process.env, DEMO_NPM_TOKEN: process.env.DEMO_NPM_TOKEN ?? 'demo-npm-token-0f9e8d7c6b5a' };
const docker = process.env.BUILDSECRETS_DOCKER ?? 'docker';
// The base image the demo builds on: nothing can be pulled in an offline sandbox, so a local one may be named.
const baseImage = process.env.BUILDSECRETS_DEMO_BASE_IMAGE ?? 'busybox:1.36';

function step(title, args) {
  process.stdout.write(`\n$ buildsecrets ${args.join(' ')}    # ${title}\n`);
  const result = spawnSync(process.execPath, [cli, ...args], { env, stdio: 'inherit', cwd: here });
  if (result.status !== 0) {
    process.stderr.write(`demo step failed with exit code ${result.status}\n`);
    process.exit(result.status ?? 1);
  }
}

/** Whether `docker` reaches a daemon; the reason when it does not. */
function engineProblem() {
  const probe = spawnSync(docker, ['version', '--format', '{{.Server.Version}}'], { env, encoding: 'utf8', timeout: 15_000 });
  if (probe.error) return `the docker binary "${docker}" could not be run (${probe.error.code ?? probe.error.message})`;
  if (probe.status !== 0) return `"${docker}" reaches no Docker daemon${env.DOCKER_HOST ? ` at DOCKER_HOST=${env.DOCKER_HOST}` : ''}`;
  return undefined;
}

step('fetches nothing', ['plan', '--config', config, '-f', join(here, 'Dockerfile')]);
step('fetches everything, prints no value', ['check', '--config', config]);

if (process.env.BUILDSECRETS_DEMO_NO_BUILD === '1') process.exit(0);
const problem = engineProblem();
if (problem) {
  process.stdout.write(
    [
      '',
      `Skipping the real build: ${problem}.`,
      'To see it, start a Docker engine with BuildKit (Docker 18.09+; with docker CLI 23+ install buildx), then run `npm run demo` again.',
      'In this repository: scripts/e2e-services.sh start, then',
      '  BUILDSECRETS_DOCKER=/usr/bin/docker DOCKER_HOST=unix:///tmp/buildsecrets-e2e/docker.sock \\',
      '  BUILDSECRETS_DEMO_BASE_IMAGE=buildsecrets-test/busybox:latest BUILDSECRETS_DEMO_NETWORK=host npm run demo',
      '',
    ].join('\n'),
  );
  process.exit(0);
}
const network = process.env.BUILDSECRETS_DEMO_NETWORK ? [`--network=${process.env.BUILDSECRETS_DEMO_NETWORK}`] : [];
step('builds with both secrets mounted, then audits the image', [
  'build', '--config', config, '--docker', docker,
  '-t', 'buildsecrets-demo:latest', '--build-arg', `BASE_IMAGE=${baseImage}`, ...network, here,
]);
process.stdout.write('\nBuilt buildsecrets-demo:latest: the RUN step saw both secrets (it stored only their hashes) and the audit found no value in the image.\n');
