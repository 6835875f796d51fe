#!/usr/bin/env bash
# Start or stop what the end-to-end tests need: a private dockerd with BuildKit and a busybox base image.
# Usage: scripts/e2e-services.sh install|start|stop|env
# Everything lives under $BUILDSECRETS_E2E_DIR (default /tmp/buildsecrets-e2e) and is stopped by pid.
set -euo pipefail
E2E_DIR=${BUILDSECRETS_E2E_DIR:-/tmp/buildsecrets-e2e}
SOCK="$E2E_DIR/docker.sock"
DOCKER_BIN=${BUILDSECRETS_E2E_DOCKER:-/usr/bin/docker}
BASE_IMAGE=buildsecrets-test/busybox:latest
GIT_IMAGE=buildsecrets-test/git:latest

log() { echo "[e2e-services] $*" >&2; }

install_packages() {
  local missing=()
  [ -x /usr/sbin/dockerd ] && [ -x /usr/bin/docker ] || missing+=(docker.io)
  [ -x /bin/busybox ] || missing+=(busybox-static)
  [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
  command -v ssh-agent >/dev/null || missing+=(openssh-client)
  command -v git >/dev/null || missing+=(git)
  # The GCP test server's TLS: a throwaway CA and server certificate (test-kit createGcpTestTls).
  command -v openssl >/dev/null || missing+=(openssl)
  [ -x /usr/bin/wget ] || missing+=(wget)
  [ -x /usr/bin/curl ] || missing+=(curl)
  command -v setpriv >/dev/null || missing+=(util-linux)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

start() {
  mkdir -p "$E2E_DIR"
  if [ -S "$SOCK" ] && DOCKER_HOST="unix://$SOCK" "$DOCKER_BIN" info >/dev/null 2>&1; then
    log "dockerd already running on $SOCK"
  else
    log "starting dockerd on $SOCK"
    # containerd is started by dockerd itself (a managed child) when none is given.
    nohup /usr/sbin/dockerd --host "unix://$SOCK" --data-root "$E2E_DIR/data" --exec-root "$E2E_DIR/exec" \
      --pidfile "$E2E_DIR/dockerd.pid" --bridge none --iptables=false --ip-masq=false \
      >"$E2E_DIR/dockerd.log" 2>&1 &
    for _ in $(seq 1 60); do
      DOCKER_HOST="unix://$SOCK" "$DOCKER_BIN" info >/dev/null 2>&1 && break
      sleep 0.5
    done
    DOCKER_HOST="unix://$SOCK" "$DOCKER_BIN" info >/dev/null 2>&1 || { log "dockerd did not come up:"; tail -20 "$E2E_DIR/dockerd.log" >&2; exit 1; }
  fi
  if ! DOCKER_HOST="unix://$SOCK" "$DOCKER_BIN" image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    log "importing $BASE_IMAGE from /bin/busybox"
    local rootfs; rootfs=$(mktemp -d)
    mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/etc" "$rootfs/root" "$rootfs/run"
    cp /bin/busybox "$rootfs/bin/busybox"
    for applet in $(/bin/busybox --list); do [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"; done
    echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
    echo 'root:x:0:' >"$rootfs/etc/group"
    chmod 1777 "$rootfs/tmp"
    tar -C "$rootfs" -c . | DOCKER_HOST="unix://$SOCK" "$DOCKER_BIN" import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - "$BASE_IMAGE" >/dev/null
    rm -rf "$rootfs"
  fi
  git_image
  fetcher_images
  log "ready: DOCKER_HOST=unix://$SOCK"
}

# An image with busybox plus the host's git and ssh client (and their shared libraries), for the
# ssh-agent end-to-end test that clones over ssh inside a build. Idempotent.
git_image() {
  if DOCKER_HOST="unix://$SOCK" "$DOCKER_BIN" image inspect "$GIT_IMAGE" >/dev/null 2>&1; then return 0; fi
  if [ ! -x /usr/bin/git ] || [ ! -x /usr/bin/ssh ]; then log "no /usr/bin/git or /usr/bin/ssh: skipping $GIT_IMAGE"; return 0; fi
  log "importing $GIT_IMAGE from busybox, git and ssh"
  local rootfs; rootfs=$(mktemp -d)
  mkdir -p "$rootfs/bin" "$rootfs/usr/bin" "$rootfs/usr/lib" "$rootfs/tmp" "$rootfs/etc" "$rootfs/root" "$rootfs/run" "$rootfs/dev"
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"; done
  cp /usr/bin/git /usr/bin/ssh "$rootfs/usr/bin/"
  cp -a /usr/lib/git-core "$rootfs/usr/lib/git-core"
  [ -d /usr/share/git-core/templates ] && mkdir -p "$rootfs/usr/share/git-core" && cp -a /usr/share/git-core/templates "$rootfs/usr/share/git-core/"
  local elf lib
  for elf in /usr/bin/git /usr/bin/ssh /usr/lib/git-core/*; do
    [ -f "$elf" ] || continue
    for lib in $(ldd "$elf" 2>/dev/null | awk '/=> \// { print $3 } /^[[:space:]]*\/[^ ]*ld-linux/ { print $1 }'); do
      [ -e "$rootfs$lib" ] || { mkdir -p "$rootfs$(dirname "$lib")"; cp -L "$lib" "$rootfs$lib"; }
    done
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
  echo 'root:x:0:' >"$rootfs/etc/group"
  chmod 1777 "$rootfs/tmp"
  tar -C "$rootfs" -c . | DOCKER_HOST="unix://$SOCK" "$DOCKER_BIN" import -c 'ENV PATH=/usr/bin:/bin' -c 'CMD ["/bin/sh"]' - "$GIT_IMAGE" >/dev/null
  rm -rf "$rootfs"
}

# Build images for the served-file helper's three download tools, from host binaries and their
# shared libraries: buildsecrets-test/gnu-wget (dash as /bin/sh, GNU wget and coreutils timeout, as
# on Debian: busybox sh and timeout would run busybox's own wget applet instead) and
# buildsecrets-test/curl (busybox plus curl), buildsecrets-test/ssh-tools (plus ssh-add). The busybox-only image is the base image. Idempotent.
fetcher_images() {
  elf_image buildsecrets-test/gnu-wget:latest /usr/bin/dash /usr/bin/wget /usr/bin/timeout
  elf_image buildsecrets-test/curl:latest /usr/bin/curl
  # For the parallel-runs test: ssh-add lists the identities a build's agent offers.
  elf_image buildsecrets-test/ssh-tools:latest /usr/bin/ssh-add
}

# elf_image <tag> <binary>...: busybox plus each binary at /usr/bin (dash also becomes /bin/sh).
elf_image() {
  local tag=$1; shift
  if DOCKER_HOST="unix://$SOCK" "$DOCKER_BIN" image inspect "$tag" >/dev/null 2>&1; then return 0; fi
  local elf lib
  for elf in "$@"; do [ -x "$elf" ] || { log "no $elf: skipping $tag"; return 0; }; done
  log "importing $tag from busybox and $*"
  local rootfs; rootfs=$(mktemp -d)
  mkdir -p "$rootfs/bin" "$rootfs/usr/bin" "$rootfs/tmp" "$rootfs/etc" "$rootfs/root" "$rootfs/run" "$rootfs/dev"
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"; done
  for elf in "$@"; do
    cp "$elf" "$rootfs/usr/bin/"
    # The binary replaces busybox's applet of the same name.
    rm -f "$rootfs/bin/$(basename "$elf")"
    for lib in $(ldd "$elf" 2>/dev/null | awk '/=> \// { print $3 } /^[[:space:]]*\/[^ ]*ld-linux/ { print $1 }'); do
      [ -e "$rootfs$lib" ] || { mkdir -p "$rootfs$(dirname "$lib")"; cp -L "$lib" "$rootfs$lib"; }
    done
  done
  if [ -e "$rootfs/usr/bin/dash" ]; then rm -f "$rootfs/bin/sh"; ln -s /usr/bin/dash "$rootfs/bin/sh"; fi
  echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
  echo 'root:x:0:' >"$rootfs/etc/group"
  chmod 1777 "$rootfs/tmp"
  tar -C "$rootfs" -c . | DOCKER_HOST="unix://$SOCK" "$DOCKER_BIN" import -c 'ENV PATH=/usr/bin:/bin' -c 'CMD ["/bin/sh"]' - "$tag" >/dev/null
  rm -rf "$rootfs"
}

stop() {
  if [ -f "$E2E_DIR/dockerd.pid" ]; then
    local pid; pid=$(cat "$E2E_DIR/dockerd.pid")
    if kill -0 "$pid" 2>/dev/null; then
      log "stopping dockerd ($pid)"
      kill "$pid"
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$E2E_DIR/dockerd.pid"
  fi
  unmount_under "$E2E_DIR"
}

# A stopped dockerd leaves its network namespace bind mount (<exec-root>/netns/default) behind; with
# it the directory cannot be removed and every start/stop pair on a developer's machine adds one.
# Deepest first; only mounts under this E2E_DIR (another set of services may be running).
unmount_under() {
  local dir=$1
  awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
}

# ---- engines (#14): podman/buildah storage images, an ssh-add image, a second dockerd over TCP ----
SSH_IMAGE=buildsecrets-test/ssh:latest
REMOTE_DIR="$E2E_DIR/remote"
# Names, the /30 and the port are derived from E2E_DIR, so several private sets of services (one per
# BUILDSECRETS_E2E_DIR) can run on one machine; a slot taken by another E2E_DIR moves to the next one.
remote_names() {
  local slot=$(( $(printf '%s' "$E2E_DIR" | cksum | cut -d' ' -f1) % 200 + 1 ))
  if [ -f "$REMOTE_DIR/slot" ]; then
    slot=$(cat "$REMOTE_DIR/slot")
  else
    local tries=0
    while [ -e "/run/bse-remote-$slot.owner" ] && [ "$(cat "/run/bse-remote-$slot.owner")" != "$E2E_DIR" ] && [ $tries -lt 200 ]; do
      slot=$(( slot % 200 + 1 )); tries=$((tries + 1))
    done
  fi
  REMOTE_SLOT=$slot
  REMOTE_NS=bse-remote-$slot
  REMOTE_HOST_IF=bse-h$slot
  REMOTE_NS_IF=bse-n$slot
  # A /30 used only inside the namespace this script creates (and on its veth peer).
  REMOTE_HOST_ADDR=10.250.$slot.1
  REMOTE_NS_ADDR=10.250.$slot.2
  REMOTE_PORT=$((23750 + slot))
}

install_engine_packages() {
  local missing=()
  command -v podman >/dev/null || missing+=(podman)
  command -v buildah >/dev/null || missing+=(buildah)
  command -v ip >/dev/null || missing+=(iproute2)
  command -v ssh-add >/dev/null || missing+=(openssh-client)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# A busybox root file system plus the given host binaries and their shared libraries, as a tar on stdout.
engine_rootfs_tar() {
  local rootfs; rootfs=$(mktemp -d)
  mkdir -p "$rootfs/bin" "$rootfs/usr/bin" "$rootfs/tmp" "$rootfs/etc" "$rootfs/root" "$rootfs/run" "$rootfs/dev"
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"; done
  local elf lib
  for elf in "$@"; do
    cp "$elf" "$rootfs/usr/bin/"
    for lib in $(ldd "$elf" 2>/dev/null | awk '/=> \// { print $3 } /^[[:space:]]*\/[^ ]*ld-linux/ { print $1 }'); do
      [ -e "$rootfs$lib" ] || { mkdir -p "$rootfs$(dirname "$lib")"; cp -L "$lib" "$rootfs$lib"; }
    done
  done
  # Gzipped (RUN steps unpack them to /tmp and delete them): ssh-add holds the literal
  # "-----BEGIN OPENSSH PRIVATE KEY-----" line, which the audit would match as part of a key.
  if [ "${GZIP_BINARIES:-0}" = 1 ]; then
    mkdir -p "$rootfs/usr/lib/buildsecrets-test"
    for elf in "$@"; do gzip -c "$rootfs/usr/bin/$(basename "$elf")" >"$rootfs/usr/lib/buildsecrets-test/$(basename "$elf").gz"; rm -f "$rootfs/usr/bin/$(basename "$elf")"; done
  fi
  echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
  echo 'root:x:0:' >"$rootfs/etc/group"
  chmod 1777 "$rootfs/tmp"
  tar -C "$rootfs" -c .
  rm -rf "$rootfs"
}

# buildsecrets-test/ssh: busybox + ssh-add (gzipped), for the engine matrix (`ssh-add -l` inside RUN --mount=type=ssh).
ssh_image_docker() {
  DOCKER_HOST="unix://$SOCK" "$DOCKER_BIN" image inspect "$SSH_IMAGE" >/dev/null 2>&1 && return 0
  log "importing $SSH_IMAGE into dockerd"
  GZIP_BINARIES=1 engine_rootfs_tar /usr/bin/ssh-add | DOCKER_HOST="unix://$SOCK" "$DOCKER_BIN" import -c 'ENV PATH=/usr/bin:/bin' -c 'CMD ["/bin/sh"]' - "$SSH_IMAGE" >/dev/null
}

# The same base images in containers-storage (/var/lib/containers), shared by podman and buildah.
podman_images() {
  command -v podman >/dev/null || { log "no podman: skipping containers-storage images"; return 0; }
  if ! podman image exists "$BASE_IMAGE"; then
    log "importing $BASE_IMAGE into podman storage"
    engine_rootfs_tar | podman import -q -c 'ENV PATH=/usr/bin:/bin' -c 'CMD ["/bin/sh"]' - "$BASE_IMAGE" >/dev/null
  fi
  if ! podman image exists "$SSH_IMAGE"; then
    log "importing $SSH_IMAGE into podman storage"
    GZIP_BINARIES=1 engine_rootfs_tar /usr/bin/ssh-add | podman import -q -c 'ENV PATH=/usr/bin:/bin' -c 'CMD ["/bin/sh"]' - "$SSH_IMAGE" >/dev/null
  fi
}

remote_docker() { DOCKER_HOST="unix://$REMOTE_DIR/docker.sock" "$DOCKER_BIN" "$@"; }

# A second dockerd reached over TCP, in its own network namespace behind a veth pair, so it is a
# "remote" daemon for buildsecrets (served-file must be offered on the namespace-facing address).
# Falls back to a loopback TCP port when namespaces cannot be made, and records which in endpoint.env.
start_remote_dockerd() {
  mkdir -p "$REMOTE_DIR"
  remote_names
  echo "$REMOTE_SLOT" >"$REMOTE_DIR/slot"
  echo "$E2E_DIR" >"/run/bse-remote-$REMOTE_SLOT.owner" 2>/dev/null || true
  if [ -S "$REMOTE_DIR/docker.sock" ] && remote_docker info >/dev/null 2>&1; then
    log "remote dockerd already running"
  else
    local mode=netns tcp_addr=$REMOTE_NS_ADDR served=$REMOTE_HOST_ADDR
    if ! ip netns list 2>/dev/null | grep -qw "$REMOTE_NS"; then
      if ! ip netns add "$REMOTE_NS" 2>/dev/null; then mode=loopback; fi
    fi
    if [ "$mode" = netns ]; then
      ip link show "$REMOTE_HOST_IF" >/dev/null 2>&1 || ip link add "$REMOTE_HOST_IF" type veth peer name "$REMOTE_NS_IF" netns "$REMOTE_NS"
      ip addr replace "$REMOTE_HOST_ADDR/30" dev "$REMOTE_HOST_IF"
      ip link set "$REMOTE_HOST_IF" up
      ip netns exec "$REMOTE_NS" ip addr replace "$REMOTE_NS_ADDR/30" dev "$REMOTE_NS_IF"
      ip netns exec "$REMOTE_NS" ip link set "$REMOTE_NS_IF" up
      ip netns exec "$REMOTE_NS" ip link set lo up
    else
      log "cannot create a network namespace: the remote dockerd listens on 127.0.0.1:$REMOTE_PORT instead"
      tcp_addr=127.0.0.1 served=127.0.0.1
    fi
    local netns_exec=()
    # nsenter joins only the network namespace: `ip netns exec` would remount /sys and hide the cgroups dockerd needs.
    [ "$mode" = netns ] && netns_exec=(nsenter "--net=/run/netns/$REMOTE_NS")
    log "starting remote dockerd on tcp://$tcp_addr:$REMOTE_PORT ($mode)"
    nohup "${netns_exec[@]}" /usr/sbin/dockerd --host "tcp://$tcp_addr:$REMOTE_PORT" --host "unix://$REMOTE_DIR/docker.sock" --tls=false \
      --data-root "$REMOTE_DIR/data" --exec-root "$REMOTE_DIR/exec" --pidfile "$REMOTE_DIR/dockerd.pid" \
      --bridge none --iptables=false --ip-masq=false >"$REMOTE_DIR/dockerd.log" 2>&1 &
    for _ in $(seq 1 120); do remote_docker info >/dev/null 2>&1 && break; sleep 0.5; done
    remote_docker info >/dev/null 2>&1 || { log "remote dockerd did not come up:"; tail -20 "$REMOTE_DIR/dockerd.log" >&2; exit 1; }
    printf 'REMOTE_DOCKER_HOST=tcp://%s:%s\nREMOTE_MODE=%s\nREMOTE_SERVED_FILE_HOST=%s\n' "$tcp_addr" "$REMOTE_PORT" "$mode" "$served" >"$REMOTE_DIR/endpoint.env"
  fi
  local image
  for image in "$BASE_IMAGE" "$SSH_IMAGE"; do
    remote_docker image inspect "$image" >/dev/null 2>&1 && continue
    log "copying $image to the remote dockerd"
    DOCKER_HOST="unix://$SOCK" "$DOCKER_BIN" save "$image" | remote_docker load -q >/dev/null
  done
}

# ---- the loopback fallback, exercised (#14): a third dockerd, always on a loopback TCP port ----
# start_remote_dockerd falls back to this shape when it cannot make a network namespace; a machine
# that can make one (CI, here) would otherwise never run that path. One build on it suffices: the
# served-file e2e test builds there with the default (loopback) host, as the docs say a daemon on a
# loopback TCP port counts as local. Its port is the remote daemon's + 1000 (same slot).
LOOPBACK_DIR="$E2E_DIR/remote-loopback"
loopback_docker() { DOCKER_HOST="unix://$LOOPBACK_DIR/docker.sock" "$DOCKER_BIN" "$@"; }
start_loopback_dockerd() {
  mkdir -p "$LOOPBACK_DIR"
  remote_names
  local port=$((REMOTE_PORT + 1000))
  if [ -S "$LOOPBACK_DIR/docker.sock" ] && loopback_docker info >/dev/null 2>&1; then
    log "loopback dockerd already running"
  else
    log "starting loopback dockerd on tcp://127.0.0.1:$port (the remote fallback)"
    nohup /usr/sbin/dockerd --host "tcp://127.0.0.1:$port" --host "unix://$LOOPBACK_DIR/docker.sock" --tls=false \
      --data-root "$LOOPBACK_DIR/data" --exec-root "$LOOPBACK_DIR/exec" --pidfile "$LOOPBACK_DIR/dockerd.pid" \
      --bridge none --iptables=false --ip-masq=false >"$LOOPBACK_DIR/dockerd.log" 2>&1 &
    for _ in $(seq 1 120); do loopback_docker info >/dev/null 2>&1 && break; sleep 0.5; done
    loopback_docker info >/dev/null 2>&1 || { log "loopback dockerd did not come up:"; tail -20 "$LOOPBACK_DIR/dockerd.log" >&2; exit 1; }
    printf 'REMOTE_DOCKER_HOST=tcp://127.0.0.1:%s\nREMOTE_MODE=loopback\nREMOTE_SERVED_FILE_HOST=127.0.0.1\n' "$port" >"$LOOPBACK_DIR/endpoint.env"
  fi
  loopback_docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 && return 0
  log "copying $BASE_IMAGE to the loopback dockerd"
  DOCKER_HOST="unix://$SOCK" "$DOCKER_BIN" save "$BASE_IMAGE" | loopback_docker load -q >/dev/null
}

stop_loopback_dockerd() {
  [ -f "$LOOPBACK_DIR/dockerd.pid" ] || return 0
  local pid; pid=$(cat "$LOOPBACK_DIR/dockerd.pid")
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping loopback dockerd ($pid)"
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$LOOPBACK_DIR/dockerd.pid" "$LOOPBACK_DIR/endpoint.env"
}

start_engines() {
  ssh_image_docker
  podman_images
  start_remote_dockerd
  start_loopback_dockerd
}

stop_engines() {
  stop_loopback_dockerd
  [ -f "$REMOTE_DIR/slot" ] || return 0
  remote_names
  if [ -f "$REMOTE_DIR/dockerd.pid" ]; then
    local pid; pid=$(cat "$REMOTE_DIR/dockerd.pid")
    if kill -0 "$pid" 2>/dev/null; then
      log "stopping remote dockerd ($pid)"
      kill "$pid"
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$REMOTE_DIR/dockerd.pid"
  fi
  ip link del "$REMOTE_HOST_IF" 2>/dev/null || true
  ip netns del "$REMOTE_NS" 2>/dev/null || true
  rm -f "$REMOTE_DIR/endpoint.env" "$REMOTE_DIR/slot" "/run/bse-remote-$REMOTE_SLOT.owner"
}

# ---- registry (#18): the CNCF distribution server and bcrypt htpasswd for test/support/local-registry.ts ----
# Each test file starts its own registry on a free loopback port (nothing runs between tests).
install_registry_packages() {
  local missing=()
  command -v docker-registry >/dev/null || missing+=(docker-registry)
  command -v htpasswd >/dev/null || missing+=(apache2-utils)
  command -v openssl >/dev/null || missing+=(openssl)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

case "${1:-}" in
  install) install_packages; install_engine_packages; install_registry_packages ;;
  start) start; start_engines ;;
  stop) stop_engines; stop ;;
  env) echo "DOCKER_HOST=unix://$SOCK" ;;
  *) echo "usage: $0 install|start|stop|env" >&2; exit 2 ;;
esac
