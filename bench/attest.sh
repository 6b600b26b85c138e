#!/usr/bin/env bash
# What provenance costs when it cannot be had (issue 20 part 2): a reinstall
# from the archive cache under PYGET_ATTESTATIONS=auto with GitHub's
# attestations API unreachable, against the same reinstall with
# attestations off. The first auto run finds the API unreachable and
# remembers it in the cache; the measured runs come after it. Prints one
# Markdown table row (BENCHMARKS.md).
#
#   bench/attest.sh [PAIRS]    # alternated pairs (default 7)
#
# Needs: go, /usr/bin/time. Everything runs in a temp dir, offline.
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${1:-7}
W=$(mktemp -d /tmp/pyget-bench-attest.XXXXXX)
trap 'rm -rf "$W"' EXIT
log() { echo "bench: $*" >&2; }

source bench/lib.sh
log "building pyget, pyget-attest and the fixture"
go build -o "$W/pyget" ./cmd/pyget
go build -o "$W/pyget-attest" ./cmd/pyget-attest
(cd tools/fixture && go run . -out "$FIX") >&2

fresh
# No mirror: the archive comes from the cache, and no bundle is looked for
# on a mirror; the API is a closed port on loopback.
AENV=(env PYGET_INSTALL_DIR="$W/run/install" PYGET_BIN_DIR="$W/run/bin" PYGET_CACHE_DIR="$W/run/cache" PYGET_NO_PROGRESS=1
  GITHUB_API_URL=http://127.0.0.1:1 PYGET_MIRROR= NETRC=/dev/null)
CAT=(--downloads-json "$FIX/catalog.json")
"${AENV[@]}" PYGET_ATTESTATIONS=off "$W/pyget" install 3.14 --mirror "file://$FIX" "${CAT[@]}" 2>/dev/null
log "first auto reinstall: the API is found unreachable (the retries are waited out once)"
timed "${AENV[@]}" PYGET_ATTESTATIONS=auto "$W/pyget" install --reinstall 3.14 "${CAT[@]}"; FIRST=$T
grep -q "attestation not verified" "$W/cmd.err" || { cat "$W/cmd.err" >&2; exit 1; }
test -f "$W/run/cache/attestations/api-unavailable.json"

: > "$W/off.t"; : > "$W/auto.t"; : > "$W/r"
for i in $(seq "$PAIRS"); do
  timed "${AENV[@]}" PYGET_ATTESTATIONS=off "$W/pyget" install --reinstall 3.14 "${CAT[@]}"; off=$T
  timed "${AENV[@]}" PYGET_ATTESTATIONS=auto "$W/pyget" install --reinstall 3.14 "${CAT[@]}"; auto=$T
  grep -q "not asked again before" "$W/cmd.err" || { cat "$W/cmd.err" >&2; exit 1; }
  echo "$off" >> "$W/off.t"; echo "$auto" >> "$W/auto.t"; echo "$(ratio "$auto" "$off")" >> "$W/r"
  log "  pair $i: off ${off}s, auto ${auto}s"
done
echo "| 9 | \`install --reinstall\` from the archive cache under \`auto\`, the attestations API unreachable (remembered after a first run of ${FIRST} s) vs the same with \`off\` ($PAIRS alternated pairs) | $(median < "$W/auto.t") s ($(spread < "$W/auto.t")) | $(median < "$W/off.t") s ($(spread < "$W/off.t")) | median of pair ratios $(median < "$W/r") | ≤ 1.1 |"
