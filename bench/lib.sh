# Shared by bench/bench.sh and bench/segments.sh, sourced from the
# repository's root once W (the run's temp dir) is set: the builds, the
# fixture, the timer and the statistics.

# build_all: pyget and the fault server into $W, the fixture (the real
# CPython 3.14.6 archive, tools/fixture) into $FIX; sets ASSET and SIZE.
FIX=${PYGET_FIXTURE_DIR:-$HOME/.cache/pyget-fixture/3.14.6-20260610}
build_all() {
  go build -o "$W/pyget" ./cmd/pyget
  go build -o "$W/faultserver" ./internal/faultserver/cmd/pyget-faultserver
  (cd tools/fixture && go run . -out "$FIX") >&2
  ASSET=$(cd "$FIX/20260610" && ls *install_only_stripped.tar.gz)
  SIZE=$(stat -c %s "$FIX/20260610/$ASSET")
}

# timed CMD...: runs CMD; sets T (wall seconds, from the nanosecond clock:
# /usr/bin/time's 10 ms steps are too coarse for loopback transfers), TEND
# (when it ended, nanoseconds since the epoch) and RSS (peak KiB, from
# /usr/bin/time).
timed() {
  local s e
  s=$(date +%s%N)
  /usr/bin/time -f '%M' -o "$W/time.out" "$@" >/dev/null 2>"$W/cmd.err" || { cat "$W/cmd.err" >&2; return 1; }
  e=$(date +%s%N)
  T=$(awk -v a="$s" -v b="$e" 'BEGIN {printf "%.3f", (b-a)/1e9}')
  TEND=$e
  read -r RSS < "$W/time.out"
}
run_dirs() { mkdir -p "$W/run/install" "$W/run/bin" "$W/run/cache" "$W/run/tar"; }
fresh() { rm -rf "$W/run"; run_dirs; }
# On this machine's ext4, creating files within a minute of many deletions
# costs far more (ext4's recently_deleted inode scan: 0.5-1 ms a create
# after an `rm -rf` of an install's 677 files), so measures of installs
# that must not pay for the benchmark's own cleanup first let earlier
# deletions age (settle SECONDS: written back, then SECONDS; ext4 skips an
# inode deleted within the last minute, five more when its inode-table
# block is still dirty) and set each run's tree aside (aside), deleting
# $W/aside only where a deletion no longer matters.
settle() { sync; sleep "$1"; }
ASIDE=0
aside() {
  ASIDE=$((ASIDE + 1))
  mkdir -p "$W/aside"
  if [ -d "$W/run" ]; then mv "$W/run" "$W/aside/$ASIDE"; fi
  run_dirs
}
# The environment of every pyget run: a private install, bin and cache dir;
# no provenance lookup (pyget-attest is not built here, and these measure the
# transfer and the extraction).
PENV=(env PYGET_INSTALL_DIR="$W/run/install" PYGET_BIN_DIR="$W/run/bin" PYGET_CACHE_DIR="$W/run/cache" PYGET_NO_PROGRESS=1 PYGET_ATTESTATIONS=off)
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
spread() { sort -g | awk 'NR==1{min=$1} {max=$1} END {printf "%s–%s", min, max}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
