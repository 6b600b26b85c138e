#!/usr/bin/env bash
# Installs what `make test` needs beyond Go: nginx (Debian's package) for the
# end-to-end suite, and a C compiler (cc), with which it builds code the way
# the installed interpreter's sysconfig says. Does nothing when they are there.
set -euo pipefail
missing=()
if ! command -v nginx >/dev/null 2>&1 && ! [ -x /usr/sbin/nginx ]; then
  missing+=(nginx-light)
fi
if ! command -v cc >/dev/null 2>&1; then
  missing+=(gcc libc6-dev)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
as_root=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "deps: ${missing[*]} missing and this is not root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
echo "deps: installing ${missing[*]} for the end-to-end suite" >&2
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
