#!/usr/bin/env bash
# The page benchmark's load tool: Debian's wrk.
set -euo pipefail
command -v wrk >/dev/null && exit 0
if [ "$(id -u)" = 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null; }
else
  sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null
fi
