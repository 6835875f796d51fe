#!/usr/bin/env node
// Runs before `npm test` / `npm run demo` / `npm run bench`, so each works as the very first command
// on a fresh clone: when node_modules is missing or older than package-lock.json, install exactly
// what the lock file says (`npm ci`, offline-first, quiet). Otherwise it does nothing (a few stats).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const lock = join(root, 'package-lock.json');
// npm's own record of what it installed; written last by every npm install/ci.
const installed = join(root, 'node_modules/.package-lock.json');

function reason() {
  if (!existsSync(installed) || !existsSync(join(root, 'node_modules/.bin/tsc'))) return 'node_modules is missing';
  if (existsSync(lock) && statSync(lock).mtimeMs > statSync(installed).mtimeMs + 1000) return 'package-lock.json changed since the last install';
  return undefined;
}

const why = reason();
if (why) {
  const args = [existsSync(lock) ? 'ci' : 'install', '--no-audit', '--no-fund', '--prefer-offline'];
  process.stderr.write(`[buildsecrets] ${why}: npm ${args.join(' ')}\n`);
  // Under `npm run`, npm_execpath is the npm that runs us; otherwise the npm on PATH.
  const npm = process.env.npm_execpath;
  const run = npm && npm.endsWith('.js') ? spawnSync(process.execPath, [npm, ...args], { cwd: root, stdio: 'inherit' }) : spawnSync('npm', args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (run.status !== 0) {
    process.stderr.write(`[buildsecrets] npm ${args[0]} failed (exit ${run.status ?? run.signal}); run it yourself to see why\n`);
    process.exit(run.status || 1);
  }
}
