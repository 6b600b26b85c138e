#!/usr/bin/env bash
# `make test-windows`: every package's tests, built for windows/amd64 and run
# under Wine (Debian 12's Wine 8). Fails when a package's tests fail, crash or
# do not compile.
#
#   scripts/wine-test.sh [packages...]        default: ./...
#
# (tools/fixture is left out: it builds the Linux CPython fixture of the
# end-to-end suite, itself Linux-only, and uses flock.)
#
# Environment:
#   PYGET_WINE_DIR   work dir: the Wine prefix, the stub DLL, the overlay,
#                    the test binaries and their logs
#                    (default ${XDG_CACHE_HOME:-~/.cache}/pyget-wine)
#   PYGET_WINE_JOBS  test binaries run at once (default: the number of cores)
#   PYGET_WINE_RUN   passed to the test binaries as -test.run
#
# Wine 8 needs two things to run Go 1.24+ programs faithfully:
#  1. bcryptprimitives.dll (Go's runtime takes random bytes from ProcessPrng),
#     which Wine 8 lacks: scripts/wine/bcryptprimitives.c is a stub calling
#     RtlGenRandom, built with mingw-w64 into the prefix's system32 (Go loads
#     it from there only).
#  2. Two patches to the standard library's Windows files, applied to the test
#     binaries only with `go test -overlay` (the installed Go is untouched):
#     Wine answers STATUS_NOT_IMPLEMENTED to FileDispositionInformationEx,
#     which Go does not treat as "use the fallback" (so os.RemoveAll always
#     fails); and Wine's CreateSymbolicLinkW reports success and makes
#     nothing, so symlink calls return ERROR_PRIVILEGE_NOT_HELD instead, as
#     for a Windows user without Developer Mode.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
GO=${GO:-go}
WD=${PYGET_WINE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pyget-wine}
JOBS=${PYGET_WINE_JOBS:-$(nproc 2>/dev/null || echo 2)}
mkdir -p "$WD"
WD=$(cd "$WD" && pwd)

export WINEPREFIX=$WD/prefix WINEARCH=win64 WINEDEBUG=-all
# Our bcryptprimitives first; no Mono/Gecko installer prompts, no menu entries.
export WINEDLLOVERRIDES="bcryptprimitives=n,b;mscoree=;mshtml=;winemenubuilder.exe=d"

log() { echo "test-windows: $*" >&2; }

# 1. Wine and mingw-w64 (apt), only when missing.
# (Debian's wine64 package puts no wine64 on PATH: `wine` runs 64-bit programs.)
if ! command -v wine >/dev/null 2>&1 || ! command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1; then
  as_root=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      as_root=(sudo)
    else
      log "wine and mingw-w64 are missing and this is not root: apt-get install wine wine64 gcc-mingw-w64-x86-64"
      exit 1
    fi
  fi
  log "installing wine, wine64 and gcc-mingw-w64-x86-64"
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends \
    wine wine64 gcc-mingw-w64-x86-64 >/dev/null
fi

# 2. The stub DLL, rebuilt when its source changes.
DLL=$WD/bcryptprimitives.dll
SRC=scripts/wine/bcryptprimitives.c DEF=scripts/wine/bcryptprimitives.def
if [ ! -f "$DLL" ] || [ "$SRC" -nt "$DLL" ] || [ "$DEF" -nt "$DLL" ]; then
  x86_64-w64-mingw32-gcc -O2 -shared -nostdlib -e DllMain -o "$DLL.tmp" "$SRC" "$DEF" -ladvapi32 -lkernel32
  mv "$DLL.tmp" "$DLL"
fi

# 3. The prefix (made once; wineboot takes a while), with the DLL in system32.
wineserver -k >/dev/null 2>&1 || true
SYS32=$WINEPREFIX/drive_c/windows/system32
if [ ! -d "$SYS32" ]; then
  log "creating the Wine prefix $WINEPREFIX"
  wineboot -i >/dev/null 2>&1 || true
  wineserver -w
fi
cmp -s "$DLL" "$SYS32/bcryptprimitives.dll" || cp "$DLL" "$SYS32/bcryptprimitives.dll"

# 4. The overlay, rebuilt for each Go version. Each pattern must match once,
# so a Go release that changes these lines stops here rather than testing
# unpatched binaries.
GOROOT=$($GO env GOROOT) GOVERSION=$($GO env GOVERSION)
OV=$WD/overlay
if [ "$(cat "$OV/goversion" 2>/dev/null)" != "$GOVERSION" ]; then
  rm -rf "$OV" && mkdir -p "$OV"
  AT=$GOROOT/src/internal/syscall/windows/at_windows.go
  ZS=$GOROOT/src/syscall/zsyscall_windows.go
  patch_once() { # file, sed line address (a regex), sed command
    local n
    n=$(grep -c -- "$2" "$1" || true)
    if [ "$n" != 1 ]; then
      log "overlay: '$2' found $n times in $1; update scripts/wine-test.sh for $GOVERSION"
      exit 1
    fi
    sed -i -e "\\#$2#$3" "$1"
  }
  cp "$AT" "$OV/at_windows.go"
  cp "$ZS" "$OV/zsyscall_windows.go"
  # Deleteat: STATUS_NOT_IMPLEMENTED (0xC0000002) joins the statuses that use the fallback.
  patch_once "$OV/at_windows.go" '^		STATUS_NOT_SUPPORTED: ' \
    's#STATUS_NOT_SUPPORTED:#STATUS_NOT_SUPPORTED, NTStatus(0xC0000002):#'
  # Symlinks: refuse as Windows refuses a user without the privilege.
  patch_once "$OV/at_windows.go" '^func symlinkat(oldname string' \
    'a\	if true {\n\t\treturn syscall.ERROR_PRIVILEGE_NOT_HELD // Wine 8 cannot make symlinks\n\t}'
  patch_once "$OV/zsyscall_windows.go" '^func CreateSymbolicLink(symlinkfilename' \
    'a\	if true {\n\t\treturn ERROR_PRIVILEGE_NOT_HELD // Wine 8: CreateSymbolicLinkW reports success, makes nothing\n\t}'
  printf '{"Replace":{"%s":"%s","%s":"%s"}}\n' "$AT" "$OV/at_windows.go" "$ZS" "$OV/zsyscall_windows.go" >"$OV/overlay.json"
  echo "$GOVERSION" >"$OV/goversion"
fi

# 5. Build every package's test binary (go builds them in parallel). A
# package that does not compile fails the run.
BIN=$WD/bin LOGS=$WD/logs
rm -rf "$BIN" "$LOGS" && mkdir -p "$BIN" "$LOGS"
pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || pkgs=(./...)
# "<import path> <dir> <binary>" for each package with tests.
listfmt='{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}} {{.Dir}}{{end}}'
build() { # module dir, binary subdir, packages...
  local mod=$1 sub=$2
  shift 2
  mkdir -p "$BIN/$sub"
  # A package that does not compile has no binary and fails below; the
  # others still run.
  (cd "$mod" && GOOS=windows GOARCH=amd64 $GO test -overlay "$OV/overlay.json" -c -o "$BIN/$sub/" "$@") ||
    log "some test binaries did not build"
  (cd "$mod" && GOOS=windows GOARCH=amd64 $GO list -f "$listfmt" "$@") |
    while read -r path dir; do
      [ -n "$path" ] && echo "$path $dir $BIN/$sub/${path##*/}.test.exe"
    done >>"$WD/tests.txt"
}
rm -f "$WD/tests.txt"
start=$(date +%s)
log "building test binaries for windows/amd64"
build "$ROOT" main "${pkgs[@]}"
log "built $(wc -l <"$WD/tests.txt") test binaries in $(($(date +%s) - start))s"

# 6. Run them, $JOBS at once, each in its package's directory (testdata/).
# One wineserver for the whole run.
wineserver -p >/dev/null 2>&1 || true
trap 'wineserver -k >/dev/null 2>&1 || true' EXIT
runone() { # import path, dir, binary
  local path=$1 dir=$2 exe=$3 name log rc t0
  name=$(echo "$path" | tr / _)
  log=$LOGS/$name.log
  if [ ! -f "$exe" ]; then
    echo "FAIL $path (no test binary)" >"$LOGS/$name.result"
    return
  fi
  t0=$(date +%s)
  set +e
  (cd "$dir" && timeout 900 wine "$exe" -test.v -test.count=1 -test.timeout=12m \
    ${PYGET_WINE_RUN:+-test.run "$PYGET_WINE_RUN"} >"$log" 2>&1 </dev/null)
  rc=$?
  set -e
  local pass fail skip verdict=ok
  pass=$(grep -cE '^\s*--- PASS' "$log" || true)
  fail=$(grep -cE '^\s*--- FAIL' "$log" || true)
  skip=$(grep -cE '^\s*--- SKIP' "$log" || true)
  [ $rc = 0 ] || verdict=FAIL
  printf '%-4s %-48s %4ss  %4s passed %3s failed %3s skipped (exit %s)\n' \
    "$verdict" "$path" $(($(date +%s) - t0)) "$pass" "$fail" "$skip" "$rc" >"$LOGS/$name.result"
}
export -f runone
export LOGS PYGET_WINE_RUN
start=$(date +%s)
# Longest first, so the slow packages do not start last.
for p in e2e internal/fetch internal/pipeline internal/archive cmd/pyget internal/store; do
  grep -E "^[^ ]*/$p " "$WD/tests.txt" || true
done >"$WD/order.txt"
grep -v -F -f "$WD/order.txt" "$WD/tests.txt" >>"$WD/order.txt" || true
xargs -P "$JOBS" -L 1 bash -c 'runone "$@"' _ <"$WD/order.txt"

cat "$LOGS"/*.result
failed=$(cat "$LOGS"/*.result | awk '/^FAIL/ {n++} END {print n+0}')
log "$(wc -l <"$WD/order.txt") packages in $(($(date +%s) - start))s under $(wine --version); logs in $LOGS"
if [ "$failed" != 0 ]; then
  for f in $(grep -l '^FAIL' "$LOGS"/*.result); do
    l=${f%.result}.log
    echo "--- $(basename "$l"):"
    grep -E -B2 -A8 '^\s*--- FAIL|^panic:|^FAIL' "$l" | head -60 || true # (head closes early: SIGPIPE under pipefail)
  done
  log "$failed package(s) failed"
  exit 1
fi
