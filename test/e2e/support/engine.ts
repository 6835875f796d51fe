import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';

const run = promisify(execFile);

/** Where scripts/e2e-services.sh starts the private dockerd. */
export const E2E_DIR = process.env['BUILDSECRETS_E2E_DIR'] ?? '/tmp/buildsecrets-e2e';
/** The Docker 20.10 CLI from docker.io: BuildKit built in via DOCKER_BUILDKIT=1 (the v28 CLI in /usr/local/bin has no buildx). */
export const DOCKER_BIN = process.env['BUILDSECRETS_E2E_DOCKER'] ?? '/usr/bin/docker';
/** The base image imported from busybox-static (nothing can be pulled here). */
export const BASE_IMAGE = 'buildsecrets-test/busybox:latest';
/** Environment that points the docker CLI at the private daemon. */
export const E2E_ENV: Record<string, string> = { DOCKER_HOST: `unix://${E2E_DIR}/docker.sock` };
/**
 * The daemon runs with `--bridge none` so no build touches a private-range address: every e2e
 * build passes this (RUN steps then reach loopback servers such as sshd and the served-file server).
 */
export const E2E_BUILD_ARGS: readonly string[] = ['--network=host'];

let cached: Promise<{ ok: true } | { ok: false; reason: string }> | undefined;

/** Whether the private engine answers; the reason when it does not. */
export function detectEngine(): Promise<{ ok: true } | { ok: false; reason: string }> {
  cached ??= (async () => {
    if (!existsSync(DOCKER_BIN)) return { ok: false as const, reason: `${DOCKER_BIN} is missing (run scripts/e2e-services.sh install)` };
    try {
      await run(DOCKER_BIN, ['image', 'inspect', BASE_IMAGE], { env: { ...process.env, ...E2E_ENV }, timeout: 10_000 });
      return { ok: true as const };
    } catch {
      return { ok: false as const, reason: `no engine with ${BASE_IMAGE} at ${E2E_ENV['DOCKER_HOST']} (run scripts/e2e-services.sh start)` };
    }
  })();
  return cached;
}

const engineState = await detectEngine();

/**
 * `describe` for tests that need the real engine. Without it the suite is skipped with a printed
 * reason, or, with REQUIRE_E2E=1 (CI), replaced by one failing test so a missing engine is never
 * counted as a pass.
 */
export function describeE2E(name: string, body: () => void): void {
  if (engineState.ok) {
    describe(name, body);
    return;
  }
  const reason = engineState.reason;
  if (process.env['REQUIRE_E2E'] === '1') {
    describe(name, () => {
      it('needs a Docker engine with BuildKit (REQUIRE_E2E=1)', () => {
        throw new Error(`end-to-end engine unavailable: ${reason}`);
      });
    });
    return;
  }
  process.stderr.write(`[e2e] skipping "${name}": ${reason}\n`);
  describe.skip(name, body);
}

/** Run the e2e docker CLI (BuildKit on) and return stdout. */
export async function docker(args: readonly string[]): Promise<string> {
  const { stdout } = await run(DOCKER_BIN, [...args], { env: { ...process.env, ...E2E_ENV, DOCKER_BUILDKIT: '1' }, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}
