#!/usr/bin/env bash
# Makes sure redis-server, redis-cli and redis-sentinel are on PATH: installs
# Debian's packages when missing and running as root, otherwise says how to
# get them.
set -euo pipefail

if command -v redis-server >/dev/null && command -v redis-cli >/dev/null && command -v redis-sentinel >/dev/null; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "redis-server not found: installing it with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends redis-server redis-tools redis-sentinel >/dev/null
  exit 0
fi
cat >&2 <<'MSG'
redis-server is required for the tests and benchmarks, and was not found.
Install it, then run the command again:
  Debian/Ubuntu:  sudo apt-get install redis-server redis-tools redis-sentinel
  macOS:          brew install redis
The tests start and stop their own redis-server on free ports; none needs to
be running.
MSG
exit 1
