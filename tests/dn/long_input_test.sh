#!/usr/bin/env bash
# Long and deep statements sent to a data node alone over X Protocol
# (Sql.StmtExecute through xcli): flat lists work whatever their length, a
# chain deeper than the nesting budget is 1436, and the daemon keeps
# serving after each. Usage (under tests/dn/with_xdn.sh):
#   long_input_test.sh PORT XCLI
set -uo pipefail
port=$1
xcli=$2
fails=0
passes=0
# Statements go on standard input: some are longer than one argument may be.
run() { printf "%s\n" "$1" | "$xcli" --port "$port" --user root --password secret 2>&1; }
# expect NAME SQL PATTERN: the output of SQL matches the grep -E PATTERN.
expect() {
  local out
  out=$(run "$2")
  if grep -Eq -- "$3" <<<"$out"; then
    passes=$((passes + 1))
  else
    echo "FAIL $1: wanted /$3/, got: ${out:0:300}"
    fails=$((fails + 1))
  fi
  # The daemon still answers.
  if ! run "SELECT 'still serving'" | grep -q 'still serving'; then
    echo "FAIL $1: the data node stopped answering"
    exit 1
  fi
}
gen() { perl -e "$1"; }

expect "sum of 10,000 terms" "$(gen 'print "SELECT 1", "+1" x 9999')" \
  'ERROR 1436'
expect "nested minus" "$(gen 'print "SELECT ", "-(" x 20000, "1", ")" x 20000')" \
  'ERROR 1436'
expect "OR of 10,000" "$(gen 'print "SELECT 0", " OR 0" x 9999, " AS r"')" \
  '^\| 0 +\|'
expect "AND of 20,000" "$(gen 'print "SELECT 1", " AND 1" x 19999, " AS r"')" \
  '^\| 1 +\|'
expect "IN of 30,000" "$(gen 'print "SELECT 29999 IN (", join(",", 0..29999), ") AS r"')" \
  '^\| 1 +\|'
expect "UNION ALL of 5,000" \
  "$(gen 'print "SELECT COUNT(*) AS n FROM (SELECT 1 AS x", " UNION ALL SELECT 1" x 4999, ") u"')" \
  '^\| 5000 +\|'
run "CREATE DATABASE li" >/dev/null
run "CREATE TABLE li.t (id INT PRIMARY KEY, a INT)" >/dev/null
run "INSERT INTO li.t VALUES $(gen 'print join(",", map {"($_, " . ($_ % 10) . ")"} 0..999)')" >/dev/null
expect "IN of 60,000 over a table" \
  "$(gen 'print "SELECT COUNT(*) AS n FROM li.t WHERE id IN (", join(",", map {$_ * 2} 0..59999), ")"')" \
  '^\| 500 +\|'
expect "OR of 5,000 over a table" \
  "$(gen 'print "SELECT COUNT(*) AS n FROM li.t WHERE ", join(" OR ", map {"id = $_"} 0..4999)')" \
  '^\| 1000 +\|'

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
