#!/usr/bin/env bash
# Scan result transfer through a real xdn (issue 5 item 10): starts xdn on a
# fresh directory (WAL not synced: loading speed is not what is measured),
# runs bench/scan_bench.cc (Row messages vs chunks on a 1M-row lineitem-like
# and a sysbench-like table), stops xdn. Extra arguments go to scan_bench
# (--rows N).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh >/dev/null
work=$(mktemp -d)
build/bin/xdn --data_dir="$work/data" --port=0 --port_file="$work/port" \
  --user=root --password=bench --sync_wal=false --max_frame_bytes=1073741824 \
  >"$work/xdn.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
build/bin/scan_bench --port "$(cat "$work/port")" --password bench "$@"
