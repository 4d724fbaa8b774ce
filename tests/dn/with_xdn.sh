#!/usr/bin/env bash
# Starts xdn on a free port with a fresh data directory, runs a command with
# every @PORT@ in its arguments replaced by the port, then stops xdn (by
# PID, SIGTERM) and removes the directory. The WAL is not synced at commit
# (--sync_wal=false): these tests check answers; tests/dn/crash_test.sh
# checks durability. Exit status: the command's, or 1
# when xdn does not start or does not stop cleanly.
# Usage: tests/dn/with_xdn.sh XDN_BINARY COMMAND [ARG...]
set -uo pipefail
xdn=$1
shift
work=$(mktemp -d)
"$xdn" --data_dir="$work/data" --port=0 --port_file="$work/port" \
  --user=root --password=secret --sync_wal=false >"$work/xdn.log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
if [ ! -s "$work/port" ]; then
  echo "xdn did not start:"; cat "$work/xdn.log"; exit 1
fi
port=$(cat "$work/port")
args=()
for a in "$@"; do args+=("${a//@PORT@/$port}"); done
"${args[@]}"
rc=$?
kill -TERM "$pid"
if ! wait "$pid"; then
  echo "xdn did not stop cleanly:"; tail -20 "$work/xdn.log"; exit 1
fi
if [ $rc -ne 0 ]; then tail -20 "$work/xdn.log"; fi
exit $rc
