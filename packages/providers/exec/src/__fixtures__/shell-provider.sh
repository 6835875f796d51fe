#!/bin/sh
# A summon-style provider for the tests: the ref is the last argument, the value goes to stdout.
for last in "$@"; do :; done
ref="$last"
case "$ref" in
  args) printf '%s|' "$@"; exit 0 ;;
  env) env; exit 0 ;;
  echoed) echo hello; exit 0 ;;
  flood) head -c 2000000 /dev/zero; exit 0 ;;
  noisy) head -c 10000 /dev/zero | tr '\0' 'x' >&2; exit 2 ;;
  exit127) echo "helper: command not found" >&2; exit 127 ;;
  boom) echo "connection refused by backend" >&2; exit 1 ;;
  custom-missing) echo "E404" >&2; exit 1 ;;
  leak-stored) cat "$STORE_DIR/db" >&2; exit 2 ;;
  leak-env) echo "using token=$API_TOKEN" >&2; exit 2 ;;
  tree)
    # Leave a child and a grandchild behind, both holding stdout, and record every pid.
    sleep 61 & echo $! > "$PIDS/child"
    sh -c 'sleep 62 & echo $! > "$PIDS/grandchild"; wait' &
    echo $$ > "$PIDS/self"
    wait
    exit 0 ;;
esac
if [ -f "$STORE_DIR/$ref" ]; then cat "$STORE_DIR/$ref"; exit 0; fi
echo "secret $ref not found" >&2
exit 1
