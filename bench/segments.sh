#!/usr/bin/env bash
# Segmented downloads (issue #14, part 1): pyget against `curl | tar` when a
# server paces each response, as CDN edges and shaping proxies do. The fault
# server (internal/faultserver) serves the real CPython 3.14.6 archive over
# HTTP/1.1 on loopback. Prints Markdown table rows:
#
#   (a) a clean install, default connections, each response paced at 5 MB/s,
#       vs `curl -s URL | tar -xz` (alternated pairs, median of pair ratios;
#       goal <= 0.30x, issue 25), and the tail: from the server's last body
#       byte to the install's end (median; goal <= 0.5 s);
#   (a') the same with a 50 ms first-byte delay on every response (goal
#       <= 0.33x);
#   (b) the same with a reset 1 MiB into the third response (a piece: the
#       first is the warm-up's): body bytes the server sent / the archive's
#       size (goal <= 1.05x);
#   (c) unpaced loopback: PYGET_CONNECTIONS=4 vs 1 (alternated pairs, median
#       of pair ratios; goal: as fast, about 1.0x).
#
#   bench/segments.sh [PAIRS]   # PAIRS alternated pairs (default 5)
#
# SEG_SETTLE (seconds, default 65) is how long earlier deletions are let age
# before (a); each run's tree is set aside, not deleted (aside, bench/lib.sh):
# an `rm -rf` of the previous install just before each run made the
# extractor's last files, written after the last byte, measure the
# benchmark's own cleanup as the tail (BENCHMARKS.md).
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

# start_server PACE FAULTS [FIRST_BYTE]: the fault server on a free port;
# sets FURL.
start_server() {
  local pace=() faults=() first=()
  [ -n "$1" ] && pace=(-pace "$1")
  [ -n "$2" ] && faults=(-faults "$2")
  [ -n "${3:-}" ] && first=(-first-byte "$3")
  "$W/faultserver" -root "$FIX" -proto h1 -addr 127.0.0.1:0 "${pace[@]}" "${faults[@]}" "${first[@]}" > "$W/fault.out" 2> "$W/fault.log" &
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

# last_byte_ns: when the server finished its last response (it logs each
# request, on one line, once the request is done): the log's mtime.
last_byte_ns() { stat -c %.9Y "$W/fault.log" | tr -d .; }

# paced_pairs TAG FIRST_BYTE: (a) or (a'): alternated pairs of curl | tar and
# a clean install against a server pacing each response (and delaying each
# first byte); sets P_P, P_C, P_R (medians: pyget, curl | tar, pair ratios),
# P_TAIL (median seconds from the server's last body byte to pyget's end)
# and P_CONNS (the connections pyget's -v reported, last run).
paced_pairs() {
  local tag=$1 first=$2
  start_server "$PACE" "" "$first"
  URL="$FURL/20260610/${ASSET//+/%2B}"
  : > "$W/$tag.p"; : > "$W/$tag.c"; : > "$W/$tag.r"; : > "$W/$tag.t"
  for i in $(seq "$PAIRS"); do
    aside
    timed sh -c "curl -s '$URL' | tar -xz -C '$W/run/tar'"; CT=$T
    aside
    sleep 0.2 # the server logs curl's request once it is done with it
    install_cmd; timed "${CMD[@]}"; PT=$T
    sleep 0.2
    TAIL=$(awk -v a="$(last_byte_ns)" -v b="$TEND" 'BEGIN {printf "%.3f", (b-a)/1e9}')
    echo "$CT" >> "$W/$tag.c"; echo "$PT" >> "$W/$tag.p"; echo "$TAIL" >> "$W/$tag.t"
    ratio "$PT" "$CT" >> "$W/$tag.r"; echo >> "$W/$tag.r"
    log "  pair $i: curl|tar ${CT}s, pyget ${PT}s, tail ${TAIL}s"
  done
  P_CONNS=$(sed -n 's/.* over \([0-9]*\) connection.*/\1/p' "$W/cmd.err" | tail -1)
  stop_server
  P_P=$(median < "$W/$tag.p"); P_C=$(median < "$W/$tag.c"); P_R=$(grep . "$W/$tag.r" | median); P_TAIL=$(median < "$W/$tag.t")
}

# --- (a) paced: pyget (default connections) vs curl | tar ----------------------
# Earlier deletions (other runs, the build's temp files) age first.
log "letting earlier deletions age (${SEG_SETTLE:-65} s)"
settle "${SEG_SETTLE:-65}"
log "(a) each response paced at $PACE: clean install vs curl | tar ($PAIRS alternated pairs)"
paced_pairs a ""
A_P=$P_P; A_C=$P_C; A_R=$P_R; A_TAIL=$P_TAIL; A_CONNS=$P_CONNS

# --- (a') the same with a 50 ms first-byte delay ---------------------------------
log "(a') paced at $PACE and a 50 ms first-byte delay on every response ($PAIRS alternated pairs)"
paced_pairs d 50ms
D_P=$P_P; D_C=$P_C; D_R=$P_R; D_TAIL=$P_TAIL

# --- (b) paced, a reset in one response: bytes on the wire / size ------------------
log "(b) paced at $PACE, a reset 1 MiB into the third response"
aside
start_server "$PACE" "none,none,reset@1MiB"
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
  aside; install_cmd PYGET_CONNECTIONS=1; timed "${CMD[@]}"; T1=$T
  aside; install_cmd PYGET_CONNECTIONS=4; timed "${CMD[@]}"; T4=$T
  echo "$T1" >> "$W/c.1"; echo "$T4" >> "$W/c.4"; ratio "$T4" "$T1" >> "$W/c.r"; echo >> "$W/c.r"
  log "  pair $i: 1 connection ${T1}s, 4 connections ${T4}s"
done
stop_server
C_4=$(median < "$W/c.4"); C_1=$(median < "$W/c.1"); C_R=$(grep . "$W/c.r" | median)

MIB=$(awk -v s="$SIZE" 'BEGIN {printf "%.1f", s/1048576}')
echo "| segments (a): clean install, each response paced at $PACE, ${MIB} MiB, ${A_CONNS} connections | pyget ${A_P} s vs curl \| tar ${A_C} s (median of $PAIRS pairs); ${A_TAIL} s from the server's last byte to the install's end | ${A_R}x (goal ≤ 0.30x; tail ≤ 0.5 s) |"
echo "| segments (a'): the same with a 50 ms first-byte delay on every response | pyget ${D_P} s vs curl \| tar ${D_C} s (median of $PAIRS pairs); tail ${D_TAIL} s | ${D_R}x (goal ≤ 0.33x) |"
echo "| segments (b): paced, a reset in one response | ${B_SENT} bytes sent in ${B_REQS} responses for ${SIZE}, ${B_FAULTS} fault(s), ${BT} s | ${B_R}x on the wire (goal ≤ 1.05x) |"
echo "| segments (c): unpaced loopback, PYGET_CONNECTIONS=4 vs 1 | ${C_4} s vs ${C_1} s (median of $PAIRS pairs) | ${C_R}x (goal ≈ 1.0x) |"
