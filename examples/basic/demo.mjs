#!/usr/bin/env node
// `npm run demo`: show buildsecrets on local providers only (env + a Keywhiz-style directory).
// 1. plan  — where each secret comes from and how it reaches the build (fetches nothing)
// 2. check — fetch every secret, report ok/failed per id (never a value)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '../../packages/cli/dist/bin.js');
const config = join(here, 'buildsecrets.yaml');
// The env provider reads this variable; a real project exports it in CI.
const env = { ...process.env, DEMO_NPM_TOKEN: process.env.DEMO_NPM_TOKEN ?? 'demo-npm-token-0f9e8d7c6b5a' };

function step(title, args) {
  process.stdout.write(`\n$ buildsecrets ${args.join(' ')}    # ${title}\n`);
  const result = spawnSync(process.execPath, [cli, ...args], { env, stdio: 'inherit', cwd: here });
  if (result.status !== 0) {
    process.stderr.write(`demo step failed with exit code ${result.status}\n`);
    process.exit(result.status ?? 1);
  }
}

step('fetches nothing', ['plan', '--config', config, '-f', join(here, 'Dockerfile')]);
step('fetches everything, prints no value', ['check', '--config', config]);
