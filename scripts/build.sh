#!/usr/bin/env bash
# Configures and builds the Release tree in ./build (binaries in build/bin/).
# Extra arguments are CMake options (-DNAME=VALUE). The configure step runs
# every time (it is quick): a dependency installed since the last build is
# found and its targets and tests appear.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -G Ninja -B build -DCMAKE_BUILD_TYPE=Release "$@" . >/dev/null
cmake --build build -j2
