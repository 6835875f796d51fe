import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A stand-in docker CLI driven by environment variables, so engine code can be tested for every
 * daemon answer without a daemon:
 * FAKE_CLIENT / FAKE_SERVER / FAKE_OS — what `docker version` reports (FAKE_SERVER empty → unreachable);
 * FAKE_VERSION_SLEEP — seconds `docker version` takes to answer (logged as `version answered` in FAKE_LOG);
 * FAKE_BUILDX=1 — `docker buildx version` succeeds (without it every `docker buildx` command fails, as without the plugin);
 * FAKE_BUILD_EXIT — exit code of a build; FAKE_BUILD_SLEEP — seconds a build sleeps (trapping nothing);
 * FAKE_ECHO_ENV — name of a variable whose value the build prints (to test output redaction);
 * FAKE_LINGER=1 — a build leaves a background child holding stdout open after it exits;
 * FAKE_LOG — a file each invocation appends its argv and pid to.
 */
const SCRIPT = `#!/bin/sh
[ -n "$FAKE_LOG" ] && echo "$$ $*" >> "$FAKE_LOG"
case "$1" in
  version)
    if [ -n "$FAKE_VERSION_SLEEP" ]; then sleep "$FAKE_VERSION_SLEEP"; [ -n "$FAKE_LOG" ] && echo "$$ version answered" >> "$FAKE_LOG"; fi
    if [ -z "$FAKE_SERVER" ]; then echo "\${FAKE_CLIENT:-20.10.24}|"; echo "Cannot connect to the Docker daemon at $DOCKER_HOST. Is the docker daemon running?" >&2; exit 1; fi
    echo "\${FAKE_CLIENT:-20.10.24}|$FAKE_SERVER|\${FAKE_OS:-linux}"; exit 0 ;;
  buildx)
    shift
    if [ "$1" = version ]; then [ "$FAKE_BUILDX" = 1 ] && { echo "github.com/docker/buildx v0.17.1"; exit 0; }; echo "docker: 'buildx' is not a docker command." >&2; exit 1; fi
    [ "$FAKE_BUILDX" = 1 ] || { echo "docker: 'buildx' is not a docker command." >&2; exit 1; } ;;
esac
iid=""
prev=""
for a in "$@"; do [ "$prev" = "--iidfile" ] && iid="$a"; prev="$a"; done
echo "building with DOCKER_BUILDKIT=\${DOCKER_BUILDKIT:-unset}"
if [ -n "$FAKE_ECHO_ENV" ]; then eval "printf 'value is %s\\n' \\"\\$$FAKE_ECHO_ENV\\""; eval "printf 'on stderr %s\\n' \\"\\$$FAKE_ECHO_ENV\\"" >&2; fi
if [ -n "$FAKE_BUILD_SLEEP" ]; then (sleep "$FAKE_BUILD_SLEEP"; echo grandchild-done) & sleep "$FAKE_BUILD_SLEEP"; fi
[ "$FAKE_LINGER" = 1 ] && (sleep 30; echo late) &
[ -n "$iid" ] && [ "\${FAKE_BUILD_EXIT:-0}" = 0 ] && printf 'sha256:%064d' 1 > "$iid"
exit "\${FAKE_BUILD_EXIT:-0}"
`;

/** A temp dir holding the fake docker; `remove()` deletes it. */
export async function makeFakeDocker(): Promise<{ bin: string; dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'bs-fake-docker-'));
  const bin = join(dir, 'docker');
  await writeFile(bin, SCRIPT);
  await chmod(bin, 0o755);
  return { bin, dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
