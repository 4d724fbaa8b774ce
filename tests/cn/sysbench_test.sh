#!/usr/bin/env bash
# sysbench, unmodified, against a real cluster (run under
# tests/cn/with_cluster.sh): oltp_read_write prepare, a short run with
# prepared statements and one with plain queries, then cleanup; every phase
# must succeed. The only errors sysbench may retry are lock conflicts
# between its own threads (1213 deadlock, 1205 lock wait timeout: two
# transactions locking rows on two DNs in opposite orders, which no single
# DN sees as a deadlock); any other error is fatal, and retries must stay
# rare (under 1 % of transactions).
set -eu
command -v sysbench >/dev/null || { echo "sysbench is not installed (scripts/install-deps.sh --test)"; exit 1; }
mysql=$(command -v mysql || command -v mariadb)
port=$XP_PORT
size=${XP_SYSBENCH_ROWS:-5000}
common=(--mysql-host=127.0.0.1 --mysql-port="$port" --mysql-user=root
  --mysql-db=sbtest --tables=2 --table-size="$size")
fail() { echo "FAIL: $*" >&2; exit 1; }

"$mysql" -h127.0.0.1 -P"$port" -uroot -e "CREATE DATABASE sbtest"
sysbench oltp_read_write "${common[@]}" prepare >"$XP_WORK/prepare.out" 2>&1 ||
  { cat "$XP_WORK/prepare.out"; fail "prepare"; }
# sysbench's point selects read ids 1..N: they must all be there.
for t in sbtest1 sbtest2; do
  got=$("$mysql" -h127.0.0.1 -P"$port" -uroot -N -B sbtest -e "SELECT COUNT(*), MIN(id), MAX(id) FROM $t")
  [ "$got" = "$size	1	$size" ] || fail "$t after prepare: $got"
done
for mode in auto disable; do
  out="$XP_WORK/run-$mode.out"
  sysbench oltp_read_write "${common[@]}" --threads=2 --time=5 \
    --mysql-ignore-errors=1213,1205 --db-ps-mode="$mode" run >"$out" 2>&1 ||
    { cat "$out"; fail "run ($mode)"; }
  grep -q "FATAL" "$out" && { cat "$out"; fail "run ($mode) reported a fatal error"; }
  txns=$(sed -n 's/.*transactions: *\([0-9]*\) .*/\1/p' "$out")
  retried=$(sed -n 's/.*ignored errors: *\([0-9]*\) .*/\1/p' "$out")
  tps=$(sed -n 's/.*transactions: *[0-9]* *(\([0-9.]*\) per sec.*/\1/p' "$out")
  echo "oltp_read_write ($mode): $tps transactions/s, $retried lock conflicts retried"
  awk -v t="$tps" 'BEGIN { exit !(t > 0) }' || fail "no transactions ($mode)"
  [ $((retried * 100)) -lt "$txns" ] || { cat "$out"; fail "run ($mode): $retried retries in $txns transactions"; }
done
sysbench oltp_read_write "${common[@]}" cleanup >"$XP_WORK/cleanup.out" 2>&1 ||
  { cat "$XP_WORK/cleanup.out"; fail "cleanup"; }
left=$("$mysql" -h127.0.0.1 -P"$port" -uroot -N -B sbtest -e "SHOW TABLES")
[ -z "$left" ] || fail "cleanup left tables: $left"
echo "sysbench test passed"
