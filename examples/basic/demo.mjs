#!/usr/bin/env node
// `npm run demo`: show buildsecrets on local providers only (env + a Keywhiz-style directory).
// 1. plan  — where each secret comes from and how it reaches the build (fetches nothing)
// 2. check — fetch every secret, report ok/failed per id (never a value)
// 3. build — a real BuildKit build with both secrets mounted, then the leak audit (when an engine answers);
//    without an engine: audit two saved images shipped here (saved-images/: one leaks the demo API key,
//    one is clean), so the proof half runs on any machine, then one line on how to get an engine.
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

function step(title, args, expected = 0) {
  process.stdout.write(`\n$ buildsecrets ${args.join(' ')}    # ${title}\n`);
  const result = spawnSync(process.execPath, [cli, ...args], { env, stdio: 'inherit', cwd: here });
  if (result.status !== expected) {
    process.stderr.write(`demo step failed with exit code ${result.status}${expected ? ` (expected ${expected})` : ''}\n`);
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
  // The proof half still runs: audit two images saved in docker-archive form (make-saved-images.mjs).
  step('an image that COPYed the API key and deleted it later: exit 3, the leak is found', ['audit', 'saved-images/leaked.tar', '--config', config], 3);
  step('the same image built with secret mounts: exit 0, clean', ['audit', 'saved-images/clean.tar', '--config', config]);
  process.stdout.write(
    [
      '',
      `No real build: ${problem}.`,
      'To see one, start Docker with BuildKit (or, in this repository, as root: scripts/e2e-services.sh install && scripts/e2e-services.sh start, see README "Development") and run `npm run demo` again.',
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
