#!/usr/bin/env bash
# Installs the Debian 12 packages XProtocol builds and tests with. Idempotent
# and quiet when everything is already present. Runs apt-get as root (or via
# sudo). Node.js/npm are installed from Debian only when `node` is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config perl
  protobuf-compiler libprotobuf-dev
  libboost-dev libboost-system-dev
  liblz4-dev librocksdb-dev
  libgflags-dev libgoogle-glog-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev zlib1g-dev
  clang clang-format libclang-rt-14-dev git
)

# --test: also the client peers the tests drive (mysql CLI, libmariadb,
# sysbench, SQLAlchemy over pymysql); the run command needs the mysql CLI it
# tells you to use.
packages+=(mariadb-client)
if [ "${1:-}" = "--test" ]; then
  packages+=(libmariadb-dev sysbench openssl python3 python3-sqlalchemy
    python3-pymysql)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
