#!/usr/bin/env bash
# Makes sure Debian's Python gRPC stack is there for the Python client and the
# interop tests: a stock C-core gRPC client (python3-grpcio), protoc and
# grpc_python_plugin for `buf generate --template buf.gen.python.yaml`, gRPC's
# reflection protos, and what builds and installs a wheel offline. Installs the
# packages when missing and running as root, otherwise says how to get them.
set -euo pipefail

PACKAGES=(python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc grpc-proto
  python3-venv python3-pip python3-setuptools python3-wheel)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} = 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing ${missing[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
cat >&2 <<MSG
The Python client and the interop tests need Debian's Python gRPC packages;
missing: ${missing[*]}
Install them, then run the command again:
  sudo apt-get install ${PACKAGES[*]}
MSG
exit 1
