// What a run with only env or keywhiz providers must never load, and how to find it in a
// record-modules.mjs log. Shared by bench/startup.mjs and the lazy-load reliability test.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Heavy or optional dependencies, by the name printed in reports. */
export const HEAVY_MODULES = {
  'AWS SDK': /\/node_modules\/(@aws-sdk|@smithy|@aws-crypto)\//,
  'Google Cloud client': /\/node_modules\/(@google-cloud|google-gax|google-auth-library|@grpc)\//,
  'node-vault': /\/node_modules\/node-vault\//,
  ssh2: /\/node_modules\/ssh2\//,
  'vault provider': /\/packages\/providers\/vault\//,
  'aws provider': /\/packages\/providers\/aws\//,
  'gcp provider': /\/packages\/providers\/gcp\//,
  'sneaker provider': /\/packages\/providers\/sneaker\//,
  'ssm provider': /\/packages\/providers\/ssm\//,
};

const RECORDER = fileURLToPath(new URL('./record-modules.mjs', import.meta.url));

/** The names of HEAVY_MODULES that appear in a module log. */
export function heavyModulesIn(lines) {
  return Object.entries(HEAVY_MODULES)
    .filter(([, pattern]) => lines.some((line) => pattern.test(line)))
    .map(([name]) => name);
}

/**
 * Run `node <script> <args>` under the module recorder and return its exit status, output and
 * every module it loaded (ESM URLs and CommonJS paths). Bounded by `timeoutMs`.
 */
export function runRecorded(script, args, { cwd, env = {}, timeoutMs = 30_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bs-modules-'));
  const log = join(dir, 'modules.log');
  try {
    const run = spawnSync(process.execPath, ['--import', RECORDER, script, ...args], {
      cwd,
      env: { PATH: process.env.PATH, ...env, BS_MODULE_LOG: log },
      encoding: 'utf8',
      timeout: timeoutMs,
    });
    let modules = [];
    try {
      modules = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    } catch {
      // Nothing loaded beyond the entry (or the recorder failed): reported through `modules` being empty.
    }
    return { status: run.status, signal: run.signal, stdout: run.stdout ?? '', stderr: run.stderr ?? '', modules };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
