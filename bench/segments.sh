#!/usr/bin/env bash
# Segmented downloads (issue #14, part 1): pyget against `curl | tar` when a
# server paces each response, as CDN edges and shaping proxies do. The fault
# server (internal/faultserver) serves the real CPython 3.14.6 archive over
# HTTP/1.1 on loopback. Prints Markdown table rows:
#
#   (a) a clean install, default connections, each response paced at 5 MB/s,
#       vs `curl -s URL | tar -xz` (alternated pairs, median of pair ratios;
#       goal <= 0.4x);
#   (b) the same with a reset in one of the responses: body bytes the server
#       sent / the archive's size (goal <= 1.1x);
#   (c) unpaced loopback: PYGET_CONNECTIONS=4 vs 1 (alternated pairs, median
#       of pair ratios; goal: as fast, about 1.0x).
#
#   bench/segments.sh [PAIRS]   # PAIRS alternated pairs (default 5)
#
# Standalone (bench/bench.sh may call it). Needs: go, curl, tar, python3, /usr/bin/time. The
# fixture comes from `make fixture` (tools/fixture). Everything runs on
# 127.0.0.1 in a temp dir that is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${1:-5}
PACE=${PYGET_BENCH_PACE:-5MB}
W=$(mktemp -d /tmp/pyget-segbench.XXXXXX)
FAULT_PID=""
cleanup() {
  [ -n "$FAULT_PID" ] && kill "$FAULT_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$W"
}
trap cleanup EXIT
log() { echo "segments: $*" >&2; }

log "building pyget, the fault server and the fixture"
source bench/lib.sh
build_all

# start_server PACE FAULTS: the fault server on a free port; sets FURL.
start_server() {
  local pace=() faults=()
  [ -n "$1" ] && pace=(-pace "$1")
  [ -n "$2" ] && faults=(-faults "$2")
  "$W/faultserver" -root "$FIX" -proto h1 -addr 127.0.0.1:0 "${pace[@]}" "${faults[@]}" > "$W/fault.out" 2> "$W/fault.log" &
  FAULT_PID=$!
  for _ in $(seq 100); do grep -q 'listening on' "$W/fault.out" 2>/dev/null && break; sleep 0.05; done
  FURL=$(sed -n 's/^listening on //p' "$W/fault.out" | head -1)
}
stop_server() { kill "$FAULT_PID" 2>/dev/null || true; wait "$FAULT_PID" 2>/dev/null || true; FAULT_PID=""; }
# sent_bytes: body bytes the server sent, all requests (its log's [N bytes]).
sent_bytes() { sed -n 's/.*\[\([0-9]*\) bytes\]$/\1/p' "$W/fault.log" | awk '{s+=$1} END {print s+0}'; }
# install_cmd [VAR=VALUE...]: sets CMD to a clean install from the fault
# server, -v (faults on stderr), with those variables added to its
# environment.
install_cmd() { CMD=("${PENV[@]}" "$@" "$W/pyget" install 3.14 -v --mirror "$FURL" --downloads-json "$FIX/catalog.json"); }

# --- (a) paced: pyget (default connections) vs curl | tar ----------------------
log "(a) each response paced at $PACE: clean install vs curl | tar ($PAIRS alternated pairs)"
start_server "$PACE" ""
URL="$FURL/20260610/${ASSET//+/%2B}"
: > "$W/a.p"; : > "$W/a.c"; : > "$W/a.r"
for i in $(seq "$PAIRS"); do
  fresh
  timed sh -c "curl -s '$URL' | tar -xz -C '$W/run/tar'"; CT=$T
  fresh
  install_cmd; timed "${CMD[@]}"; PT=$T
  echo "$CT" >> "$W/a.c"; echo "$PT" >> "$W/a.p"; ratio "$PT" "$CT" >> "$W/a.r"; echo >> "$W/a.r"
  log "  pair $i: curl|tar ${CT}s, pyget ${PT}s"
done
stop_server
A_P=$(median < "$W/a.p"); A_C=$(median < "$W/a.c"); A_R=$(grep . "$W/a.r" | median)

# --- (b) paced, a reset in one response: bytes on the wire / size ------------------
log "(b) paced at $PACE, a reset 2 MiB into the third response"
fresh
start_server "$PACE" "none,none,reset@2MiB"
install_cmd; timed "${CMD[@]}"; BT=$T
B_FAULTS=$(grep -c 'resuming\|retrying' "$W/cmd.err" || true)
sleep 0.3 # the server logs a request once it is done with it
B_SENT=$(sent_bytes); B_REQS=$(grep -c '\[' "$W/fault.log" || true)
stop_server
B_R=$(ratio "$B_SENT" "$SIZE")

# --- (c) unpaced loopback: 4 connections vs 1 -----------------------------------
log "(c) unpaced loopback: PYGET_CONNECTIONS=4 vs 1 ($PAIRS alternated pairs)"
start_server "" ""
: > "$W/c.4"; : > "$W/c.1"; : > "$W/c.r"
for i in $(seq "$PAIRS"); do
  fresh; install_cmd PYGET_CONNECTIONS=1; timed "${CMD[@]}"; T1=$T
  fresh; install_cmd PYGET_CONNECTIONS=4; timed "${CMD[@]}"; T4=$T
  echo "$T1" >> "$W/c.1"; echo "$T4" >> "$W/c.4"; ratio "$T4" "$T1" >> "$W/c.r"; echo >> "$W/c.r"
  log "  pair $i: 1 connection ${T1}s, 4 connections ${T4}s"
done
stop_server
C_4=$(median < "$W/c.4"); C_1=$(median < "$W/c.1"); C_R=$(grep . "$W/c.r" | median)

MIB=$(awk -v s="$SIZE" 'BEGIN {printf "%.1f", s/1048576}')
echo "| segments (a): clean install, each response paced at $PACE, ${MIB} MiB | pyget ${A_P} s vs curl \| tar ${A_C} s (median of $PAIRS pairs) | ${A_R}x (goal ≤ 0.4x) |"
echo "| segments (b): the same with a reset in one response | ${B_SENT} bytes sent in ${B_REQS} responses for ${SIZE}, ${B_FAULTS} fault(s), ${BT} s | ${B_R}x on the wire (goal ≤ 1.1x) |"
echo "| segments (c): unpaced loopback, PYGET_CONNECTIONS=4 vs 1 | ${C_4} s vs ${C_1} s (median of $PAIRS pairs) | ${C_R}x (goal ≈ 1.0x) |"
