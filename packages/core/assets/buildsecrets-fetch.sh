#!/bin/sh
# buildsecrets-fetch: fetch secrets from the buildsecrets served-file server for ONE RUN step,
# run a command with them, and delete them before the step ends.
#
#   ARG BUILDSECRETS_URL
#   ARG BUILDSECRETS_TOKEN
#   COPY buildsecrets-fetch /usr/local/bin/buildsecrets-fetch
#   RUN --mount=type=tmpfs,target=/run/buildsecrets \
#       buildsecrets-fetch npm_token -- sh -c 'NPM_TOKEN_FILE="$BUILDSECRETS_FILE_NPM_TOKEN" npm ci'
#
# Each <id> is saved to a private file (umask 077) under $BUILDSECRETS_DIR (default
# /run/buildsecrets; mount a tmpfs there so nothing touches a layer) and its path is exported
# as BUILDSECRETS_FILE_<ID> (upper case, characters other than A-Z 0-9 as _). Values are never
# put in an argument or in the RUN text: the command reads the files.
#
# Fails closed: when any fetch fails (no server, bad token, read already spent, timeout) the
# command is NOT run and the step fails. The files are removed on every exit path.
# BUILDSECRETS_TOKEN holds one "<id>=<token>" pair per secret; each fetch sends only its own
# secret's token, and never on a command line (any local user can read those in /proc):
# curl reads it as a header from its config on stdin; busybox and GNU wget, which cannot read a
# header from a file, POST it as the body with --post-file from a 0600 file in the private dir.
set -eu

die() { echo "buildsecrets-fetch: $*" >&2; exit 2; }

[ "${BUILDSECRETS_URL:-}" ] || die "BUILDSECRETS_URL is not set (declare ARG BUILDSECRETS_URL before this RUN)"
[ "${BUILDSECRETS_TOKEN:-}" ] || die "BUILDSECRETS_TOKEN is not set (declare ARG BUILDSECRETS_TOKEN before this RUN)"

ids=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  case "$1" in
    *[!A-Za-z0-9_.-]* | "" | .*) die "bad secret id: use letters, digits, _ . - as in buildsecrets.yaml" ;;
  esac
  ids="$ids $1"
  shift
done
[ $# -gt 0 ] || die "usage: buildsecrets-fetch <id> [<id>...] -- <command> [args...]"
shift
[ -n "$ids" ] || die "name at least one secret id before --"
[ $# -gt 0 ] || die "no command after --"

umask 077
base="${BUILDSECRETS_DIR:-/run/buildsecrets}"
mkdir -p "$base" 2>/dev/null || die "cannot create $base"
dir=$(mktemp -d "$base/fetch.XXXXXX") || die "cannot create a private directory in $base"

cleanup() {
  # Emptied, then unlinked. Never overwritten in place: `cat` may have sendfile()d the file into a
  # pipe, which then holds the file's cached pages, and a reader outside this step that has not read
  # them yet would get the overwrite (zeros) instead of the value. Truncating drops the pages from
  # the file without changing them.
  for f in "$dir"/* "$dir/.token"; do
    [ -f "$f" ] || continue
    : >"$f" 2>/dev/null || true
    rm -f "$f"
  done
  rmdir "$dir" 2>/dev/null || rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

bounded() {
  if command -v timeout >/dev/null 2>&1; then timeout 30 "$@"; else "$@"; fi
}

token_of() { # token_of <id>: sets $token from the "<id>=<token>" list, with shell builtins only
  token=""
  for pair in $BUILDSECRETS_TOKEN; do
    case "$pair" in "$1="*) token="${pair#*=}"; return 0 ;; esac
  done
  return 1
}

fetch() { # fetch <id> <file>
  url="${BUILDSECRETS_URL%/}/v1/secrets/$1"
  token_of "$1" || { echo "buildsecrets-fetch: BUILDSECRETS_TOKEN has no token for '$1' (is it a served-file secret of this build?)" >&2; return 1; }
  if command -v curl >/dev/null 2>&1; then
    # printf is a shell builtin: the token goes through a pipe, never through an argv.
    printf 'header = "Authorization: Bearer %s"\n' "$token" |
      curl --config - --silent --show-error --fail --max-time 30 --noproxy '*' --output "$2" "$url"
  elif command -v wget >/dev/null 2>&1; then
    # The server is on loopback or the bridge gateway: never go through a proxy. The time bound
    # comes from timeout(1): `wget -T` crashes some busybox builds (1.35 static).
    # A subshell, so the user's command still sees its proxy settings.
    printf '%s' "$token" >"$dir/.token" || return 1
    (unset http_proxy HTTP_PROXY all_proxy ALL_PROXY; bounded wget -q --post-file "$dir/.token" -O "$2" "$url")
    got=$?
    rm -f "$dir/.token"
    return "$got"
  else
    echo "buildsecrets-fetch: neither curl nor wget is in this image" >&2
    return 1
  fi
}

for id in $ids; do
  file="$dir/$id"
  if ! fetch "$id" "$file"; then
    echo "buildsecrets-fetch: could not fetch secret '$id'; the command was not run" >&2
    exit 1
  fi
  var="BUILDSECRETS_FILE_$(printf '%s' "$id" | tr 'a-z' 'A-Z' | tr -c 'A-Z0-9' '_')"
  export "$var=$file"
done

# Not exec: the trap must run after the command to delete the files within this step.
set +e
"$@"
status=$?
exit "$status"
