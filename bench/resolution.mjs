// Resolution at scale through the real resolver (createBuildSecrets → resolver → provider → wire).
//
// 1. Vault: 1,000 secrets, 5 ms injected latency per request, resolve.concurrency 16. Wall time vs
//    the ideal latency × ceil(N / concurrency) (target ≤ 1.5×) and vs a naive sequential loop of
//    plain HTTP GETs. Measured twice: with the vault provider as shipped (it declares `batch`, so
//    it receives all requests in one call and schedules them itself) and with batching masked off
//    (the resolver's own limiter schedules them, 16 at a time).
//    The Vault test server runs in a child process (its own event loop), as a real Vault would.
// 2. AWS: 1,000 secrets with batching on (BatchGetSecretValue) vs off: request count (must be
//    ceil(N/20)) and wall time.
import { fork } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { summary } from './lib/stats.mjs';
import { fmt, verdict } from './lib/percentile.mjs';
import { saveResult } from './lib/results.mjs';

const N = Number(process.env.BENCH_SECRETS ?? 1000);
const LATENCY_MS = 5;
const CONCURRENCY = 16;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SEQUENTIAL_RUNS = Number(process.env.BENCH_SEQUENTIAL_RUNS ?? 2);
const core = await import('@buildsecrets/core');
const kit = await import('@buildsecrets/test-kit');

const settings = { concurrency: CONCURRENCY, timeoutMs: 30_000, deadlineMs: 300_000, retries: 0 };
const unbatched = (definition) => ({ ...definition, capabilities: { ...definition.capabilities, batch: false } });

async function resolveOnce(config, providers) {
  const bs = await core.createBuildSecrets({ config, providers, env: {}, log: () => undefined });
  try {
    const start = process.hrtime.bigint();
    const values = await bs.resolve();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (values.size !== N) throw new Error(`resolved ${values.size} of ${N}`);
    return ms;
  } finally {
    await bs.dispose();
  }
}

function getJson(url, token) {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { 'X-Vault-Token': token } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

async function benchVault() {
  const { default: vaultProvider } = await import('@buildsecrets/provider-vault');
  const child = fork(fileURLToPath(new URL('./lib/vault-child.mjs', import.meta.url)), [String(N), String(LATENCY_MS)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const vault = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`vault test server child exited ${code}`)));
  });
  try {
    const secrets = {};
    for (let i = 0; i < N; i++) secrets[`s${i}`] = { from: 'v', ref: `secret/bench/s${i}`, key: 'value' };
    const config = { version: 1, providers: { v: { use: 'vault', options: { address: vault.url, auth: { method: 'token', token: vault.rootToken } } } }, secrets, resolve: settings };
    const asShipped = [];
    const viaLimiter = [];
    for (let r = 0; r < RUNS; r++) {
      asShipped.push(await resolveOnce(config, { vault: vaultProvider }));
      viaLimiter.push(await resolveOnce(config, { vault: unbatched(vaultProvider) }));
    }
    const sequential = [];
    for (let r = 0; r < SEQUENTIAL_RUNS; r++) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < N; i++) await getJson(`${vault.url}/v1/secret/data/bench/s${i}`, vault.rootToken);
      sequential.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    const ideal = LATENCY_MS * Math.ceil(N / CONCURRENCY);
    return {
      secrets: N, latencyMs: LATENCY_MS, concurrency: CONCURRENCY, idealMs: ideal,
      asShippedMs: summary(asShipped), asShippedRatioToIdeal: summary(asShipped.map((t) => t / ideal)),
      viaLimiterMs: summary(viaLimiter), viaLimiterRatioToIdeal: summary(viaLimiter.map((t) => t / ideal)),
      naiveSequentialMs: summary(sequential),
      speedupOverSequential: summary(viaLimiter.map((t) => summary(sequential).median / t)),
      target: 1.5,
    };
  } finally {
    child.disconnect();
  }
}

async function benchAws() {
  const { default: awsProvider } = await import('@buildsecrets/provider-aws');
  const aws = await kit.startAwsSecretsManagerTestServer();
  const saved = { ...process.env };
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: aws.credentials.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent/bs', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/bs' });
  try {
    const secrets = {};
    for (let i = 0; i < N; i++) {
      aws.putSecret(`bench/s${i}`, `v${i}`);
      secrets[`s${i}`] = { from: 'a', ref: `bench/s${i}` };
    }
    const config = { version: 1, providers: { a: { use: 'aws', options: { region: aws.region, endpoint: aws.endpoint } } }, secrets, resolve: settings };
    aws.setLatency(LATENCY_MS);
    const on = [];
    const off = [];
    const requests = { on: 0, off: 0 };
    for (let r = 0; r < RUNS; r++) {
      aws.resetCounts();
      on.push(await resolveOnce(config, { aws: awsProvider }));
      requests.on = aws.count('BatchGetSecretValue') + aws.count('GetSecretValue');
      aws.resetCounts();
      off.push(await resolveOnce(config, { aws: unbatched(awsProvider) }));
      requests.off = aws.count('BatchGetSecretValue') + aws.count('GetSecretValue');
    }
    return { secrets: N, latencyMs: LATENCY_MS, requestsBatchingOn: requests.on, expectedRequests: Math.ceil(N / 20), requestsBatchingOff: requests.off, batchingOnMs: summary(on), batchingOffMs: summary(off), speedup: summary(off.map((t, i) => t / on[i])) };
  } finally {
    process.env = saved;
    await aws.close();
  }
}

export async function run() {
  const vault = await benchVault();
  console.log(`vault, ${N} secrets, ${LATENCY_MS} ms latency, concurrency ${CONCURRENCY}: ideal ${vault.idealMs} ms`);
  console.log(`  as shipped (provider batches):  ${fmt(vault.asShippedMs, ' ms')} → ${fmt(vault.asShippedRatioToIdeal, '×')} ideal`);
  console.log(`  resolver limiter (batch off):   ${fmt(vault.viaLimiterMs, ' ms')} → ${fmt(vault.viaLimiterRatioToIdeal, '×')} ideal (target ≤ 1.5×: ${verdict(vault.viaLimiterRatioToIdeal.median <= 1.5)})`);
  console.log(`  naive sequential GET loop:      ${fmt(vault.naiveSequentialMs, ' ms')} (limiter is ${vault.speedupOverSequential.median}× faster)`);
  const aws = await benchAws();
  console.log(`aws, ${N} secrets: batching on ${aws.requestsBatchingOn} requests (expected ceil(N/20) = ${aws.expectedRequests}: ${verdict(aws.requestsBatchingOn === aws.expectedRequests)}), off ${aws.requestsBatchingOff}`);
  console.log(`  batching on ${fmt(aws.batchingOnMs, ' ms')}, off ${fmt(aws.batchingOffMs, ' ms')} (on is ${aws.speedup.median}× faster)`);
  const result = { vault, aws };
  saveResult('resolution', result);
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await run();
