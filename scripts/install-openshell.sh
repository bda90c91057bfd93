#!/usr/bin/env bash
# Install pinned OpenShell releases from PyPI for the conformance tests (test/conformance/).
#
# What PyPI really offers (checked 2026-11): `openshell` >= 0.0.113 (incl. 0.1.0 .. 0.1.5) is the Python SDK
# only (py3-none-any, no CLI binary, no console script). The last wheels that carry the Rust `openshell` CLI
# are 0.0.x up to 0.0.111 (py3-none-manylinux_2_39_x86_64 / aarch64, macOS arm64).
#
# So this script installs:
#   * openshell==0.1.5 and openshell==0.0.116 (SDK) into .cache/openshell/<v>/ venvs: they give the protobuf
#     runtime and the wire descriptors (_proto/*_pb2.py) that test/conformance/proto-drift.test.ts checks.
#   * the CLIs of openshell==0.0.111 (the newest real CLI on PyPI, modern line) and openshell==0.0.26 (legacy
#     line, <= 0.0.36): each wheel is downloaded for its platform tag, the binary extracted to
#     .cache/openshell/<v>/bin/openshell. On glibc < 2.39 the binary's version need for GLIBC_2.39 (only weak
#     refs: pidfd_spawnp, pidfd_getpid) is dropped so it loads; recorded as `patched`. (0.0.27 .. 0.0.36 also need
#     the strong GLIBC_2.38 `__isoc23_strtol` and GLIBCXX_3.4.31, so they cannot run on Debian 12: 0.0.26 is the
#     newest legacy CLI that does.)
# and writes .cache/openshell/versions.json. Idempotent and fast when cached.
#
# Exit codes: 0 ok (also when PyPI is unreachable outside CI: versions.json = {"unavailable": "<reason>"}), 1 install
# failed, or PyPI unreachable under CI=true.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/.cache/openshell"
SDK_VERSIONS=(0.1.5 0.0.116)
CLI_VERSIONS=(0.0.111 0.0.26)
PY="${PYTHON:-python3}"
mkdir -p "$CACHE"

log() { printf 'install-openshell: %s\n' "$*" >&2; }
fail() { log "ERROR: $*"; exit 1; }

json_unavailable() {
  "$PY" - "$CACHE/versions.json" "$1" <<'EOF'
import json, sys, datetime
json.dump({"unavailable": sys.argv[2], "generated_at": datetime.datetime.now(datetime.timezone.utc).isoformat()},
          open(sys.argv[1], "w"), indent=2)
EOF
  if [ "${CI:-}" = "true" ]; then log "ERROR: PyPI unavailable under CI: $1"; exit 1; fi
  log "PyPI unavailable: $1 (wrote versions.json; conformance tests will be reported as skipped)"
  exit 0
}

command -v "$PY" >/dev/null || json_unavailable "python3 not found"

sdk_ok() { # version
  local v="$1" py="$CACHE/$1/bin/python"
  [ -x "$py" ] && "$py" -c "import importlib.metadata as m, google.protobuf, sys; sys.exit(0 if m.version('openshell') == '$v' else 1)" 2>/dev/null
}
cli_ok() { [ -x "$CACHE/$1/bin/openshell" ] && "$CACHE/$1/bin/openshell" --version 2>/dev/null | grep -qx "openshell $1"; }

need_network=0
for v in "${SDK_VERSIONS[@]}"; do sdk_ok "$v" || need_network=1; done
for v in "${CLI_VERSIONS[@]}"; do cli_ok "$v" || need_network=1; done

if [ "$need_network" = 1 ]; then
  # Quick reachability probe: a tiny --no-deps download with a short timeout.
  probe_dir="$(mktemp -d)"
  if ! out="$(timeout 60 "$PY" -m pip download --no-deps --disable-pip-version-check --timeout 15 --retries 0 \
        -d "$probe_dir" "openshell==${SDK_VERSIONS[0]}" 2>&1)"; then
    rm -rf "$probe_dir"
    if grep -qiE 'network|connection|timed out|temporary failure|name resolution|proxy|ssl|max retries|unreachable' <<<"$out" \
       || [ -z "$out" ]; then
      json_unavailable "pip download openshell==${SDK_VERSIONS[0]} failed: $(grep -iE 'error|warning' <<<"$out" | tail -1 | cut -c1-300)"
    fi
    fail "pip download openshell==${SDK_VERSIONS[0]} failed:\n$out"
  fi
  rm -rf "$probe_dir"
fi

# --- SDK venvs ---------------------------------------------------------------------------------------------
for v in "${SDK_VERSIONS[@]}"; do
  if sdk_ok "$v"; then log "openshell $v (SDK) already installed"; continue; fi
  log "installing openshell==$v (SDK) into $CACHE/$v"
  rm -rf "$CACHE/$v"
  "$PY" -m venv "$CACHE/$v" || fail "venv creation failed for $v"
  "$CACHE/$v/bin/python" -m pip install --disable-pip-version-check -q "openshell==$v" \
    || fail "pip install openshell==$v failed"
  sdk_ok "$v" || fail "openshell $v installed but not importable"
done

# --- the real CLIs ----------------------------------------------------------------------------------------------
install_cli() { # version
  local CLI_VERSION="$1" patched="" plat d whl host_glibc
  if cli_ok "$CLI_VERSION"; then
    log "openshell $CLI_VERSION CLI already installed"
    patched="$(cat "$CACHE/$CLI_VERSION/patched" 2>/dev/null || true)"
  else
    case "$(uname -s)-$(uname -m)" in
      Linux-x86_64) plat=manylinux_2_39_x86_64 ;;
      Linux-aarch64) plat=manylinux_2_39_aarch64 ;;
      Darwin-arm64) plat=macosx_13_0_arm64 ;;
      *) fail "no openshell $CLI_VERSION CLI wheel for $(uname -s)-$(uname -m)" ;;
    esac
    d="$CACHE/$CLI_VERSION"; rm -rf "$d"; mkdir -p "$d/bin" "$d/wheel"
    log "downloading openshell==$CLI_VERSION ($plat) for its CLI binary"
    "$PY" -m pip download --no-deps --disable-pip-version-check -q --only-binary=:all: --platform "$plat" \
      --python-version 3.12 -d "$d/wheel" "openshell==$CLI_VERSION" || fail "download of openshell==$CLI_VERSION failed"
    whl="$(ls "$d"/wheel/openshell-"$CLI_VERSION"-*.whl | head -1)"
    "$PY" - "$whl" "$d" "$CLI_VERSION" <<'EOF' || fail "could not extract the CLI from $whl"
import sys, zipfile, os, shutil
whl, d, v = sys.argv[1:]
z = zipfile.ZipFile(whl)
with z.open(f"openshell-{v}.data/scripts/openshell") as src, open(os.path.join(d, "bin", "openshell"), "wb") as dst:
    shutil.copyfileobj(src, dst)
os.chmod(os.path.join(d, "bin", "openshell"), 0o755)
for n in z.namelist():  # the wire descriptors this CLI release was built with
    if n.startswith("openshell/_proto/"):
        z.extract(n, os.path.join(d, "sdk"))
EOF
    if [ "$(uname -s)" = Linux ]; then
      host_glibc="$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')"
      if [ -n "$host_glibc" ] && [ "$(printf '%s\n2.39\n' "$host_glibc" | sort -V | head -1)" != 2.39 ]; then
        log "host glibc $host_glibc < 2.39: dropping the binary's GLIBC_2.39 version need (weak symbols only)"
        patched="$("$PY" - "$d/bin/openshell" "$host_glibc" <<'EOF'
# Drop GLIBC version needs newer than the host's from an ELF64 binary (.gnu.version_r + .gnu.version).
# Safe here because the only GLIBC_2.39 symbols (pidfd_spawnp, pidfd_getpid) are *weak* references that
# Rust's std probes at run time; they resolve to NULL and std falls back.
import struct, sys
path, host = sys.argv[1], tuple(int(x) for x in sys.argv[2].split('.'))
data = bytearray(open(path, 'rb').read())
assert data[:4] == b'\x7fELF' and data[4] == 2 and data[5] == 1, 'need ELF64 little-endian'
e_shoff, = struct.unpack_from('<Q', data, 0x28)
e_shentsize, e_shnum = struct.unpack_from('<HH', data, 0x3A)
secs = [struct.unpack_from('<IIQQQQIIQQ', data, e_shoff + i * e_shentsize) for i in range(e_shnum)]
changed, drop_idx = [], set()
for sh in secs:
    if sh[1] != 0x6ffffffe:  # SHT_GNU_verneed
        continue
    str_off, off = secs[sh[6]][4], sh[4]
    while True:
        _v, cnt, _f, aux, nxt = struct.unpack_from('<HHIII', data, off)
        a, prev, kept = off + aux, None, cnt
        for _ in range(cnt):
            _h, flags, other, name, anext = struct.unpack_from('<IHHII', data, a)
            vname = data[str_off + name:data.index(b'\0', str_off + name)].decode()
            weak_sym_only = vname.startswith('GLIBC_2.') and tuple(int(x) for x in vname[6:].split('.')) > host
            if weak_sym_only:
                changed.append(vname); drop_idx.add(other); kept -= 1
                if prev is None:
                    head, = struct.unpack_from('<I', data, off + 8)
                    struct.pack_into('<I', data, off + 8, head + anext if anext else 0)
                else:
                    pn, = struct.unpack_from('<I', data, prev + 12)
                    struct.pack_into('<I', data, prev + 12, pn + anext if anext else 0)
            else:
                prev = a
            if not anext:
                break
            a += anext
        struct.pack_into('<H', data, off + 2, kept)
        if not nxt:
            break
        off += nxt
for sh in secs:
    if sh[1] == 0x6fffffff:  # SHT_GNU_versym
        for i in range(sh[5] // 2):
            v, = struct.unpack_from('<H', data, sh[4] + 2 * i)
            if v & 0x7fff in drop_idx:
                struct.pack_into('<H', data, sh[4] + 2 * i, 1)
open(path, 'wb').write(data)
print('dropped ELF version need ' + ', '.join(changed) if changed else '')
EOF
  )" || fail "patching the $CLI_VERSION binary for glibc $host_glibc failed"
        printf '%s' "$patched" > "$d/patched"
      fi
    fi
    rm -rf "$d/wheel"
    cli_ok "$CLI_VERSION" || fail "openshell $CLI_VERSION CLI extracted but \`--version\` does not answer: $("$d/bin/openshell" --version 2>&1 | head -3)"
  fi
  printf '%s' "$patched" > "$CACHE/$CLI_VERSION/patched"
}
for v in "${CLI_VERSIONS[@]}"; do install_cli "$v"; done

# --- versions.json ------------------------------------------------------------------------------------------
"$PY" - "$CACHE" "${CLI_VERSIONS[*]}" "${SDK_VERSIONS[@]}" <<'EOF' || fail "writing versions.json failed"
import json, os, subprocess, sys, datetime
cache, cli_vs, sdks = sys.argv[1], sys.argv[2].split(), sys.argv[3:]
entries = []
for v in sdks:
    site = subprocess.run([os.path.join(cache, v, "bin", "python"), "-c",
                           "import openshell, os; print(os.path.dirname(openshell.__file__))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    entries.append({"version": v, "kind": "sdk", "binary": None,
                    "cli_unavailable": f"PyPI openshell=={v} is the Python SDK only (py3-none-any wheel, no CLI binary)",
                    "python": os.path.join(cache, v, "bin", "python"),
                    "proto_dir": os.path.join(site, "_proto")})
for cli_v in cli_vs:
    binary = os.path.join(cache, cli_v, "bin", "openshell")
    out = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    patched = open(os.path.join(cache, cli_v, "patched")).read().strip() if os.path.exists(os.path.join(cache, cli_v, "patched")) else ""
    proto = os.path.join(cache, cli_v, "sdk", "openshell", "_proto")
    entries.append({"version": cli_v, "kind": "cli", "binary": binary, "version_output": out,
                    "patched": patched or None, "python": os.path.join(cache, sdks[0], "bin", "python"),
                    "proto_dir": proto if os.path.isdir(proto) else None})
doc = {"generated_at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
       "cli_versions": cli_vs, "sdk_versions": sdks, "versions": entries}
json.dump(doc, open(os.path.join(cache, "versions.json"), "w"), indent=2)
print(json.dumps(doc, indent=2))
EOF
log "done"
