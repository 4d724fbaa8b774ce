#!/usr/bin/env bash
# xplan-dump --listen between xcli and a real xdn: the plan the DN received
# prints as a tree with its parameters substituted, results are summarized,
# and the capture file written on the way prints the same lines.
# Usage (via tests/dn/with_xdn.sh): xplan_dump_proxy_test.sh DUMP XCLI PORT
set -euo pipefail
dump=$1 xcli=$2 dn_port=$3
work=$(mktemp -d)
proxy_pid=""
cleanup() {
  [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null && wait "$proxy_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
"$dump" --listen=127.0.0.1:0 --upstream="127.0.0.1:$dn_port" \
  --port_file="$work/port" --capture="$work/cap" --connections=2 \
  >"$work/live" 2>"$work/err" &
proxy_pid=$!
for _ in $(seq 1 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")
"$xcli" --port="$port" --password=secret -e \
  "CREATE DATABASE pd" >/dev/null
cat >"$work/plan.txt" <<'PLAN'
plan {
  kind: 5
  children {
    kind: 2 table { database: "pd" name: "t" } columns: [0, 1]
    types { id: 1 int_bytes: 4 } types { id: 5 length: 10 }
    index: 0 keys { values { param: 0 } }
  }
  types { id: 5 length: 10 }
  exprs { op: 1 type { id: 5 length: 10 } column: 1 }
}
parameters { type: V_SINT v_signed_int: 2 }
PLAN
"$xcli" --port="$dn_port" --password=secret -e \
  "CREATE TABLE pd.t (id INT PRIMARY KEY, v VARCHAR(10))" >/dev/null
"$xcli" --port="$dn_port" --password=secret -e \
  "INSERT INTO pd.t VALUES (1, 'one'), (2, 'two')" >/dev/null
out=$("$xcli" --port="$port" --password=secret --plan="$work/plan.txt")
echo "$out"
grep -q "| two |" <<<"$out"
wait "$proxy_pid"
proxy_pid=""
cat "$work/live"
# The plan tree the DN received, parameters substituted, and the result.
grep -q "C>S EXEC_PLAN_READ (.* bytes) parameters=(2)" "$work/live"
grep -q "^\[2\]     Project #1$" "$work/live"
grep -q "^\[2\]       Get pd.t \[#0, #1\] index=0 keys=(?0=2)$" "$work/live"
grep -q "S>C result: 1 columns, 1 rows, .* ms" "$work/live"
grep -q "C>S SQL_STMT_EXECUTE (.* bytes): CREATE DATABASE pd" "$work/live"
# The capture prints the same lines.
diff <("$dump" "$work/cap") <(grep -v "connection opened\|connection closed" "$work/live")
# A damaged capture is refused with the offset.
head -c 30 "$work/cap" >"$work/cut"
if "$dump" "$work/cut" 2>"$work/cuterr"; then echo "cut capture accepted"; exit 1; fi
grep -q "capture: offset [0-9]*:" "$work/cuterr"
echo "xplan-dump proxy test passed"
