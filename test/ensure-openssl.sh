#!/usr/bin/env bash
# Makes sure openssl is on PATH (the TLS tests make their certificates with
# it): installs Debian's package when missing and running as root, otherwise
# says how to get it.
set -euo pipefail

if command -v openssl >/dev/null; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "openssl not found: installing it with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends openssl >/dev/null
  exit 0
fi
echo "openssl is required for the TLS tests: install it (Debian/Ubuntu: sudo apt-get install openssl)" >&2
exit 1
