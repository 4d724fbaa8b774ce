#!/usr/bin/env bash
# Data node end-to-end benchmark (issue 4): starts xdn (WAL synced at
# commit, the default) on a fresh directory, runs bench/xdn_bench.cc
# through the X Protocol client, stops xdn. Extra arguments go to xdn_bench
# (--rows N, --gets N, --clients C).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh >/dev/null
work=$(mktemp -d)
build/bin/xdn --data_dir="$work/data" --port=0 --port_file="$work/port" \
  --user=root --password=bench >"$work/xdn.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
build/bin/xdn_bench --port "$(cat "$work/port")" --password bench --pid "$pid" "$@"
