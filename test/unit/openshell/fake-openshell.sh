#!/bin/sh
# Fake `openshell` for the client tests (see fake-openshell.ts).
cred=-
if [ -n "$FAKE_CRED_NAME" ]; then
  if eval "[ -n \"\${$FAKE_CRED_NAME+x}\" ]"; then cred=1; else cred=0; fi
fi
line=""
for a in "$@"; do line="$line$a	"; done
printf '%scred=%s\n' "$line" "$cred" >> "$FAKE_LOG"

if [ "$1" = "--version" ]; then echo "openshell ${FAKE_VERSION:-0.1.5}"; exit 0; fi
gw=""
if [ "$1" = "-g" ]; then gw="$2"; shift 2; fi
json=0; pagesize=""; token=""; name=""; port=""; limit=""; offset=0
prev=""
for a in "$@"; do
  case "$prev" in
    -o) [ "$a" = json ] && json=1 ;;
    --limit) limit="$a" ;;
    --offset) offset="$a" ;;
    --page-size) pagesize="$a" ;;
    --page-token) token="$a" ;;
    --name) name="$a" ;;
    --port) port="$a" ;;
  esac
  prev="$a"
done
if [ -n "$FAKE_DOWN" ]; then
  printf 'Error:   × transport error\n  ├─▶ tcp connect error\n  ╰─▶ Connection refused (os error 111)\n' >&2
  exit 1
fi
esc=$(printf '\033')
item() {
  printf '{"annotations": {}, "created_at": "2026-05-01 09:00:00", "id": "id-%s", "labels": {}, "name": "%s", "phase": "Ready", "resource_version": 1, "workspace": "default"}' "$1" "$1"
}
case "$1 $2" in
  "status "*)
    if [ "$FAKE_STATUS" = none ]; then
      if [ $json = 1 ]; then echo '{"status": "not_configured"}'; else printf 'Gateway Status\n\n  Status: No gateway configured.\n'; fi
      exit 0
    fi
    if [ $json = 1 ]; then
      printf '{"gateway": "%s", "server": "https://127.0.0.1:17670", "status": "connected", "version": "%s"}\n' "${gw:-openshell}" "$FAKE_VERSION"
    else
      printf 'Server Status\n\n  %s[2mGateway:%s[0m %s\n  %s[2mServer:%s[0m https://127.0.0.1:8080\n  %s[2mStatus:%s[0m Connected\n' "$esc" "$esc" "${gw:-openshell}" "$esc" "$esc" "$esc" "$esc"
    fi
    exit 0 ;;
  "sandbox list")
    if [ -n "$FAKE_GARBAGE" ]; then printf '\007 segmentation of the soul\n'; exit 0; fi
    n=${FAKE_SANDBOXES:-0}
    if [ -n "$pagesize" ]; then
      size=$pagesize; max=${FAKE_PAGE_MAX:-1000}; [ "$size" -gt "$max" ] && size=$max
      start=${token:-0}; end=$((start + size)); [ $end -gt $n ] && end=$n
      next=""; [ $end -lt $n ] && next=$end
      printf '{"next_page_token": "%s", "sandboxes": [' "$next"
      i=$start; sep=""
      while [ $i -lt $end ]; do printf '%s' "$sep"; item "sbx-$i"; sep=", "; i=$((i + 1)); done
      printf ']}\n'
      [ -n "$next" ] && echo "Next page token: $next" >&2
    else
      # 0.0.x: --limit (default 100, capped by FAKE_LIMIT_MAX) / --offset; the rest is cut silently, as 0.0.111 does.
      lim=${limit:-100}; cap=${FAKE_LIMIT_MAX:-100000}; [ "$lim" -gt "$cap" ] && lim=$cap
      end=$((offset + lim)); [ $end -gt $n ] && end=$n
      if [ $json = 1 ]; then
        printf '['; i=$offset; sep=""
        while [ $i -lt $end ]; do printf '%s' "$sep"; item "sbx-$i"; sep=", "; i=$((i + 1)); done
        printf ']\n'
      elif [ "$n" = 0 ]; then
        echo 'No sandboxes found.'
      else
        echo 'NAME     NAMESPACE  CREATED              PHASE'
        i=$offset
        while [ $i -lt $end ]; do printf 'sbx-%-5s openshell  2026-03-20 10:11:12  Ready\n' "$i"; i=$((i + 1)); done
      fi
    fi
    exit 0 ;;
  "sandbox get")
    if [ "$3" = ghost ]; then
      printf 'Error:   × code: '"'"'Some requested entity was not found'"'"', message: "sandbox not found"\n' >&2; exit 1
    fi
    if [ $json = 1 ]; then printf '{"id": "x", "name": "%s", "phase": "Ready", "workspace": "default"}\n' "$3"
    else printf 'Sandbox:\n\n  Id: x\n  Name: %s\n  Namespace: openshell\n  Phase: Provisioning\n' "$3"; fi
    exit 0 ;;
  "sandbox delete") printf '✓ Deleted sandbox %s\n' "$3" >&2; exit 0 ;;
  "sandbox create") printf 'Created sandbox: %s\n' "$name"; exit 0 ;;
  "gateway start") printf '✓ Gateway ready\n  Name: %s\n  Endpoint: https://127.0.0.1:%s\n' "$name" "${port:-8080}"; exit 0 ;;
  "gateway info")
    if [ $json = 1 ]; then printf '{"auth": null, "compute_drivers": [], "gateway": "%s", "server": "https://127.0.0.1:17670", "status": "healthy", "version": "%s"}\n' "$gw" "$FAKE_VERSION"
    else printf 'Gateway Info\n\n  Gateway: %s\n  Gateway endpoint: https://127.0.0.1:8080\n' "$gw"; fi
    exit 0 ;;
  "gateway select") printf "✓ Active gateway set to '%s'\n⚠ OPENSHELL_GATEWAY=other overrides the active gateway\n" "$3" >&2; exit 0 ;;
  "gateway add") printf "✓ Gateway '%s' added and set as active\n⚠ Gateway is not reachable at %s\n" "$name" "$3" >&2; exit 0 ;;
  "provider create") printf '✓ Created provider %s\n' "$name" >&2; exit 0 ;;
  "provider get")
    if [ "$3" = ghost ]; then
      printf 'Error:   × code: '"'"'Some requested entity was not found'"'"', message: "provider not found"\n' >&2; exit 1
    fi
    printf 'Provider:\n\n  Id: pid-1\n  Name: %s\n  Type: openai\n  Resource version: 2\n  Credential keys: OPENAI_API_KEY\n  Config keys: OPENAI_BASE_URL\n' "$3"; exit 0 ;;
  "provider update") printf '✓ Updated provider %s\n' "$3"; exit 0 ;;
  "inference set")
    if [ -n "$FAKE_UNVERIFIED" ]; then
      printf "Error:   × failed to verify inference endpoint for provider 'p' and model 'm' at 'http://127.0.0.1:9/v1': failed to connect\n" >&2; exit 1
    fi
    printf 'Inference configured:\n\n  Provider: p\n  Model: m\n'; exit 0 ;;
  "inference get") printf 'Inference:\n\n  Provider: nvidia\n  Model: m1\n'; exit 0 ;;
  "logs "*) printf 'line1\nline2\n'; exit 0 ;;
esac
printf "error: unrecognized subcommand '%s'\n" "$1" >&2
exit 2
