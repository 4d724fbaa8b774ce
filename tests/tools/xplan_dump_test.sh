#!/usr/bin/env bash
# xplan-dump: a plan made by `xsql --dump_plans` prints as the tree EXPLAIN
# shows, from raw, hex and base64 input, as JSON and protobuf text; bad
# input is refused with the byte offset. Usage: xplan_dump_test.sh XSQL DUMP
set -euo pipefail
xsql=$1 dump=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$xsql" --dump_plans "$work" \
  "CREATE TABLE t (id INT PRIMARY KEY, k INT, KEY kk (k))" \
  "SELECT id FROM t WHERE k BETWEEN 5 AND 50 ORDER BY id DESC" >/dev/null 2>&1
plan=$work/plan_1.bin
[ -s "$plan" ] || { echo "no plan written"; exit 1; }
tree=$("$dump" "$plan")
echo "$tree"
grep -q "^Sort #0 DESC" <<<"$tree"
grep -q "RangeScan test.t \[#0, #1\] v1 index=1 \[(5) .. (50)\]" <<<"$tree"
[ "$(od -An -v -tx1 "$plan" | "$dump" -)" = "$tree" ]
[ "$(base64 "$plan" | "$dump" -)" = "$tree" ]
"$dump" --format=json "$plan" | grep -q '"kind": 3'
"$dump" --format=text "$plan" | grep -q 'database: "test"'
# Truncated: the error names the offset.
head -c 7 "$plan" >"$work/cut"
if "$dump" --input=raw "$work/cut" 2>"$work/err"; then
  echo "a truncated plan was accepted"; exit 1
fi
cat "$work/err"
grep -q "offset [0-9]*:" "$work/err"
echo "xplan-dump test passed"
