#!/usr/bin/env bash
# What `install --compile-bytecode` costs and what it saves (issue #22),
# with the real CPython 3.14.6 archive installed from the local file (no
# network in either). Prints Markdown table rows:
#
#   (a) `install --reinstall ARCHIVE` with and without --compile-bytecode
#       (alternated pairs): wall seconds, median and range, and the median of
#       pair ratios; then the CPU time of compileall itself on one process
#       (its -j workers are started by a fork server, whose children's CPU
#       time no rusage reaches);
#   (b) the first run of a script importing 20 stdlib packages right after
#       each install, by a user who can write the install (the run writes
#       __pycache__ itself) and by one who cannot (PYTHONDONTWRITEBYTECODE=1,
#       as with a root-owned install in a container: every run pays).
#
#   bench/bytecode.sh [PAIRS]   # PAIRS alternated pairs (default 5)
#
# Needs: go, /usr/bin/time. Everything runs in a temp dir removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${1:-5}
W=$(mktemp -d /tmp/pyget-bcbench.XXXXXX)
trap 'rm -rf "$W"' EXIT
log() { echo "bytecode: $*" >&2; }

source bench/lib.sh
go build -o "$W/pyget" ./cmd/pyget
(cd tools/fixture && go run . -out "$FIX") >&2
ARCHIVE=$(ls "$FIX"/20260610/*install_only_stripped.tar.gz)
fresh
PY="$W/run/install/cpython-3.14.6-linux-x86_64-gnu/bin/python3.14"
SCRIPT="import asyncio, json, email.parser, http.client, argparse, unittest, decimal, logging, subprocess, typing, dataclasses, pathlib, urllib.request, xml.etree.ElementTree, sqlite3, ssl, tomllib, zipfile, tarfile, csv"

# cpu_timed CMD...: sets T (wall) and C (user+sys seconds, children included).
cpu_timed() {
  local s e
  s=$(date +%s%N)
  /usr/bin/time -f '%U %S' -o "$W/time.out" "$@" >/dev/null 2>"$W/cmd.err" || { cat "$W/cmd.err" >&2; return 1; }
  e=$(date +%s%N)
  T=$(awk -v a="$s" -v b="$e" 'BEGIN {printf "%.3f", (b-a)/1e9}')
  C=$(awk '{printf "%.2f", $1+$2}' "$W/time.out")
}
# The commands timed (arrays, since /usr/bin/time runs no shell function).
INSTALL=("${PENV[@]}" "$W/pyget" install -q --reinstall "$ARCHIVE")
COMPILED=("${PENV[@]}" "$W/pyget" install -q --reinstall --compile-bytecode "$ARCHIVE")
FIRST=(env -u PYTHONDONTWRITEBYTECODE "$PY" -c "$SCRIPT")
READONLY=(env PYTHONDONTWRITEBYTECODE=1 "$PY" -c "$SCRIPT")

"${PENV[@]}" "$W/pyget" install -q "$ARCHIVE"
for f in pw pc pr cw cc cr fw fr ow oc or; do : > "$W/$f"; done
log "$PAIRS alternated pairs"
for i in $(seq "$PAIRS"); do
  cpu_timed "${INSTALL[@]}"; echo "$T" >> "$W/pw"; echo "$C" >> "$W/pc"; pt=$T
  cpu_timed "${FIRST[@]}"; echo "$T" >> "$W/fw"; ft=$T
  "${INSTALL[@]}"; cpu_timed "${READONLY[@]}"; echo "$T" >> "$W/ow"; ot=$T
  cpu_timed "${COMPILED[@]}"; echo "$T" >> "$W/cw"; echo "$C" >> "$W/cc"
  echo "$(ratio "$T" "$pt")" >> "$W/pr"
  cpu_timed "${FIRST[@]}"; echo "$(ratio "$T" "$ft")" >> "$W/fr"; ct=$T
  cpu_timed "${READONLY[@]}"; echo "$(ratio "$T" "$ot")" >> "$W/or"; echo "$T" >> "$W/oc"
  echo "$ct" >> "$W/cr"
  log "pair $i: install $pt s / $(tail -1 "$W/cw") s compiled; first run $ft s / $ct s"
done
row() { echo "| $1 | $(median < "$W/$2") ($(spread < "$W/$2")) | $(median < "$W/$3") ($(spread < "$W/$3")) | $(median < "$W/$4") |"; }
echo "| | without | with --compile-bytecode | ratio (median of pairs) |"
echo "|---|---|---|---|"
row "install, wall s" pw cw pr
row "first run of the import script, install writable, wall s" fw cr fr
row "the same, install not writable (PYTHONDONTWRITEBYTECODE=1), wall s" ow oc or
rm -rf "$W/one" && mkdir "$W/one" && tar -xzf "$ARCHIVE" -C "$W/one"
(cd "$W/one/python/lib/python3.14" && /usr/bin/time -f '%U %S' -o "$W/time.out" ../../bin/python3.14 -I -m compileall -q -j 1 -x 'bad_coding|badsyntax|site-packages' . >/dev/null)
echo
echo "compileall of the standard library on one process: $(awk '{printf "%.2f", $1+$2}' "$W/time.out") CPU seconds (user+sys)"
