#!/usr/bin/env bash
# Installs what `make test` needs beyond Go: nginx (Debian's package) for the
# end-to-end suite. Does nothing when it is already there.
set -euo pipefail
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
  exit 0
fi
as_root=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "deps: nginx is missing and this is not root: apt-get install nginx-light" >&2
    exit 1
  fi
fi
echo "deps: installing nginx-light for the end-to-end suite" >&2
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq nginx-light >/dev/null
