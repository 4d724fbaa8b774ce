#!/usr/bin/env bash
# README "test" command (and what .ci/run calls): installs what is missing,
# checks formatting, builds, runs a bounded libFuzzer smoke run, the unit
# tests under ASan+UBSan and TSan (scripts/sanitize.sh), then every CTest
# suite (unit, conformance vectors, loopback, flood, the @mysql/xdevapi client).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test

echo "== format"
scripts/check-format.sh

echo "== build (Release)"
scripts/build.sh -DXP_REQUIRE_TEST_DEPS=ON

echo "== fuzz smoke (clang, libFuzzer + ASan/UBSan)"
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang CXX=clang++ cmake -G Ninja -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DXP_FUZZ=ON -DXP_BUILD_TESTS=OFF -DXP_BUILD_BENCH=OFF -DXP_BUILD_TOOLS=OFF . >/dev/null
fi
cmake --build build-fuzz -j2 --target frame_fuzz sql_fuzz engine_fuzz plan_fuzz mysql_fuzz
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
for f in tests/conformance/vectors/*.vec; do
  sed -n 's/^hex: //p' "$f" | perl -ne 'chomp; print pack("H*", $_)' >"$seeds/$(basename "$f" .vec)"
done
build-fuzz/bin/frame_fuzz -runs="${XP_FUZZ_RUNS:-100000}" -max_len=4096 -seed=1 \
  "$seeds" 2>&1 | tail -n 2
sql_seeds=$(mktemp -d)
trap 'rm -rf "$seeds" "$sql_seeds"' EXIT
cp tests/fuzz/sql_seeds/* "$sql_seeds"/
build-fuzz/bin/sql_fuzz -runs="${XP_FUZZ_RUNS:-100000}" -max_len=512 -seed=1 \
  "$sql_seeds" 2>&1 | tail -n 2
engine_seeds=$(mktemp -d)
trap 'rm -rf "$seeds" "$sql_seeds" "$engine_seeds"' EXIT
cp tests/fuzz/engine_seeds/* "$engine_seeds"/
build-fuzz/bin/engine_fuzz -runs="${XP_ENGINE_FUZZ_RUNS:-20000}" -max_len=256 \
  -seed=1 -timeout=10 "$engine_seeds" 2>&1 | tail -n 2
plan_seeds=$(mktemp -d)
trap 'rm -rf "$seeds" "$sql_seeds" "$engine_seeds" "$plan_seeds"' EXIT
cp tests/fuzz/plan_seeds/* "$plan_seeds"/
build-fuzz/bin/plan_fuzz -runs="${XP_PLAN_FUZZ_RUNS:-50000}" -max_len=2048 \
  -seed=1 -timeout=10 "$plan_seeds" 2>&1 | tail -n 2
mysql_seeds=$(mktemp -d)
trap 'rm -rf "$seeds" "$sql_seeds" "$engine_seeds" "$plan_seeds" "$mysql_seeds"' EXIT
cp tests/fuzz/mysql_seeds/* "$mysql_seeds"/
build-fuzz/bin/mysql_fuzz -runs="${XP_FUZZ_RUNS:-100000}" -max_len=1024 -seed=1 \
  "$mysql_seeds" 2>&1 | tail -n 2

if [ "${XP_SKIP_SANITIZERS:-0}" != 1 ]; then
  scripts/sanitize.sh
fi

echo "== tests"
ctest --test-dir build --output-on-failure -j2
