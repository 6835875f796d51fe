// The served-file server under load: 20,000 single-use fetches at concurrency 32, against a bare
// node:http server answering the same bytes with the same headers, same client, same run.
// Targets: ≥ 0.7× the bare server's requests/s, p99 ≤ 2× its p99.
//
// Choices: 20,000 secrets with maxReads 1 each (every fetch spends a distinct id, as real builds
// do, so the bookkeeping is exercised at full size); no keep-alive for either server, because the
// served-file server closes every connection after one answer by design (`Connection: close`) and
// the buildsecrets-fetch helper makes one request per process.
import { createServer, request, Agent } from 'node:http';
import { fileURLToPath } from 'node:url';
import { summary, round } from './lib/stats.mjs';
import { fmt, percentile, verdict } from './lib/percentile.mjs';
import { saveResult } from './lib/results.mjs';

const FETCHES = Number(process.env.BENCH_FETCHES ?? 20_000);
const CONCURRENCY = 32;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const VALUE = Buffer.from('bench-served-file-value-0123456789abcdef');
const core = await import('@buildsecrets/core');
const { startSecretServer } = await import('../packages/core/dist/strategies/served-file/secret-server.js');
const { newAccessToken } = await import('../packages/core/dist/strategies/served-file/access-token.js');

function fetchOnce(agent, port, path, token) {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const req = request({ host: '127.0.0.1', port, path, agent, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      let bytes = 0;
      res.on('data', (c) => (bytes += c.length));
      res.on('end', () => resolve({ ok: res.statusCode === 200 && bytes === VALUE.length, ms: Number(process.hrtime.bigint() - start) / 1e6 }));
    });
    req.on('error', () => resolve({ ok: false, ms: Number(process.hrtime.bigint() - start) / 1e6 }));
    req.end();
  });
}

async function load(port, token) {
  const agent = new Agent({ keepAlive: false, maxSockets: CONCURRENCY });
  const latencies = [];
  let failed = 0;
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < FETCHES) {
        const i = next++;
        const r = await fetchOnce(agent, port, `/v1/secrets/s${i}`, token);
        latencies.push(r.ms);
        if (!r.ok) failed++;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  agent.destroy();
  return { rps: FETCHES / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), failed };
}

async function bareServer() {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': VALUE.length, 'Cache-Control': 'no-store', Connection: 'close' });
    res.end(VALUE);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { port: server.address().port, close: () => new Promise((r) => server.close(r)) };
}

async function servedFileServer(token) {
  // One token for every secret here (each secret takes its own token field; builds give each a
  // distinct one): the check costs the same either way, and the load generator stays simple.
  const secrets = new Map(Array.from({ length: FETCHES }, (_, i) => [`s${i}`, { value: core.SecretValue.from(VALUE), token, maxReads: 1 }]));
  const server = await startSecretServer({ host: '127.0.0.1', port: 0, secrets, logger: core.silentLogger });
  return { port: Number(new URL(server.url).port), close: () => server.close() };
}

export async function run() {
  const bare = [];
  const served = [];
  for (let r = 0; r < RUNS; r++) {
    const b = await bareServer();
    bare.push(await load(b.port, 'unused'));
    await b.close();
    const token = newAccessToken();
    const s = await servedFileServer(token);
    served.push(await load(s.port, token));
    await s.close();
  }
  const result = {
    fetches: FETCHES, concurrency: CONCURRENCY, runs: RUNS, keepAlive: false, secrets: FETCHES, maxReads: 1,
    bare: { rps: summary(bare.map((x) => x.rps)), p50Ms: summary(bare.map((x) => x.p50)), p99Ms: summary(bare.map((x) => x.p99)), failed: bare.reduce((a, x) => a + x.failed, 0) },
    servedFile: { rps: summary(served.map((x) => x.rps)), p50Ms: summary(served.map((x) => x.p50)), p99Ms: summary(served.map((x) => x.p99)), failed: served.reduce((a, x) => a + x.failed, 0) },
    rpsRatio: summary(served.map((x, i) => x.rps / bare[i].rps)),
    p99Ratio: summary(served.map((x, i) => x.p99 / bare[i].p99)),
    targets: { rpsRatio: 0.7, p99Ratio: 2 },
  };
  console.log(`bare node:http:  ${fmt(result.bare.rps, ' req/s')}, p99 ${fmt(result.bare.p99Ms, ' ms')}, failed ${result.bare.failed}`);
  console.log(`served-file:     ${fmt(result.servedFile.rps, ' req/s')}, p99 ${fmt(result.servedFile.p99Ms, ' ms')}, failed ${result.servedFile.failed}`);
  console.log(`req/s ratio ${fmt(result.rpsRatio, '×')} (target ≥ 0.7×: ${verdict(result.rpsRatio.median >= 0.7)}); p99 ratio ${fmt(result.p99Ratio, '×')} (target ≤ 2×: ${verdict(result.p99Ratio.median <= 2)})`);
  saveResult('served-file', result);
  return result;
}

export { round };
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await run();
