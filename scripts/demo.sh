#!/usr/bin/env bash
# make demo: install a real CPython through a server that misbehaves on
# purpose, then run it. Offline (loopback only); everything it writes lives in
# one temp dir that is removed at the end, except the fixture, which is cached
# (tools/fixture; $PYGET_FIXTURE_DIR overrides where).
set -euo pipefail

cd "$(dirname "$0")/.."
GO=${GO:-go}
# close@12MiB hits the last, resumed request: the archive is about 26 MiB.
FAULTS=${FAULTS:-"refuse,reset@8MiB,html,status503:retry=1,close@12MiB"}

if [ -t 2 ]; then B=$'\e[1m'; R=$'\e[0m'; else B=; R=; fi
say() { printf '\n%s==> %s%s\n' "$B" "$*" "$R" >&2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pyget-demo.XXXXXX")
SERVER_PID=
cleanup() {
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "Building the fixture: CPython 3.14.6 packed like python-build-standalone 20260610 (cached after the first run)"
FIXTURE=$(cd tools/fixture && "$GO" run . -q ${PYGET_FIXTURE_DIR:+-out "$PYGET_FIXTURE_DIR"})
echo "fixture: $FIXTURE" >&2

# Built rather than `go run` so that killing the server at the end kills the
# server itself, not only the go command that started it.
say "Building pyget and the fault server"
"$GO" build -o "$WORK/pyget" ./cmd/pyget
"$GO" build -o "$WORK/pyget-faultserver" ./internal/faultserver/cmd/pyget-faultserver

say "Starting the fault server (HTTP/1.1 on loopback); its script for successive requests: $FAULTS"
"$WORK/pyget-faultserver" -root "$FIXTURE" -proto h1 -faults "$FAULTS" -addr 127.0.0.1:0 \
	>"$WORK/server.out" 2>"$WORK/server.log" &
SERVER_PID=$!
URL=
for _ in $(seq 100); do
	if line=$(head -n1 "$WORK/server.out" 2>/dev/null) && [ "${line#listening on }" != "$line" ]; then
		URL=${line#listening on }
		break
	fi
	if ! kill -0 "$SERVER_PID" 2>/dev/null; then
		break
	fi
	sleep 0.1
done
if [ -z "$URL" ]; then
	echo "demo: the fault server did not start:" >&2
	cat "$WORK/server.out" "$WORK/server.log" >&2
	exit 1
fi
echo "server: $URL" >&2

# A private world: nothing outside $WORK is read or written.
export HOME="$WORK/home" XDG_DATA_HOME="$WORK/xdg/data" XDG_CACHE_HOME="$WORK/xdg/cache" \
	XDG_CONFIG_HOME="$WORK/xdg/config" XDG_STATE_HOME="$WORK/xdg/state" XDG_BIN_HOME="$WORK/xdg/bin"
export PYGET_INSTALL_DIR="$WORK/python" PYGET_BIN_DIR="$WORK/bin" PYGET_CACHE_DIR="$WORK/cache"
mkdir -p "$HOME"

say "pyget install 3.14 --mirror $URL --downloads-json $FIXTURE/catalog.json"
"$WORK/pyget" install 3.14 --mirror "$URL" --downloads-json "$FIXTURE/catalog.json"

say "What the server saw (one line per request)"
cat "$WORK/server.log" >&2

say "pyget find 3.14"
PY=$("$WORK/pyget" find 3.14)
echo "$PY"

say "Running the installed interpreter"
"$PY" -c 'import ssl, sqlite3, sys; print(sys.version); print(ssl.OPENSSL_VERSION, "/ sqlite", sqlite3.sqlite_version)'

say "And through the link on PATH: $PYGET_BIN_DIR/python3.14"
"$PYGET_BIN_DIR/python3.14" -c 'import sys; print(sys.executable)'

say "Done; removing $WORK"
