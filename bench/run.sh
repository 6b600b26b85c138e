#!/usr/bin/env bash
# bench/run.sh: what `pyget run` adds to starting the interpreter (issue
# 23): the real CPython 3.14.6 (tools/fixture) installed from its archive,
# then ROUNDS runs of `python3.14 -c pass` and of `pyget run -p 3.14 -c
# pass`, interleaved so that both see the same machine, each timed from the
# nanosecond clock. Prints the medians and their difference.
#
#   bash bench/run.sh            (from the repository's root; ROUNDS=200)
set -euo pipefail
ROUNDS=${ROUNDS:-200}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
source bench/lib.sh
go build -o "$W/pyget" ./cmd/pyget
(cd tools/fixture && go run . -q -out "$FIX") >&2
ASSET=$(cd "$FIX/20260610" && ls *install_only_stripped.tar.gz)
fresh
"${PENV[@]}" PYGET_DOWNLOADS_JSON="$FIX/catalog.json" "$W/pyget" install -q "$FIX/20260610/$ASSET"
PY=$("${PENV[@]}" "$W/pyget" find 3.14)
cd "$W/run" # no project file above the temp dir's own

once() { # once CMD...: wall milliseconds of one run
  local s e
  s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N)
  awk -v a="$s" -v b="$e" 'BEGIN {printf "%.3f\n", (b-a)/1e6}'
}
: >"$W/direct"; : >"$W/run.ms"
for _ in $(seq 5); do "$PY" -c pass; "${PENV[@]}" "$W/pyget" run -p 3.14 -c pass; done # warm the page cache
for _ in $(seq "$ROUNDS"); do
  once "${PENV[@]}" "$PY" -c pass >>"$W/direct"
  once "${PENV[@]}" "$W/pyget" run -p 3.14 -c pass >>"$W/run.ms"
done
# p10: the tenth percentile, what a run costs when the machine lets it be;
# on a shared machine the median measures the scheduler as much as pyget.
p10() { sort -g | awk '{a[NR]=$1} END {i=int(NR/10); if (i<1) i=1; print a[i]}'; }
d=$(median <"$W/direct"); r=$(median <"$W/run.ms")
d10=$(p10 <"$W/direct"); r10=$(p10 <"$W/run.ms")
printf 'rounds %s\npython3.14 -c pass          median %s ms, p10 %s ms (%s)\npyget run -p 3.14 -c pass   median %s ms, p10 %s ms (%s)\nadded by pyget run          median %s ms (ratio %s), p10 %s ms (ratio %s)\n' \
  "$ROUNDS" "$d" "$d10" "$(spread <"$W/direct")" "$r" "$r10" "$(spread <"$W/run.ms")" \
  "$(awk -v a="$r" -v b="$d" 'BEGIN {printf "%.2f", a-b}')" "$(ratio "$r" "$d")" \
  "$(awk -v a="$r10" -v b="$d10" 'BEGIN {printf "%.2f", a-b}')" "$(ratio "$r10" "$d10")"
