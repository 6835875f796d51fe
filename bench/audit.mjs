// Auditor and redactor throughput.
//
// 1. A docker-archive with one gzip layer holding ≥ 200 MB of files, audited for 50 secrets
//    (≈ 450 patterns with encodings), compared with gunzip alone (zlib, no search) on the same
//    layer in the same run. Target: audit ≥ 0.8× gunzip throughput.
// 2. Concurrent layer scanning: a docker-archive with 4 gzip layers (4 × BENCH_MULTI_LAYER_MB,
//    default 50 MB), audited with the default (several layers at once: on 2 cores all on the
//    calling thread, no worker) and with `concurrency: 1` (single stream) in the same run, in this
//    process. Target: ≥ 1.5× single-stream on 2 cores. The same comparison in a fresh process per
//    audit (the CLI's case) is reported as `cold`, and the archive read as a `docker save` stream as
//    `stream`; `batch` is every layer in warm workers (`callingThreadLayers: 0`, as for a tool that
//    audits many images back to back). Also reported: the cores each mode keeps busy (process CPU ÷
//    wall) and the ceiling that gives (cores ÷ single-stream's share).
// 3. The redactor's stream on a 100 MB log with 100 secrets, compared with a pass-through Transform.
//
// Runs against the built core (`npm run bench -- audit` builds first). Results: bench/results/audit.json.
// `BENCH_AUDIT_PARTS=concurrent,redactor` runs only those parts (big, concurrent, redactor), e.g. to profile one.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGunzip, createGzip } from 'node:zlib';
import { mbps, round, summary, timed } from './lib/stats.mjs';
import { TAR_END, tarHeader, tarPadding, write } from './lib/tar-writer.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const LAYER_MB = Number(process.env.BENCH_LAYER_MB ?? 200);
const MULTI_LAYER_MB = Number(process.env.BENCH_MULTI_LAYER_MB ?? 50);
const MULTI_LAYERS = 4;
/** Which parts to run (comma-separated: big, concurrent, redactor; default all) — for profiling one part. */
const PARTS = new Set((process.env.BENCH_AUDIT_PARTS ?? 'big,concurrent,redactor').split(','));
const FILE_SIZE = 1 << 20;
const core = await import('../packages/core/dist/index.js');
// The audit's default number of scanners (not a public export; the bench reports what it used).
const { defaultLocalLayers, defaultScannerCount } = await import('../packages/audit/dist/pool-sizing.js');

export function secretValues(n) {
  return Array.from({ length: n }, (_, i) => `bench-secret ${i}/${randomBytes(12).toString("base64")}`);
}

/** One file's content: half base64 noise (compresses like real binaries/text mixes), half log-like lines. */
function fileContent(i, planted) {
  const noise = Buffer.from(randomBytes(FILE_SIZE * 3 / 8).toString('base64'));
  const lines = [];
  let size = 0;
  while (size < FILE_SIZE / 2) {
    const line = `2026-01-01T00:00:${String(size % 60).padStart(2, '0')}Z step ${i} compiling module-${size % 977} ok\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.concat([noise, Buffer.from(lines.join('')), planted ? Buffer.from(planted) : Buffer.alloc(0)]);
}

export async function makeArchive(dir, values) {
  const layerPath = join(dir, 'layer.tar.gz');
  const gzip = createGzip({ level: 1 });
  const out = createWriteStream(layerPath);
  const done = pipeline(gzip, out);
  let uncompressed = 0;
  const files = Math.ceil((LAYER_MB * 1e6) / FILE_SIZE);
  for (let i = 0; i < files; i++) {
    // Plant a value in one file of every 40, so the audit has something to find.
    const body = fileContent(i, i % 40 === 0 ? values[i % values.length] : undefined);
    await write(gzip, tarHeader(`data/file-${i}.bin`, body.length));
    await write(gzip, body);
    await write(gzip, tarPadding(body.length));
    uncompressed += body.length;
  }
  gzip.end(TAR_END);
  await done;

  const diffId = `sha256:${'b'.repeat(64)}`;
  const config = Buffer.from(JSON.stringify({ config: { Env: ['PATH=/bin'] }, history: [{ created_by: 'bench' }], rootfs: { type: 'layers', diff_ids: [diffId] } }));
  const manifest = Buffer.from(JSON.stringify([{ Config: 'cfg.json', Layers: ['l1/layer.tar'] }]));
  const archivePath = join(dir, 'image.tar');
  const archive = createWriteStream(archivePath);
  const layerSize = statSync(layerPath).size;
  await write(archive, tarHeader('l1/layer.tar', layerSize));
  for await (const chunk of createReadStream(layerPath)) await write(archive, chunk);
  await write(archive, tarPadding(layerSize));
  for (const [name, body] of [['cfg.json', config], ['manifest.json', manifest]]) {
    await write(archive, tarHeader(name, body.length));
    await write(archive, body);
    await write(archive, tarPadding(body.length));
  }
  await new Promise((resolve, reject) => archive.end(TAR_END, (err) => (err ? reject(err) : resolve())));
  return { layerPath, archivePath, uncompressed, compressed: layerSize, files };
}

const sink = () => new Writable({ write: (_c, _e, done) => done() });
const cpuSeconds = (usage) => (usage.user + usage.system) / 1e6;

/** A docker-archive of `count` gzip layers of `mb` MB each (same file mix as the big layer). */
export async function makeMultiLayerArchive(dir, values, count, mb) {
  const files = Math.ceil((mb * 1e6) / FILE_SIZE);
  const layers = [];
  let uncompressed = 0;
  for (let l = 0; l < count; l++) {
    const path = join(dir, `multi-${l}.tar.gz`);
    const gzip = createGzip({ level: 1 });
    const done = pipeline(gzip, createWriteStream(path));
    for (let i = 0; i < files; i++) {
      const body = fileContent(l * files + i, i % 40 === 0 ? values[(l + i) % values.length] : undefined);
      await write(gzip, tarHeader(`data/${l}/file-${i}.bin`, body.length));
      await write(gzip, body);
      await write(gzip, tarPadding(body.length));
      uncompressed += body.length;
    }
    gzip.end(TAR_END);
    await done;
    layers.push({ name: `l${l}/layer.tar`, path, size: statSync(path).size, diffId: `sha256:${String(l).padStart(64, 'c')}` });
  }
  const config = Buffer.from(JSON.stringify({ config: {}, history: [], rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) } }));
  const manifest = Buffer.from(JSON.stringify([{ Config: 'cfg.json', Layers: layers.map((l) => l.name) }]));
  const archivePath = join(dir, 'multi.tar');
  const archive = createWriteStream(archivePath);
  for (const layer of layers) {
    await write(archive, tarHeader(layer.name, layer.size));
    for await (const chunk of createReadStream(layer.path)) await write(archive, chunk);
    await write(archive, tarPadding(layer.size));
    rmSync(layer.path);
  }
  for (const [name, body] of [['cfg.json', config], ['manifest.json', manifest]]) {
    await write(archive, tarHeader(name, body.length));
    await write(archive, body);
    await write(archive, tarPadding(body.length));
  }
  await new Promise((resolve, reject) => archive.end(TAR_END, (err) => (err ? reject(err) : resolve())));
  return { archivePath, uncompressed, compressed: statSync(archivePath).size };
}

/** The same 4-layer archive searched by the worker pool (default) and single-stream (`concurrency: 1`), alternating. */
async function benchConcurrent(dir) {
  const values = secretValues(50);
  const secrets = values.map((v, i) => ({ id: `secret_${i}`, value: core.SecretValue.from(v) }));
  console.log(`generating a ${MULTI_LAYERS}-layer archive (${MULTI_LAYERS} × ${MULTI_LAYER_MB} MB)…`);
  const fixture = await makeMultiLayerArchive(dir, values, MULTI_LAYERS, MULTI_LAYER_MB);
  const single = [];
  const pooled = [];
  // Cores kept busy (process CPU ÷ wall): single-stream already uses more than one (zlib inflates
  // on libuv's thread pool while this thread searches), so on N cores the speed-up is at most N ÷ that.
  const singleCores = [];
  const pooledCores = [];
  const streamSingle = [];
  const streamPooled = [];
  const batch = [];
  let same = true;
  // Batch mode (`callingThreadLayers: 0`): every layer in a worker, the workers parked between
  // back-to-back audits. One audit first, so that they are warm, as after a batch's first image.
  await core.auditImage({ archive: fixture.archivePath, secrets, callingThreadLayers: 0 });
  for (let r = 0; r < RUNS; r++) {
    let a;
    let b;
    let cpu = process.cpuUsage();
    single.push(await timed(async () => (a = await core.auditImage({ archive: fixture.archivePath, secrets, concurrency: 1 }))));
    singleCores.push(cpuSeconds(process.cpuUsage(cpu)) / single.at(-1));
    cpu = process.cpuUsage();
    pooled.push(await timed(async () => (b = await core.auditImage({ archive: fixture.archivePath, secrets }))));
    pooledCores.push(cpuSeconds(process.cpuUsage(cpu)) / pooled.at(-1));
    same &&= JSON.stringify(a) === JSON.stringify(b);
    batch.push(await timed(async () => (b = await core.auditImage({ archive: fixture.archivePath, secrets, callingThreadLayers: 0 }))));
    same &&= JSON.stringify(a) === JSON.stringify(b);
    // The same archive as a stream from a child process, as `docker save` gives it (the `build` path).
    const stream = { image: 'bench:4-layers', exportCommand: ['cat', fixture.archivePath] };
    streamSingle.push(await timed(async () => (a = await core.auditImage({ ...stream, secrets, concurrency: 1 }))));
    streamPooled.push(await timed(async () => (b = await core.auditImage({ ...stream, secrets }))));
    same &&= JSON.stringify(a) === JSON.stringify(b);
  }
  const cold = { file: coldRuns(fixture.archivePath, values, false), stream: coldRuns(fixture.archivePath, values, true) };
  rmSync(fixture.archivePath);
  return {
    cold,
    layers: MULTI_LAYERS,
    layerMB: MULTI_LAYER_MB,
    uncompressedMB: round(fixture.uncompressed / 1e6),
    compressedMB: round(fixture.compressed / 1e6),
    // Layers searched at once, and how many of them the calling thread searches itself (workers take the rest).
    workers: defaultScannerCount(),
    callingThreadLayers: defaultLocalLayers(defaultScannerCount()),
    singleMBps: summary(single.map((t) => mbps(fixture.uncompressed, t))),
    concurrentMBps: summary(pooled.map((t) => mbps(fixture.uncompressed, t))),
    speedUp: summary(pooled.map((t, i) => single[i] / t)),
    streamSpeedUp: summary(streamPooled.map((t, i) => streamSingle[i] / t)),
    batchSpeedUp: summary(batch.map((t, i) => single[i] / t)),
    singleStreamCores: summary(singleCores),
    pooledCores: summary(pooledCores),
    /** The most the pool can gain on this machine's cores if it cost the same CPU as single-stream (it can cost less: no stream plumbing on the main thread). */
    ceiling: summary(singleCores.map((c) => availableParallelism() / c)),
    identicalReports: same,
    target: 1.5,
  };
}

// One audit in a fresh process, as the CLI runs it: no worker is warm yet (the pool's threads start,
// load their code and optimise it during this audit). Timed around the audit call only.
const COLD_AUDIT = `
const core = await import(process.env.BS_BENCH_CORE);
const secrets = JSON.parse(process.env.BS_BENCH_VALUES).map((v, i) => ({ id: 'secret_' + i, value: core.SecretValue.from(v) }));
const concurrency = process.env.BS_BENCH_CONCURRENCY ? Number(process.env.BS_BENCH_CONCURRENCY) : undefined;
const start = process.hrtime.bigint();
const source = process.env.BS_BENCH_STREAM ? { image: 'bench:4-layers', exportCommand: ['cat', process.env.BS_BENCH_ARCHIVE] } : { archive: process.env.BS_BENCH_ARCHIVE };
await core.auditImage({ ...source, secrets, concurrency });
process.stdout.write(String(Number(process.hrtime.bigint() - start) / 1e9));
`;

function coldAudit(archive, values, concurrency, stream) {
  const env = { ...process.env, BS_BENCH_CORE: new URL('../packages/core/dist/index.js', import.meta.url).href, BS_BENCH_VALUES: JSON.stringify(values), BS_BENCH_ARCHIVE: archive, BS_BENCH_CONCURRENCY: concurrency ? String(concurrency) : '', BS_BENCH_STREAM: stream ? '1' : '' };
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', COLD_AUDIT], { env, encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`cold audit exited ${run.status}: ${run.stderr.slice(-1000)}`);
  return Number(run.stdout);
}

/** Single-stream and the default, each in a fresh process per run (alternating): the speed-up a CLI user sees. `stream`: read as `docker save` output. */
function coldRuns(archive, values, stream) {
  const single = [];
  const pooled = [];
  for (let r = 0; r < RUNS; r++) {
    single.push(coldAudit(archive, values, 1, stream));
    pooled.push(coldAudit(archive, values, undefined, stream));
  }
  return { singleSeconds: summary(single), pooledSeconds: summary(pooled), speedUp: summary(pooled.map((t, i) => single[i] / t)) };
}

async function gunzipOnly(layerPath) {
  await pipeline(createReadStream(layerPath, { highWaterMark: 1 << 20 }), createGunzip({ chunkSize: 256 * 1024 }), sink());
}

async function benchAudit(dir) {
  const values = secretValues(50);
  const secrets = values.map((v, i) => ({ id: `secret_${i}`, value: core.SecretValue.from(v) }));
  const patterns = core.buildPatterns(secrets).patterns.length;
  console.log(`generating a ${LAYER_MB} MB layer archive…`);
  const fixture = await makeArchive(dir, values);
  const gunzipTimes = [];
  const auditTimes = [];
  let findings = 0;
  for (let r = 0; r < RUNS; r++) {
    gunzipTimes.push(await timed(() => gunzipOnly(fixture.layerPath)));
    auditTimes.push(
      await timed(async () => {
        const report = await core.auditImage({ archive: fixture.archivePath, secrets });
        findings = report.findings.length;
      }),
    );
  }
  const gunzip = summary(gunzipTimes.map((t) => mbps(fixture.uncompressed, t)));
  const audit = summary(auditTimes.map((t) => mbps(fixture.uncompressed, t)));
  const ratio = summary(auditTimes.map((t, i) => gunzipTimes[i] / t));
  return { layerMB: round(fixture.uncompressed / 1e6), compressedMB: round(fixture.compressed / 1e6), files: fixture.files, secrets: secrets.length, patterns, findings, gunzipMBps: gunzip, auditMBps: audit, ratioToGunzip: ratio, target: 0.8 };
}

function logChunks(totalBytes, values) {
  let produced = 0;
  let n = 0;
  return Readable.from(
    (function* () {
      while (produced < totalBytes) {
        const lines = [];
        for (let i = 0; i < 800; i++, n++) {
          lines.push(n % 500 === 0 ? `#${n} 0.12 using token ${values[n % values.length]} for fetch\n` : `#${n} 0.12 RUN npm ci --prefer-offline: added ${n % 1000} packages in ${n % 7}s\n`);
        }
        const chunk = Buffer.from(lines.join(''));
        produced += chunk.length;
        yield chunk;
      }
    })(),
    { objectMode: false },
  );
}

async function benchRedactor() {
  const values = secretValues(100);
  const redactor = core.createRedactor();
  values.forEach((v, i) => redactor.add(`secret_${i}`, v));
  const total = 100e6;
  const plain = [];
  const redacted = [];
  for (let r = 0; r < RUNS; r++) {
    plain.push(await timed(() => pipeline(logChunks(total, values), new PassThrough(), sink())));
    redacted.push(await timed(() => pipeline(logChunks(total, values), redactor.createStream(), sink())));
  }
  const passThrough = summary(plain.map((t) => mbps(total, t)));
  const redactorMBps = summary(redacted.map((t) => mbps(total, t)));
  return { logMB: total / 1e6, secrets: values.length, redactorMBps, passThroughMBps: passThrough, ratioToPassThrough: summary(redacted.map((t, i) => plain[i] / t)) };
}

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'bs-bench-audit-'));
  try {
    const fmt = (s) => `${s.median} (min ${s.min}, max ${s.max})`;
    let audit, concurrent, redactor;
    if (PARTS.has('big')) {
      audit = await benchAudit(dir);
      console.log(`audit:    ${fmt(audit.auditMBps)} MB/s over ${audit.layerMB} MB, ${audit.secrets} secrets / ${audit.patterns} patterns, ${audit.findings} findings`);
      console.log(`gunzip:   ${fmt(audit.gunzipMBps)} MB/s (zlib alone, same layer)`);
      console.log(`ratio:    ${fmt(audit.ratioToGunzip)}× gunzip throughput (target ≥ ${audit.target}×)`);
    }
    if (PARTS.has('concurrent')) {
      concurrent = await benchConcurrent(dir);
      console.log(`4 layers: ${fmt(concurrent.concurrentMBps)} MB/s with ${concurrent.workers} layers at once (${concurrent.callingThreadLayers} on the calling thread, ${concurrent.workers - concurrent.callingThreadLayers} in workers), ${fmt(concurrent.singleMBps)} MB/s single-stream over ${concurrent.uncompressedMB} MB`);
      console.log(`speed-up: ${fmt(concurrent.speedUp)}× single-stream (target ≥ ${concurrent.target}×), reports identical: ${concurrent.identicalReports}`);
      console.log(`stream:   ${fmt(concurrent.streamSpeedUp)}× single-stream with the archive read as \`docker save\` output (a child's stdout)`);
      console.log(`batch:    ${fmt(concurrent.batchSpeedUp)}× single-stream with every layer in warm workers (\`callingThreadLayers: 0\`, back-to-back audits in one process; target ≥ ${concurrent.target}×)`);
      console.log(`cold:     ${fmt(concurrent.cold.file.speedUp)}× (file), ${fmt(concurrent.cold.stream.speedUp)}× (stream) single-stream in a fresh process per audit, as the CLI runs it; file ${fmt(concurrent.cold.file.pooledSeconds)} s vs ${fmt(concurrent.cold.file.singleSeconds)} s`);
      console.log(`cores:    single-stream keeps ${fmt(concurrent.singleStreamCores)} busy, pooled ${fmt(concurrent.pooledCores)}; at equal CPU, the most ${availableParallelism()} cores allow is ${fmt(concurrent.ceiling)}×`);
    }
    if (PARTS.has('redactor')) {
      redactor = await benchRedactor();
      console.log(`redactor: ${fmt(redactor.redactorMBps)} MB/s on a ${redactor.logMB} MB log, ${redactor.secrets} secrets`);
      console.log(`passthru: ${fmt(redactor.passThroughMBps)} MB/s (ratio ${fmt(redactor.ratioToPassThrough)}×)`);
    }
    console.log(`load average: ${loadavg().map((l) => round(l)).join(' ')}`);
    const result = { date: new Date().toISOString(), node: process.version, runs: RUNS, loadAverage: loadavg().map((l) => round(l)), audit, concurrent, redactor };
    const out = fileURLToPath(new URL('./results/audit.json', import.meta.url));
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`results written to ${out}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await run();
