#!/usr/bin/env bash
# Configures and builds the Release tree in ./build (binaries in build/bin/).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/build.ninja ]; then
  cmake -G Ninja -B build -DCMAKE_BUILD_TYPE=Release . >/dev/null
fi
cmake --build build -j2
