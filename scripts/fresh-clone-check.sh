#!/usr/bin/env bash
# Proves the README's first commands on a fresh clone (issue #11, items 1, 2 and 5), as CI step:
#   1. `npm test` as the very first command (no node_modules; no Docker on PATH, no engine) installs,
#      builds and passes, skipping engine tests with a reason — and the same tests FAIL under REQUIRE_E2E=1;
#   2. `npm run demo` as the first command of another fresh clone runs plan + check + the saved-image audits;
#   3. `npx buildsecrets --version` works after that install + build;
#   4. the install printed no install-script warnings and built nothing with node-gyp, and neither
#      does installing the packed CLI into a project.
# Uses the npm cache (offline first) so it costs one `npm ci` per clone. Clones the committed HEAD.
#   scripts/fresh-clone-check.sh [TEST_FILE...]   (default: a small, engine-free selection)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bs-fresh-clone.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
log() { echo "[fresh-clone] $*" >&2; }
fail() { echo "[fresh-clone] FAIL: $*" >&2; exit 1; }

# A PATH with every command except the container engines: "a machine without Docker".
mkdir "$WORK/bin"
IFS=: read -r -a dirs <<<"$PATH"
for dir in "${dirs[@]}"; do
  [ -d "$dir" ] || continue
  for file in "$dir"/*; do
    name=${file##*/}
    case "$name" in docker|docker-*|dockerd|dockerd-*|podman|buildah) continue ;; esac
    [ -e "$WORK/bin/$name" ] || ln -s "$file" "$WORK/bin/$name" 2>/dev/null || true
  done
done
NO_ENGINE=(env -u DOCKER_HOST -u REQUIRE_E2E -u BUILDSECRETS_DOCKER "PATH=$WORK/bin" "BUILDSECRETS_E2E_DIR=$WORK/no-engine" "BUILDSECRETS_E2E_DOCKER=$WORK/no-engine/docker")
if PATH="$WORK/bin" command -v docker >/dev/null 2>&1; then fail "docker is still on the stripped PATH"; fi

TESTS=("$@")
[ ${#TESTS[@]} -gt 0 ] || TESTS=(examples/basic test/support packages/cli/src/bin.test.ts test/e2e/demo.test.ts)

log "clone 1: npm test as the first command (${TESTS[*]})"
git clone -q "$ROOT" "$WORK/test-clone"
cd "$WORK/test-clone"
[ ! -e node_modules ] || fail "the clone already has node_modules"
"${NO_ENGINE[@]}" npm test -- "${TESTS[@]}" >"$WORK/test.log" 2>&1 || { cat "$WORK/test.log"; fail "npm test failed on a fresh clone"; }
grep -q 'npm ci' "$WORK/test.log" || { cat "$WORK/test.log"; fail "npm test did not install first"; }
if grep -Eqi 'install-scripts|node-gyp|gyp info' "$WORK/test.log"; then grep -Ei 'install-scripts|gyp' "$WORK/test.log"; fail "npm ci printed install-script warnings or ran node-gyp"; fi
grep -q '\[e2e\] skipping' "$WORK/test.log" || { cat "$WORK/test.log"; fail "engine tests were not skipped with a reason"; }
log "npm test passed; engine tests skipped with: $(grep -m1 '\[e2e\] skipping' "$WORK/test.log")"

log "clone 1: the same engine tests fail under REQUIRE_E2E=1"
if "${NO_ENGINE[@]}" REQUIRE_E2E=1 npx --no-install vitest run test/e2e/demo.test.ts >"$WORK/require.log" 2>&1; then cat "$WORK/require.log"; fail "REQUIRE_E2E=1 passed without an engine"; fi
grep -q 'end-to-end engine unavailable' "$WORK/require.log" || { cat "$WORK/require.log"; fail "REQUIRE_E2E=1 failed for another reason"; }

log "clone 1: npx buildsecrets --version"
version=$("${NO_ENGINE[@]}" npx --no-install buildsecrets --version) || fail "npx buildsecrets --version failed"
[ "$version" = "$(node -p "require('./packages/cli/package.json').version")" ] || fail "npx buildsecrets --version printed '$version'"

log "clone 1: the packed CLI installs into a project with no install-script warnings"
mkdir "$WORK/packs" "$WORK/project"
npm pack -w packages/base -w packages/audit -w packages/core -w packages/providers/env -w packages/providers/keywhiz -w packages/cli --pack-destination "$WORK/packs" >/dev/null 2>&1 || fail "npm pack failed"
echo '{ "name": "fresh-clone-project", "private": true }' >"$WORK/project/package.json"
(cd "$WORK/project" && "${NO_ENGINE[@]}" npm install --save-dev --no-audit --no-fund --prefer-offline "$WORK"/packs/*.tgz) >"$WORK/pack-install.log" 2>&1 || { cat "$WORK/pack-install.log"; fail "installing the packed CLI failed"; }
if grep -Eqi 'install-scripts|gyp info' "$WORK/pack-install.log"; then cat "$WORK/pack-install.log"; fail "installing the packed CLI printed install-script warnings"; fi
(cd "$WORK/project" && "${NO_ENGINE[@]}" npx --no-install buildsecrets --version) >/dev/null || fail "npx buildsecrets --version failed in a project with the packed CLI"

log "clone 2: npm run demo as the first command"
git clone -q "$ROOT" "$WORK/demo-clone"
cd "$WORK/demo-clone"
"${NO_ENGINE[@]}" npm run demo >"$WORK/demo.log" 2>&1 || { cat "$WORK/demo.log"; fail "npm run demo failed on a fresh clone"; }
for expected in 'all 2 secrets resolved' '1 leak of 1 secret (api_key)' 'no secret values found' 'No real build:'; do
  grep -qF "$expected" "$WORK/demo.log" || { cat "$WORK/demo.log"; fail "the demo did not print: $expected"; }
done
if grep -Eqi 'install-scripts|gyp info' "$WORK/demo.log"; then fail "npm run demo's install printed install-script warnings"; fi
log "ok: npm test, npm run demo and npx buildsecrets --version work as first commands on a fresh clone"
