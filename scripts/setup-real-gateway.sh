#!/usr/bin/env bash
# Prepare this machine for the real-gateway tests (test/real-gateway/): the real OpenShell 0.0.111 gateway and
# sandbox supervisor from shared/real-openshell, Docker from Debian's packages, and a locally built sandbox image
# (no container registry is reachable: debootstrap + docker import). Idempotent: a prepared machine takes ~1 s.
#
# Writes .cache/real-openshell/status.json: {"ok": true, ...} or {"ok": false, "reason": "..."}.
# Exit codes: 0 prepared, or not preparable outside CI (the tests then report themselves skipped with the reason);
#             1 not preparable under CI=true (a missing prerequisite fails CI, it is never skipped silently).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/.cache/real-openshell"
SHARED="${NEMOCLAW_REAL_OPENSHELL_DIR:-$ROOT/../shared/real-openshell}"
IMAGE="${NEMOCLAW_REAL_IMAGE:-openshell-local/sandbox:dev}"
VERSION=0.0.111
mkdir -p "$OUT"
t0=$(date +%s)

log() { printf 'setup-real-gateway: %s\n' "$*" >&2; }
status() { # ok reason
  python3 - "$OUT/status.json" "$1" "$2" "$IMAGE" "$VERSION" <<'PY'
import json, sys, datetime
path, ok, reason, image, version = sys.argv[1:6]
doc = {"ok": ok == "true", "version": version, "image": image,
       "gateway": path.rsplit("/", 1)[0] + "/openshell-gateway", "supervisor": path.rsplit("/", 1)[0] + "/openshell-sandbox",
       "generated_at": datetime.datetime.now(datetime.timezone.utc).isoformat()}
if reason: doc["reason"] = reason
json.dump(doc, open(path, "w"), indent=2)
PY
}
unavailable() {
  status false "$1"
  if [ "${CI:-}" = "true" ]; then log "ERROR: $1"; exit 1; fi
  log "real gateway unavailable: $1 (the real-gateway tests will be reported as skipped)"
  exit 0
}

# 1. The binaries, checked against SHA256SUMS, unpacked once.
[ -d "$SHARED" ] || unavailable "no $SHARED (the real OpenShell gateway archives)"
command -v xz >/dev/null || NEED_APT=1
for b in gateway sandbox; do
  archive="openshell-$b-$VERSION-linux-x64.xz"
  [ -f "$SHARED/$archive" ] || unavailable "missing $SHARED/$archive"
done

# 2. Docker and debootstrap from Debian's packages (root only).
if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null || [ "${NEED_APT:-0}" = 1 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    unavailable "docker.io, debootstrap and xz-utils are not installed and this is not a root Debian machine (apt-get install -y docker.io debootstrap xz-utils)"
  fi
  log "installing docker.io debootstrap xz-utils (apt)"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -q && apt-get install -y -q docker.io debootstrap xz-utils; } >"$OUT/apt.log" 2>&1 \
    || unavailable "apt-get install docker.io debootstrap xz-utils failed (see $OUT/apt.log)"
fi

for b in gateway sandbox; do
  archive="openshell-$b-$VERSION-linux-x64.xz"
  want="$(grep " $archive\$" "$SHARED/SHA256SUMS" | cut -d' ' -f1)"
  have="$(sha256sum "$SHARED/$archive" | cut -d' ' -f1)"
  [ -n "$want" ] && [ "$want" = "$have" ] || unavailable "$archive does not match SHA256SUMS"
  if [ ! -x "$OUT/openshell-$b" ] || [ "$(cat "$OUT/openshell-$b.sha256" 2>/dev/null)" != "$have" ]; then
    xz -dc "$SHARED/$archive" >"$OUT/openshell-$b.tmp" && chmod +x "$OUT/openshell-$b.tmp" \
      && mv "$OUT/openshell-$b.tmp" "$OUT/openshell-$b" && echo "$have" >"$OUT/openshell-$b.sha256" \
      || unavailable "could not unpack $archive"
  fi
done
"$OUT/openshell-gateway" --version >/dev/null 2>&1 || unavailable "openshell-gateway does not run here: $("$OUT/openshell-gateway" --version 2>&1 | head -1)"

# 3. A Docker daemon (no systemd here: start it in the background and wait until it answers).
if ! docker info >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || unavailable "the Docker daemon does not answer and only root can start it"
  log "starting dockerd"
  setsid nohup dockerd >"$OUT/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 120); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || unavailable "dockerd did not answer within 60 s (see $OUT/dockerd.log)"
fi

# 4. The sandbox image, built locally: a Debian 12 root file system with what the supervisor needs.
if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then
  log "building $IMAGE with debootstrap (about a minute)"
  root="$(mktemp -d /tmp/nemoclaw-sbroot.XXXXXX)"
  debootstrap --variant=minbase --include=iproute2,nftables,iptables,util-linux,bash,ca-certificates,procps \
      bookworm "$root" >"$OUT/debootstrap.log" 2>&1 || { rm -rf "$root"; unavailable "debootstrap failed (see $OUT/debootstrap.log)"; }
  chroot "$root" useradd -m -u 1000 -s /bin/bash sandbox || { rm -rf "$root"; unavailable "useradd in the image failed"; }
  tar -C "$root" -c . | docker import --change 'USER sandbox' --change 'WORKDIR /home/sandbox' \
      --change 'CMD ["/bin/bash"]' - "$IMAGE" >/dev/null || { rm -rf "$root"; unavailable "docker import failed"; }
  rm -rf "$root"
fi

# 5. Containers left by an earlier, killed test run (their namespaces start with nct-).
stale="$(docker ps -a --filter label=openshell.ai/managed-by=openshell \
  --format '{{.ID}} {{.Label "openshell.ai/sandbox-namespace"}}' | awk '$2 ~ /^nct-/ {print $1}')"
[ -z "$stale" ] || docker rm -f $stale >/dev/null 2>&1 || true

status true ""
log "ready in $(( $(date +%s) - t0 )) s: openshell-gateway $VERSION, image $IMAGE, $(docker version --format 'Docker {{.Server.Version}}' 2>/dev/null)"
