#!/usr/bin/env bash
# Benchmarks for pyget against the shell pipeline that is the practical limit
# on one machine (`curl | tar`), on the real CPython 3.14.6 archive served from
# loopback by nginx. Prints a Markdown report (the source of BENCHMARKS.md).
#
#   bench/bench.sh [PAIRS]     # PAIRS alternated clean-install pairs (default 7)
#   BENCH_ONLY=inflate bench/bench.sh   # only section 8 (issue 14 part 2), its own table
#
# Needs: go, curl, tar, nginx, /usr/bin/time. Everything runs on 127.0.0.1 in
# a temp dir that is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${1:-7}
ROOT=$(pwd)
W=$(mktemp -d /tmp/pyget-bench.XXXXXX)
NGINX_PID=""; FAULT_PID=""
cleanup() {
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
  [ -n "$FAULT_PID" ] && kill "$FAULT_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$W"
}
trap cleanup EXIT

log() { echo "bench: $*" >&2; }

# --- build -----------------------------------------------------------------
log "building pyget, the fault server and the fixture"
source bench/lib.sh
build_all

# --- nginx on a free loopback port -------------------------------------------
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(freeport); PORT2=$(freeport)
mkdir -p "$W/nginx/logs" "$W/nginx/tmp"
cat > "$W/nginx/nginx.conf" <<CONF
$( [ "$(id -u)" = 0 ] && echo "user root;" )
worker_processes 1;
daemon off;
pid $W/nginx/nginx.pid;
error_log $W/nginx/logs/error.log;
events { worker_connections 256; }
http {
  access_log $W/nginx/logs/access.log;
  client_body_temp_path $W/nginx/tmp; proxy_temp_path $W/nginx/tmp;
  fastcgi_temp_path $W/nginx/tmp; uwsgi_temp_path $W/nginx/tmp; scgi_temp_path $W/nginx/tmp;
  sendfile on;
  types { application/gzip gz; application/zstd zst; }
  server { listen 127.0.0.1:$PORT; root $FIX; location /big/ { alias $W/big/; } location /m4/ { alias $W/m4/; } }
  # The same files at 100 Mbit/s, a typical real link.
  server { listen 127.0.0.1:$PORT2; root $FIX; limit_rate 12500k; location /m4/ { alias $W/m4/; } }
}
CONF
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
"$NGINX" -p "$W/nginx" -c "$W/nginx/nginx.conf" &
NGINX_PID=$!
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/20260610/" && break; curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done
MIRROR="http://127.0.0.1:$PORT"
URL="$MIRROR/20260610/${ASSET//+/%2B}"


# --- 8: bound by inflate (issue 14 part 2) --------------------------------------------
# gzip -dc ARCHIVE >/dev/null is the floor: inflate alone, on one core. Each
# round times it before a clean loopback install and again before a
# reinstall from the archive cache (--reinstall: extract, swap, remove the
# old tree), so every ratio compares runs made moments apart.
#
# Creating files soon after many deletions is slow on this machine's ext4
# (recently_deleted was 20% of a reinstall's perf samples; see settle and
# aside in lib.sh), so the section first lets the deletions of earlier
# sections age (INFLATE_SETTLE seconds, default 65; the full run does this
# section first) and sets each round's trees aside, deleting them only at
# its end. The one deletion left is the one a reinstall makes itself (the
# old tree, after the swap).
inflate_section() {
  local pairs=${INFLATE_PAIRS:-5} g1 g2 cl re
  log "8. bound by inflate: gzip -dc vs clean install and vs reinstall from the cache ($pairs alternated rounds)"
  : > "$W/gz.t"; : > "$W/icl.t"; : > "$W/ire.t"; : > "$W/iclr.t"; : > "$W/irer.t"; : > "$W/i.rss"
  settle "${INFLATE_SETTLE:-65}"
  for i in $(seq "$pairs"); do
    aside
    timed gzip -dc "$FIX/20260610/$ASSET"; g1=$T
    timed "${PENV[@]}" "$W/pyget" install 3.14 --mirror "$MIRROR" --downloads-json "$FIX/catalog.json"; cl=$T; echo "$RSS" >> "$W/i.rss"
    timed gzip -dc "$FIX/20260610/$ASSET"; g2=$T
    # An unreachable mirror: the archive can only come from the cache.
    timed "${PENV[@]}" "$W/pyget" install --reinstall 3.14 --mirror http://127.0.0.1:1 --downloads-json "$FIX/catalog.json"; re=$T; echo "$RSS" >> "$W/i.rss"
    printf '%s\n%s\n' "$g1" "$g2" >> "$W/gz.t"; echo "$cl" >> "$W/icl.t"; echo "$re" >> "$W/ire.t"
    ratio "$cl" "$g1" >> "$W/iclr.t"; echo >> "$W/iclr.t"; ratio "$re" "$g2" >> "$W/irer.t"; echo >> "$W/irer.t"
    log "  round $i: gzip -dc ${g1}s, clean install ${cl}s; gzip -dc ${g2}s, reinstall ${re}s"
  done
  GZ_MED=$(median < "$W/gz.t"); ICL_MED=$(median < "$W/icl.t"); IRE_MED=$(median < "$W/ire.t")
  ICLR_MED=$(grep . "$W/iclr.t" | median); IRER_MED=$(grep . "$W/irer.t" | median)
  IRSS_MAX=$(sort -g "$W/i.rss" | tail -1)
  rm -rf "$W/aside"
  INFLATE_PAIRS_RUN=$pairs
}
# The same rounds with the install, bin and cache dirs on tmpfs (/dev/shm),
# when there is one: the disk left out, what remains is the pipeline itself
# (a diagnostic, no goal of its own).
inflate_tmpfs_section() {
  local pairs=${INFLATE_PAIRS:-5} g1 g2 cl re shm
  : > "$W/tgz.t"; : > "$W/tclr.t"; : > "$W/trer.t"; : > "$W/tcl.t"; : > "$W/tre.t"
  TMPFS_ROWS=""
  [ -d /dev/shm ] && [ -w /dev/shm ] || return 0
  log "8d/e. the same rounds on tmpfs"
  for i in $(seq "$pairs"); do
    shm=$(mktemp -d /dev/shm/pyget-bench.XXXXXX)
    rm -rf "$W/run"; ln -s "$shm" "$W/run"
    mkdir -p "$W/run/install" "$W/run/bin" "$W/run/cache" "$W/run/tar"
    timed gzip -dc "$FIX/20260610/$ASSET"; g1=$T
    timed "${PENV[@]}" "$W/pyget" install 3.14 --mirror "$MIRROR" --downloads-json "$FIX/catalog.json"; cl=$T
    timed gzip -dc "$FIX/20260610/$ASSET"; g2=$T
    timed "${PENV[@]}" "$W/pyget" install --reinstall 3.14 --mirror http://127.0.0.1:1 --downloads-json "$FIX/catalog.json"; re=$T
    rm -rf "$shm" "$W/run"
    printf '%s\n%s\n' "$g1" "$g2" >> "$W/tgz.t"; echo "$cl" >> "$W/tcl.t"; echo "$re" >> "$W/tre.t"
    ratio "$cl" "$g1" >> "$W/tclr.t"; echo >> "$W/tclr.t"; ratio "$re" "$g2" >> "$W/trer.t"; echo >> "$W/trer.t"
    log "  round $i: gzip -dc ${g1}s, clean install ${cl}s; gzip -dc ${g2}s, reinstall ${re}s"
  done
  TMPFS_ROWS="| 8d | 8a with the install and cache dirs on tmpfs (diagnostic: the disk left out) | $(median < "$W/tcl.t") s ($(spread < "$W/tcl.t")) | $(median < "$W/tgz.t") s | median of pair ratios $(grep . "$W/tclr.t" | median) | |
| 8e | 8b on tmpfs | $(median < "$W/tre.t") s ($(spread < "$W/tre.t")) | $(median < "$W/tgz.t") s | median of pair ratios $(grep . "$W/trer.t" | median) | |"
}
inflate_rows() {
  cat <<ROWS
| 8a | clean loopback install vs \`gzip -dc ARCHIVE >/dev/null\` ($INFLATE_PAIRS_RUN alternated pairs) | $ICL_MED s ($(spread < "$W/icl.t")) | $GZ_MED s ($(spread < "$W/gz.t")) | median of pair ratios $ICLR_MED | ≤ 1.2 |
| 8b | \`install --reinstall\` from the archive cache vs \`gzip -dc\` (same rounds) | $IRE_MED s ($(spread < "$W/ire.t")) | $GZ_MED s | median of pair ratios $IRER_MED | ≤ 1.1 |
| 8c | peak RSS of those installs (max of $((2 * INFLATE_PAIRS_RUN))) | $((IRSS_MAX / 1024)) MiB | | | ≤ 64 MiB |
$TMPFS_ROWS
ROWS
}
if [ "${BENCH_ONLY:-}" = inflate ]; then
  inflate_section
  inflate_tmpfs_section
  cat <<REPORT
## Section 8 alone, $(date -u +%Y-%m-%d) on $(nproc) cores, $(uname -sr)

Archive: \`$ASSET\` ($(awk -v s="$SIZE" 'BEGIN {printf "%.1f", s/1048576}') MiB), nginx on 127.0.0.1; $(gzip --version | head -1).

| # | measure | pyget | baseline | ratio | goal |
|---|---|---|---|---|---|
$(inflate_rows)
REPORT
  exit 0
fi
# The full run measures it first, before the other sections' deletions.
inflate_section
inflate_tmpfs_section

# --- 0: the transfer alone vs curl -o ------------------------------------------------
# On a 256 MiB file, so throughput rather than process start-up is measured.
log "0. transfer alone vs curl -o ($PAIRS alternated pairs, 256 MiB), and resets every 4 MiB"
go build -o "$W/transfer" ./bench/transfer
SHA=$(python3 -c 'import json,sys; print(next(iter(json.load(open(sys.argv[1])).values()))["sha256"])' "$FIX/catalog.json")
mkdir -p "$W/big"
head -c $((256 << 20)) /dev/urandom > "$W/big/blob.bin"
BIG_SHA=$(sha256sum "$W/big/blob.bin" | cut -d' ' -f1)
BIG_URL="$MIRROR/big/blob.bin"
: > "$W/tr.t"; : > "$W/co.t"; : > "$W/trratio.t"
for i in $(seq "$PAIRS"); do
  rm -rf "$W/tcache" "$W/curl.o"
  timed curl -s -o "$W/curl.o" "$BIG_URL"; CO=$T
  rm -f "$W/curl.o"
  timed "$W/transfer" -url "$BIG_URL" -sha256 "$BIG_SHA" -cache "$W/tcache"; TR=$T
  echo "$CO" >> "$W/co.t"; echo "$TR" >> "$W/tr.t"; ratio "$TR" "$CO" >> "$W/trratio.t"; echo >> "$W/trratio.t"
done
TR_MED=$(median < "$W/tr.t"); CO_MED=$(median < "$W/co.t"); TRR_MED=$(grep . "$W/trratio.t" | median)

# --- 1 + 2: clean install vs curl | tar, peak memory -------------------------------
log "1. clean install vs curl | tar ($PAIRS alternated pairs)"
: > "$W/pyget.t"; : > "$W/curl.t"; : > "$W/pyget.rss"; : > "$W/ratio.t"
for i in $(seq "$PAIRS"); do
  fresh
  timed sh -c "curl -s '$URL' | tar -xz -C '$W/run/tar'"; CT=$T
  fresh
  timed "${PENV[@]}" "$W/pyget" install 3.14 --mirror "$MIRROR" --downloads-json "$FIX/catalog.json"; PT=$T
  echo "$CT" >> "$W/curl.t"; echo "$PT" >> "$W/pyget.t"; echo "$RSS" >> "$W/pyget.rss"
  ratio "$PT" "$CT" >> "$W/ratio.t"; echo >> "$W/ratio.t"
  log "  pair $i: curl|tar ${CT}s, pyget ${PT}s (${RSS} KiB peak)"
done
P_MED=$(median < "$W/pyget.t"); C_MED=$(median < "$W/curl.t")
R_MED=$(grep . "$W/ratio.t" | median)
RSS_MAX=$(sort -g "$W/pyget.rss" | tail -1)

# --- 3: resets every 8 MiB ------------------------------------------------------------
log "3. a mid-body reset every 8 MiB"
FAULTS=$(for _ in $(seq $(( SIZE / 8388608 + 1 ))); do printf 'reset@8MiB,'; done)
start_faults() {
  "$W/faultserver" -root "$FIX" -proto h1 -addr 127.0.0.1:0 -faults "${FAULTS%,}" > "$W/fault.out" 2> "$W/fault.log" &
  FAULT_PID=$!
  for _ in $(seq 100); do grep -q 'listening on' "$W/fault.out" 2>/dev/null && break; sleep 0.05; done
  FURL=$(sed -n 's/^listening on //p' "$W/fault.out" | head -1)
}
stop_faults() { kill "$FAULT_PID" 2>/dev/null || true; wait "$FAULT_PID" 2>/dev/null || true; FAULT_PID=""; }
sent_bytes() { sed -n 's/.*\[\([0-9]*\) bytes\]$/\1/p' "$W/fault.log" | awk '{s+=$1} END {print s+0}'; }
fresh; start_faults
timed "${PENV[@]}" "$W/pyget" install 3.14 -v --mirror "$FURL" --downloads-json "$FIX/catalog.json"; FT=$T
FAULTS_SEEN=$(grep -c 'resuming\|retrying' "$W/cmd.err" || true)
# The backoff sleeps pyget announced (-v): "resuming in 412ms", "retrying in 1.2s".
BACKOFF=$(grep -o 'in [0-9.]*m\?s (attempt' "$W/cmd.err" | awk '{v=$2; if (v ~ /ms$/) {sub(/ms$/,"",v); s+=v/1000} else {sub(/s$/,"",v); s+=v}} END {printf "%.3f", s}')
sleep 0.3 # the server logs a request once its handler returns
PYGET_WIRE=$(sent_bytes)
stop_faults
fresh; start_faults
CURL_OK=yes
# curl cannot take back what it already piped into tar, so it writes a file;
# each retry starts again from byte zero.
timed curl -s -o "$W/run/curl.out" --retry 10 --retry-all-errors --retry-delay 1 "$FURL/20260610/${ASSET//+/%2B}" || CURL_OK=no
CURL_FT=$T
sleep 0.3
CURL_WIRE=$(sent_bytes)
stop_faults

# The transfer alone under a reset every 4 MiB.
FAULTS=$(for _ in $(seq $(( SIZE / 4194304 + 1 ))); do printf 'reset@4MiB,'; done)
start_faults
rm -rf "$W/tcache"
"$W/transfer" -url "$FURL/20260610/${ASSET//+/%2B}" -sha256 "$SHA" -cache "$W/tcache" > "$W/tr4.out"
sleep 0.3
TR4_WIRE=$(sent_bytes); TR4_FAULTS=$(sed 's/.*, \([0-9]*\) faults/\1/' "$W/tr4.out")
stop_faults

# --- 4: three builds at once vs one after another --------------------------------------
log "4. pyget install 3.12 3.13 3.14 vs three in a row"
: > "$W/par.t"; : > "$W/seq.t"
for i in 1 2 3; do
  fresh
  timed "${PENV[@]}" "$W/pyget" install 3.12 3.13 3.14 --mirror "$MIRROR" --downloads-json "$FIX/catalog-multi.json"; echo "$T" >> "$W/par.t"
  fresh
  S=0
  for v in 3.12 3.13 3.14; do
    # A separate cache per build, as three different archives would have.
    timed "${PENV[@]}" PYGET_CACHE_DIR="$W/run/cache-$v" "$W/pyget" install "$v" --mirror "$MIRROR" --downloads-json "$FIX/catalog-multi.json"
    S=$(awk -v a="$S" -v b="$T" 'BEGIN {print a+b}')
  done
  echo "$S" >> "$W/seq.t"
done
PAR_MED=$(median < "$W/par.t"); SEQ_MED=$(median < "$W/seq.t")

# --- 5: find with ten builds, list on the real catalog ------------------------------------
log "5. find with ten builds installed; list --only-downloads on the full catalog"
fresh
python3 - "$FIX/catalog.json" "$W/catalog-ten.json" <<'PY'
import json, sys
src = json.load(open(sys.argv[1]))
(key, e), = [(k, v) for k, v in src.items()]
out = {}
for minor in range(5, 15):
    d = dict(e, minor=minor, patch=99 if minor != 14 else e["patch"])
    out[key.replace("3.14.6", "3.%d.%d" % (minor, d["patch"]))] = d
json.dump(out, open(sys.argv[2], "w"))
PY
"${PENV[@]}" "$W/pyget" install 3.5 3.6 3.7 3.8 3.9 3.10 3.11 3.12 3.13 3.14 --mirror "$MIRROR" --downloads-json "$W/catalog-ten.json" >/dev/null 2>&1
: > "$W/find.t"
for _ in $(seq 20); do timed "${PENV[@]}" "$W/pyget" find 3.14; echo "$T" >> "$W/find.t"; done
FIND_MED=$(median < "$W/find.t")
SHARED="$ROOT/../shared/data/uv-download-metadata.json"
LIST_MED="n/a (no ../shared catalog)"
if [ -f "$SHARED" ]; then
  "${PENV[@]}" "$W/pyget" list --only-downloads --downloads-json "$SHARED" >/dev/null
  : > "$W/list.t"
  for _ in $(seq 20); do timed "${PENV[@]}" "$W/pyget" list --only-downloads --downloads-json "$SHARED"; echo "$T" >> "$W/list.t"; done
  LIST_MED=$(median < "$W/list.t")
fi

# --- 6: reinstall from the archive cache ---------------------------------------------------
log "6. install from the verified archive cache vs from the network (loopback, and 100 Mbit/s)"
: > "$W/net.t"; : > "$W/cache.t"; : > "$W/slow.t"; : > "$W/swap.t"
for i in 1 2 3 4 5; do
  fresh
  timed "${PENV[@]}" "$W/pyget" install 3.14 --mirror "$MIRROR" --downloads-json "$FIX/catalog.json"; echo "$T" >> "$W/net.t"
  "${PENV[@]}" "$W/pyget" uninstall 3.14 >/dev/null 2>&1
  timed "${PENV[@]}" "$W/pyget" install 3.14 --mirror http://127.0.0.1:1 --downloads-json "$FIX/catalog.json"; echo "$T" >> "$W/cache.t"
  timed "${PENV[@]}" "$W/pyget" install --reinstall 3.14 --mirror http://127.0.0.1:1 --downloads-json "$FIX/catalog.json"; echo "$T" >> "$W/swap.t"
  fresh
  timed "${PENV[@]}" "$W/pyget" install 3.14 --mirror "http://127.0.0.1:$PORT2" --downloads-json "$FIX/catalog.json"; echo "$T" >> "$W/slow.t"
done
NET_MED=$(median < "$W/net.t"); CACHE_MED=$(median < "$W/cache.t"); SLOW_MED=$(median < "$W/slow.t"); SWAP_MED=$(median < "$W/swap.t")

# --- 7: pyget mirror of four builds vs curl one by one -----------------------------------------
# Four distinct archives (the fixture with a different trailing byte each:
# mirroring verifies, it does not extract) under one release, and a catalog
# listing them as 3.11-3.14.
log "7. pyget mirror of four builds vs curl -o of each in turn (loopback, and 100 Mbit/s per connection)"
mkdir -p "$W/m4/20260610"
python3 - "$FIX/catalog.json" "$FIX/20260610/$ASSET" "$W/m4" <<'PY'
import hashlib, json, sys
src, asset, out = sys.argv[1], sys.argv[2], sys.argv[3]
(key, e), = json.load(open(src)).items()
data = open(asset, "rb").read()
cat = {}
for minor in (11, 12, 13, 14):
    name = asset.rsplit("/", 1)[1].replace("3.14.6", "3.%d.99" % minor)
    body = data + bytes([minor])
    open("%s/20260610/%s" % (out, name), "wb").write(body)
    d = dict(e, minor=minor, patch=99, sha256=hashlib.sha256(body).hexdigest(),
             url=e["url"].rsplit("/", 1)[0] + "/" + name.replace("+", "%2B"))
    cat[key.replace("3.14.6", "3.%d.99" % minor)] = d
json.dump(cat, open(out + "/catalog.json", "w"))
PY
M4_NAMES=$(cd "$W/m4/20260610" && ls)
cat > "$W/curl4.sh" <<'SH'
base=$1; dir=$2; shift 2
for n in "$@"; do curl -sf -o "$dir/$n" "$base/20260610/$(printf %s "$n" | sed 's/+/%2B/g')" || exit 1; done
SH
mirror_run() { # BASE: pyget mirror of the four builds into a fresh folder and cache
  rm -rf "$W/run/mir" "$W/run/cache"
  timed "${PENV[@]}" "$W/pyget" mirror "$W/run/mir" 3.11 3.12 3.13 3.14 --platform linux-x86_64-gnu --mirror "$1" --downloads-json "$W/m4/catalog.json"
}
curl_run() { # BASE: curl -o of each archive, one after another
  rm -rf "$W/run/curl4"; mkdir -p "$W/run/curl4"
  # shellcheck disable=SC2086 # the names have no blanks
  timed sh "$W/curl4.sh" "$1" "$W/run/curl4" $M4_NAMES
}
: > "$W/mir.t"; : > "$W/c4.t"; : > "$W/mirslow.t"; : > "$W/c4slow.t"
for i in 1 2 3; do
  fresh
  curl_run "$MIRROR/m4"; echo "$T" >> "$W/c4.t"
  mirror_run "$MIRROR/m4"; echo "$T" >> "$W/mir.t"
  curl_run "http://127.0.0.1:$PORT2/m4"; echo "$T" >> "$W/c4slow.t"
  mirror_run "http://127.0.0.1:$PORT2/m4"; echo "$T" >> "$W/mirslow.t"
done
MIR_MED=$(median < "$W/mir.t"); C4_MED=$(median < "$W/c4.t"); MIRS_MED=$(median < "$W/mirslow.t"); C4S_MED=$(median < "$W/c4slow.t")


# --- report ----------------------------------------------------------------------------------
MIB=$(awk -v s="$SIZE" 'BEGIN {printf "%.1f", s/1048576}')
cat <<REPORT
## Run of $(date -u +%Y-%m-%d) on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)

Archive: \`$ASSET\` ($MIB MiB), served by nginx $("$NGINX" -v 2>&1 | sed 's/.*\///') on 127.0.0.1 (HTTP/1.1).
Times are wall-clock seconds (nanosecond clock around each command); medians with the range. Peak memory from \`/usr/bin/time\`.

| # | measure | pyget | baseline | ratio | goal |
|---|---|---|---|---|---|
| 0a | transfer alone (fetch + sha256 + a reader) vs \`curl -s -o\`, 256 MiB file ($PAIRS alternated pairs) | $TR_MED s ($(spread < "$W/tr.t")) | $CO_MED s ($(spread < "$W/co.t")) | median of pair ratios $TRR_MED (throughput $(awk -v r="$TRR_MED" 'BEGIN {printf "%.2f", 1/r}')x curl's) | throughput ≥ 0.9x |
| 0b | transfer alone, a reset every 4 MiB: bytes on the wire | $TR4_WIRE B ($(ratio "$TR4_WIRE" "$SIZE")x), $TR4_FAULTS faults recovered | | | ≤ 1.05x |
| 1 | clean install vs \`curl -s URL \| tar -xz\` ($PAIRS alternated pairs) | $P_MED s ($(spread < "$W/pyget.t")) | $C_MED s ($(spread < "$W/curl.t")) | median of pair ratios $R_MED | ≤ 1.0 |
| 2 | peak RSS of the install (max of $PAIRS) | $((RSS_MAX / 1024)) MiB | | | ≤ 64 MiB |
| 3 | reset every 8 MiB: bytes on the wire, time | $PYGET_WIRE B ($(ratio "$PYGET_WIRE" "$SIZE")x); ${FT} s of which ${BACKOFF} s backoff sleeps, so $(awk -v t="$FT" -v b="$BACKOFF" -v c="$P_MED" 'BEGIN {printf "%.2f", (t-b)/c}')x the clean install's median besides; $FAULTS_SEEN faults recovered | curl --retry 10 --retry-all-errors: $CURL_WIRE B ($(ratio "$CURL_WIRE" "$SIZE")x), ${CURL_FT} s, finished: $CURL_OK | | ≤ 1.05x; time ≤ 1.3x clean + backoff |
| 4 | \`install 3.12 3.13 3.14\` vs three in a row (3 runs) | $PAR_MED s ($(spread < "$W/par.t")) | $SEQ_MED s ($(spread < "$W/seq.t")) | $(ratio "$PAR_MED" "$SEQ_MED") | ≤ 0.7 |
| 5a | \`pyget find 3.14\` with ten builds installed (20 runs) | $FIND_MED s ($(spread < "$W/find.t")) | | | ≤ 10 ms |
| 5b | \`pyget list --only-downloads\`, 5,530-entry catalog, cached (20 runs) | $LIST_MED s | | | ≤ 50 ms |
| 6a | install from the archive cache (after uninstall) vs network install, loopback (5 runs) | $CACHE_MED s ($(spread < "$W/cache.t")) | $NET_MED s ($(spread < "$W/net.t")) | $(ratio "$CACHE_MED" "$NET_MED") | ≤ 0.5 |
| 6b | the same vs a network install at 100 Mbit/s (nginx limit_rate) | $CACHE_MED s | $SLOW_MED s ($(spread < "$W/slow.t")) | $(ratio "$CACHE_MED" "$SLOW_MED") | ≤ 0.5 |
| 6c | \`install --reinstall\` from the cache (swap in, remove the old tree) | $SWAP_MED s ($(spread < "$W/swap.t")) | $NET_MED s | $(ratio "$SWAP_MED" "$NET_MED") | |
| 7a | \`pyget mirror\` of four builds ($MIB MiB each; fetch, verify, place, SHA256SUMS, catalog) vs \`curl -s -o\` of each in turn, loopback (3 runs) | $MIR_MED s ($(spread < "$W/mir.t")) | $C4_MED s ($(spread < "$W/c4.t")) | $(ratio "$MIR_MED" "$C4_MED") | |
| 7b | the same at 100 Mbit/s per connection (nginx limit_rate) | $MIRS_MED s ($(spread < "$W/mirslow.t")) | $C4S_MED s ($(spread < "$W/c4slow.t")) | $(ratio "$MIRS_MED" "$C4S_MED") | |
$(inflate_rows)
REPORT
