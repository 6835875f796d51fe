import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One stand-in for docker, podman and buildah (named as each), driven by environment variables,
 * so every adapter can be put through the same conformance suite without an engine:
 * FAKE_SERVER — the version every query reports (empty → the daemon/storage does not answer);
 * FAKE_BUILDX=1 — `docker buildx version` succeeds (without it every `docker buildx` command fails, as without the plugin);
 * FAKE_BUILD_EXIT — exit code of a build; FAKE_BUILD_SLEEP — seconds a build sleeps; FAKE_VERSION_SLEEP — seconds `docker version` takes;
 * FAKE_LOG — a file each invocation appends its argv to.
 * `save` / `push … docker-archive:` print `ARCHIVE <image>` on stdout (standing in for the tar); `image inspect` /
 * `inspect` answer as each engine does with the diff id `sha256:fake-<image>` (FAKE_NO_IMAGE=1 → no such image); a registry
 * `push` prints docker's digest line (or writes `--digestfile`), FAKE_PUSH_EXIT / FAKE_PUSH_SLEEP steer it.
 */
const SCRIPT = `#!/bin/sh
[ -n "$FAKE_LOG" ] && echo "$(basename "$0") $*" >> "$FAKE_LOG"
case "$1" in
  --version)
    [ -n "$FAKE_SERVER" ] || { echo "storage not available" >&2; exit 125; }
    echo "$(basename "$0") version $FAKE_SERVER (image-spec 1.1.0)"; exit 0 ;;
  version)
    [ -n "$FAKE_VERSION_SLEEP" ] && sleep "$FAKE_VERSION_SLEEP"
    [ -n "$FAKE_SERVER" ] || { echo "|"; echo "Cannot connect" >&2; exit 1; }
    case "$3" in *Server*) echo "20.10.24|$FAKE_SERVER|linux" ;; *) echo "$FAKE_SERVER" ;; esac
    exit 0 ;;
  buildx)
    if [ "$2" = version ]; then [ "$FAKE_BUILDX" = 1 ] && { echo "github.com/docker/buildx v0.17.1"; exit 0; }; exit 1; fi
    [ "$FAKE_BUILDX" = 1 ] || { echo "docker: 'buildx' is not a docker command." >&2; exit 1; } ;;
  info) exit 1 ;;
  image|inspect)
    # docker/podman: image inspect --format '{{json .RootFS.Layers}}' IMAGE; buildah: inspect --type image IMAGE.
    for a in "$@"; do last="$a"; done
    [ -n "$FAKE_NO_IMAGE" ] && { echo "Error: $last: image not known" >&2; exit 125; }
    if [ "$1" = inspect ]; then echo '{"Type":"buildah 0.0.1","OCIv1":{"rootfs":{"type":"layers","diff_ids":["sha256:fake-'"$last"'"]}}}'; else echo '["sha256:fake-'"$last"'"]'; fi
    exit 0 ;;
  save) shift; for a in "$@"; do last="$a"; done; echo "ARCHIVE $last"; exit 0 ;;
  push)
    case "$*" in *docker-archive:*) echo "ARCHIVE $3 $4"; exit 0 ;; esac
    df=""; prev=""; for a in "$@"; do [ "$prev" = "--digestfile" ] && df="$a"; prev="$a"; done
    echo "pushing"
    if [ -n "$FAKE_PUSH_SLEEP" ]; then sleep "$FAKE_PUSH_SLEEP"; fi
    [ "\${FAKE_PUSH_EXIT:-0}" = 0 ] || exit "$FAKE_PUSH_EXIT"
    d="sha256:$(printf '%064d' 9)"
    if [ -n "$df" ]; then printf '%s' "$d" > "$df"; else echo "latest: digest: $d size: 528"; fi
    exit 0 ;;
esac
iid=""
prev=""
for a in "$@"; do [ "$prev" = "--iidfile" ] && iid="$a"; prev="$a"; done
echo "building"
if [ -n "$FAKE_BUILD_SLEEP" ]; then (sleep "$FAKE_BUILD_SLEEP"; echo grandchild-done) & sleep "$FAKE_BUILD_SLEEP"; fi
[ -n "$iid" ] && [ "\${FAKE_BUILD_EXIT:-0}" = 0 ] && printf 'sha256:%064d' 7 > "$iid"
exit "\${FAKE_BUILD_EXIT:-0}"
`;

/** A temp dir holding the fake as `docker`, `podman` and `buildah`; `remove()` deletes it. */
export async function makeFakeEngines(): Promise<{ dir: string; bin(name: 'docker' | 'podman' | 'buildah'): string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'bs-fake-engines-'));
  for (const name of ['docker', 'podman', 'buildah']) {
    await writeFile(join(dir, name), SCRIPT);
    await chmod(join(dir, name), 0o755);
  }
  return { dir, bin: (name) => join(dir, name), remove: () => rm(dir, { recursive: true, force: true }) };
}
