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
cmake --build build-fuzz -j2 --target frame_fuzz sql_fuzz engine_fuzz plan_fuzz mysql_fuzz \
  xp_xprotocol xp_dn_sql xp_dn_x xp_cn_cluster xp_cn_mysql
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Runs one fuzz target on a copy of its seeds; prints the last two lines on
# success and the whole report (signal, stack, reproducer) on a finding.
fuzz() {
  local target=$1 seeds=$2
  shift 2
  local dir="$work/$target"
  mkdir -p "$dir"
  cp "$seeds"/* "$dir"/
  if ! build-fuzz/bin/"$target" -seed=1 -artifact_prefix="$work/$target-" "$@" \
    "$dir" >"$work/$target.log" 2>&1; then
    echo "fuzz target $target found a failure:" >&2
    grep -v '^#[0-9]' "$work/$target.log" | tail -n 60 >&2
    exit 1
  fi
  tail -n 2 "$work/$target.log"
}
frame_seeds="$work/frame-seeds"
mkdir -p "$frame_seeds"
for f in tests/conformance/vectors/*.vec; do
  sed -n 's/^hex: //p' "$f" | perl -ne 'chomp; print pack("H*", $_)' \
    >"$frame_seeds/$(basename "$f" .vec)"
done
fuzz frame_fuzz "$frame_seeds" -runs="${XP_FUZZ_RUNS:-100000}" -max_len=4096
fuzz sql_fuzz tests/fuzz/sql_seeds -runs="${XP_FUZZ_RUNS:-100000}" -max_len=512
fuzz engine_fuzz tests/fuzz/engine_seeds -runs="${XP_ENGINE_FUZZ_RUNS:-20000}" \
  -max_len=256 -timeout=10
fuzz plan_fuzz tests/fuzz/plan_seeds -runs="${XP_PLAN_FUZZ_RUNS:-50000}" \
  -max_len=2048 -timeout=10
fuzz mysql_fuzz tests/fuzz/mysql_seeds -runs="${XP_FUZZ_RUNS:-100000}" -max_len=1024

if [ "${XP_SKIP_SANITIZERS:-0}" != 1 ]; then
  scripts/sanitize.sh
fi

echo "== tests"
ctest --test-dir build --output-on-failure -j2
