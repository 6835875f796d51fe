// `audit docker://` (Registry HTTP API v2, no daemon) vs `audit IMAGE` (docker save from the daemon)
// of the same ≈ 200 MB image, in the same run. Target: registry throughput ≥ 0.8× the daemon's.
//
// Needs the e2e dockerd (BUILDSECRETS_E2E_DIR, `scripts/e2e-services.sh start`) and docker-registry.
// The registry runs on loopback with TLS and htpasswd auth, as users run private registries; the
// image is imported into the daemon, pushed with `docker push`, and audited for 50 secrets both
// ways, runs interleaved. Results: bench/results/registry.json.
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tsImport } from 'tsx/esm/api';
import { round, summary, timed, mbps } from './lib/stats.mjs';
import { TAR_END, tarHeader, tarPadding, write } from './lib/tar-writer.mjs';
import { secretValues } from './audit.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const IMAGE_MB = Number(process.env.BENCH_IMAGE_MB ?? 200);
const FILE_SIZE = 1 << 20;
const E2E_DIR = process.env.BUILDSECRETS_E2E_DIR ?? '/tmp/buildsecrets-e2e';
const DOCKER = process.env.BUILDSECRETS_E2E_DOCKER ?? '/usr/bin/docker';
const dockerEnv = { DOCKER_HOST: `unix://${E2E_DIR}/docker.sock` };
const core = await import('../packages/core/dist/index.js');
const run = promisify(execFile);

/** Files like a real image's: half base64 noise, half log-like text; some hold a value. */
function fileContent(i, planted) {
  const noise = Buffer.from(randomBytes((FILE_SIZE * 3) / 8).toString('base64'));
  const text = Buffer.from(`step ${i} compiling module ok\n`.repeat(Math.ceil(FILE_SIZE / 2 / 20))).subarray(0, FILE_SIZE / 2);
  return Buffer.concat([noise, text, planted ? Buffer.from(planted) : Buffer.alloc(0)]);
}

/** `docker import` a rootfs of IMAGE_MB one-MB files as `tag` (layer gzip happens at push time). */
async function importImage(tag, values) {
  const child = execFile(DOCKER, ['import', '-', tag], { env: { ...process.env, ...dockerEnv } });
  const exited = new Promise((resolve, reject) => child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`docker import exited ${code}`)))));
  const files = Math.ceil((IMAGE_MB * 1e6) / FILE_SIZE);
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const body = fileContent(i, i % 40 === 0 ? values[i % values.length] : undefined);
    await write(child.stdin, tarHeader(`data/file-${i}.bin`, body.length));
    await write(child.stdin, body);
    await write(child.stdin, tarPadding(body.length));
    bytes += body.length;
  }
  child.stdin.end(TAR_END);
  await exited;
  return { files, bytes };
}

export async function run_() {
  const { startLocalRegistry } = await tsImport('../test/support/local-registry.ts', import.meta.url);
  const { dockerPush } = await tsImport('../test/support/registry-push.ts', import.meta.url);
  const values = secretValues(50);
  const secrets = values.map((v, i) => ({ id: `secret_${i}`, value: core.SecretValue.from(v) }));
  const tag = `buildsecrets-bench/registry:${randomBytes(4).toString('hex')}`;
  // Both ways users run a registry: TLS + htpasswd (private registries), and plain HTTP on loopback (a CI's registry:2).
  const registry = await startLocalRegistry({ auth: true, tls: true });
  const plain = await startLocalRegistry();
  try {
    console.log(`importing a ${IMAGE_MB} MB image into the daemon and pushing it to both registries…`);
    const image = await importImage(tag, values);
    await dockerPush(registry, tag, 'bench/app:v1', dockerEnv, DOCKER);
    await dockerPush(plain, tag, 'bench/app:v1', dockerEnv, DOCKER);
    const credentials = new core.RegistryCredentials(registry.username, registry.password);
    const daemonTimes = [];
    const registryTimes = [];
    const plainTimes = [];
    let findings = { daemon: 0, registry: 0, plain: 0 };
    for (let r = 0; r < RUNS; r++) {
      daemonTimes.push(await timed(async () => (findings.daemon = (await core.auditImage({ image: tag, docker: DOCKER, env: dockerEnv, secrets })).findings.length)));
      registryTimes.push(await timed(async () => (findings.registry = (await core.auditRegistryImage({ reference: `${registry.address}/bench/app:v1`, caFile: registry.caFile, credentials, secrets })).findings.length)));
      plainTimes.push(await timed(async () => (findings.plain = (await core.auditRegistryImage({ reference: `${plain.address}/bench/app:v1`, credentials: null, secrets })).findings.length)));
    }
    if (findings.daemon !== findings.registry || findings.daemon !== findings.plain || findings.daemon === 0) throw new Error(`the audits disagree: daemon ${findings.daemon} findings, registry ${findings.registry}, plain ${findings.plain}`);
    const result = {
      date: new Date().toISOString(),
      node: process.version,
      runs: RUNS,
      imageMB: round(image.bytes / 1e6),
      files: image.files,
      secrets: secrets.length,
      findings: findings.registry,
      daemonMBps: summary(daemonTimes.map((t) => mbps(image.bytes, t))),
      registryMBps: summary(registryTimes.map((t) => mbps(image.bytes, t))),
      ratioToDaemon: summary(registryTimes.map((t, i) => daemonTimes[i] / t)),
      plainHttpMBps: summary(plainTimes.map((t) => mbps(image.bytes, t))),
      plainHttpRatioToDaemon: summary(plainTimes.map((t, i) => daemonTimes[i] / t)),
      target: 0.8,
      loadAverage: (await import('node:os')).loadavg().map(round),
    };
    const fmt = (s) => `${s.median} (min ${s.min}, max ${s.max})`;
    console.log(`daemon:   ${fmt(result.daemonMBps)} MB/s (docker save → audit)`);
    console.log(`registry: ${fmt(result.registryMBps)} MB/s (docker:// over TLS + basic auth)`);
    console.log(`plain:    ${fmt(result.plainHttpMBps)} MB/s (docker:// over plain HTTP on loopback, anonymous)`);
    console.log(`ratio:    TLS ${fmt(result.ratioToDaemon)}×, plain HTTP ${fmt(result.plainHttpRatioToDaemon)}× the daemon audit (target ≥ ${result.target}×), load average ${result.loadAverage.join(' ')}`);
    const out = fileURLToPath(new URL('./results/registry.json', import.meta.url));
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`results written to ${out}`);
  } finally {
    await registry.stop();
    await plain.stop();
    await run(DOCKER, ['rmi', '-f', tag], { env: { ...process.env, ...dockerEnv } }).catch(() => undefined);
  }
}

export { run_ as run };

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await run_();
