// Build-context check throughput.
//
// A generated context of BENCH_CTX_FILES files (default 50,000) totalling BENCH_CTX_MB (default
// 500 MB) in 500 directories, plus an excluded directory, checked for 50 secrets (raw + every
// audit encoding) with its .dockerignore applied — against the same context archived by
// `tar -c --exclude-from=.dockerignore` in the same run. The tar output goes through a pipe to
// `cat > /dev/null`, because GNU tar writing to /dev/null directly notices and skips reading the
// files, which would measure stat() rather than archiving. Target: check ≥ 0.7× tar's speed.
//
// Runs against the built core. Results: bench/results/context-check.json (merged into latest.json).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine } from './lib/results.mjs';
import { mbps, round, summary, timed } from './lib/stats.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const FILES = Number(process.env.BENCH_CTX_FILES ?? 50_000);
const MB = Number(process.env.BENCH_CTX_MB ?? 500);
const DIRS = 500;
const core = await import('../packages/core/dist/index.js');

/** A context like a monorepo checkout: source-like text mixed with base64 noise; 5% more files excluded. */
function makeContext(root) {
  const size = Math.round((MB * 1e6) / FILES);
  const noise = Buffer.from(randomBytes(Math.ceil(size * 4)).toString('base64'));
  let bytes = 0;
  for (let d = 0; d < DIRS; d++) mkdirSync(join(root, 'src', `pkg-${d}`), { recursive: true });
  mkdirSync(join(root, 'ignored'), { recursive: true });
  for (let i = 0; i < FILES; i++) {
    const offset = (i * 7919) % (noise.length - size);
    const head = Buffer.from(`// module ${i}\nexport const name = "module-${i}";\n`);
    const body = Buffer.concat([head, noise.subarray(offset, offset + size - head.length)]);
    writeFileSync(join(root, 'src', `pkg-${i % DIRS}`, `file-${i}.ts`), body);
    bytes += body.length;
  }
  for (let i = 0; i < FILES / 20; i++) writeFileSync(join(root, 'ignored', `cache-${i}.bin`), noise.subarray(0, size));
  writeFileSync(join(root, '.dockerignore'), 'ignored\n');
  return bytes;
}

export async function run() {
  const root = mkdtempSync(join(tmpdir(), 'bs-bench-ctx-'));
  try {
    console.log(`generating ${FILES} files / ${MB} MB in ${root} …`);
    const bytes = makeContext(root);
    const secrets = Array.from({ length: 50 }, (_, i) => ({ id: `secret_${i}`, value: core.SecretValue.from(`bench-ctx ${i}/${randomBytes(12).toString('base64')}`) }));
    const tar = () => execFileSync('sh', ['-c', `tar -c --exclude-from="${join(root, '.dockerignore')}" -f - -C "${root}" . | cat > /dev/null`]);
    let report;
    const check = async () => {
      report = await core.checkBuildContext({ context: root, secrets });
    };
    tar(); // warm the page cache for both
    await check();
    const tarTimes = [];
    const checkTimes = [];
    for (let i = 0; i < RUNS; i++) {
      tarTimes.push(await timed(async () => tar()));
      checkTimes.push(await timed(check));
    }
    const tarS = summary(tarTimes);
    const checkS = summary(checkTimes);
    const ratio = round(tarS.median / checkS.median);
    const result = {
      files: report.files, bytes: report.bytes, leaks: report.leaks.length, secrets: secrets.length,
      tarSeconds: tarS, checkSeconds: checkS,
      tarMBps: round(mbps(bytes, tarS.median)), checkMBps: round(mbps(bytes, checkS.median)),
      speedVsTar: ratio, speedVsTarBestRuns: round(tarS.min / checkS.min), target: 0.7, met: ratio >= 0.7,
      note: 'shared machine (up to 8 concurrent users): absolute times are noisy; the ratio is measured in the same run',
      machine: machine(),
    };
    console.log(JSON.stringify(result, null, 2));
    const out = fileURLToPath(new URL('./results/context-check.json', import.meta.url));
    mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    return undefined;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
