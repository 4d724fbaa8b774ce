#!/usr/bin/env bash
# Durability of xdn (issue 4): several clients run INSERT transactions, the
# DN is killed with SIGKILL mid-stream and restarted on the same data
# directory; every transaction a client saw committed must be there, whole,
# and none that was rolled back or never committed. Then an XA transaction
# is left prepared across another kill -9 and committed after the restart.
# Usage: tests/dn/crash_test.sh XDN XCLI CRASH_WRITER
set -euo pipefail
xdn=$1 xcli=$2 writer=$3
work=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

start() {  # starts xdn on $work/data (WAL synced at commit: the default)
  rm -f "$work/port"
  "$xdn" --data_dir="$work/data" --port=0 --port_file="$work/port" \
    --user=root --password=secret >>"$work/xdn.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
  [ -s "$work/port" ] || { echo "xdn did not start"; cat "$work/xdn.log"; exit 1; }
  port=$(cat "$work/port")
}
sql() { "$xcli" --port="$port" --user=root --password=secret -e "$1"; }

start
sql "CREATE TABLE c (w INT, seq INT, part CHAR(1), PRIMARY KEY (w, seq, part))" >/dev/null
mkdir "$work/log"
"$writer" --port "$port" --log "$work/log" --threads 4 --seconds 30 &
writer_pid=$!
sleep 2
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
wait "$writer_pid"
start
grep -q "opening" "$work/xdn.log"
"$writer" --check --port "$port" --log "$work/log" --threads 4

# XA: prepared, killed, recovered, committed.
printf "XA START 'crash1'\nINSERT INTO c VALUES (99, 1, 'x')\nXA END 'crash1'\nXA PREPARE 'crash1'\n" |
  "$xcli" --port="$port" --user=root --password=secret >/dev/null
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
start
grep -q "XA transaction(s) are prepared" "$work/xdn.log" ||
  { echo "the restart did not report the prepared transaction"; exit 1; }
sql "XA RECOVER" | grep -q crash1 || { echo "XA RECOVER lost crash1"; exit 1; }
sql "SELECT COUNT(*) FROM c WHERE w = 99" | grep -q "| 0 " ||
  { echo "a prepared transaction is visible before its commit"; exit 1; }
sql "XA COMMIT 'crash1'" >/dev/null
sql "SELECT COUNT(*) FROM c WHERE w = 99" | grep -q "| 1 " ||
  { echo "XA COMMIT after the restart lost the row"; exit 1; }
kill -TERM "$pid"
wait "$pid"
pid=
echo "crash test passed: acknowledged commits survived kill -9; a prepared XA transaction survived and committed"
