#!/usr/bin/env bash
# xcn --embedded_dns=2: one process is the CN and its two data nodes (each
# with its own RocksDB under --data_dir, reached in memory: no xdn process,
# no data node port); SQL and two-phase commits work over both; SIGTERM
# stops it cleanly; a restart on the same directory finds the data again,
# also after kill -9 in the middle of a write load (nothing acknowledged is
# lost).
# Usage: tests/cn/embedded_test.sh BIN_DIR
set -eu
bin=$1
mysql=$(command -v mysql || command -v mariadb)
work=$(mktemp -d)
cn=
trap '[ -n "$cn" ] && kill "$cn" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$work/cn.log" ] && tail -20 "$work/cn.log"; exit 1; }
port=$(perl -MIO::Socket::INET -e \
  'my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0) or die; print $s->sockport')
start() {
  "$bin/xcn" --port="$port" --embedded_dns=2 --data_dir="$work/data" >>"$work/cn.log" 2>&1 &
  cn=$!
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return; sleep 0.1; done
  fail "xcn --embedded_dns did not start"
}
q() { "$mysql" -h127.0.0.1 -P"$port" -uroot -N -B "$@"; }
stop() {
  kill -TERM "$cn"
  wait "$cn" || fail "xcn did not stop cleanly"
  cn=
  return 0
}

start
pgrep -x xdn -P "$cn" >/dev/null && fail "xdn children: the data nodes should be in-process"
[ -d "$work/data/dn0" ] && [ -d "$work/data/dn1" ] || fail "no data directories dn0, dn1"
q -e "CREATE DATABASE e; CREATE TABLE e.t (id INT PRIMARY KEY, v INT); INSERT INTO e.t VALUES (1, 10), (2, 20), (3, 30), (4, 40)"
[ "$(q -e "EXPLAIN SELECT SUM(v) FROM e.t" | grep -o "@dn[01]" | sort -u | wc -l)" = 2 ] ||
  fail "the table is not on both data nodes"
[ "$(q -e "SELECT SUM(v) FROM e.t")" = 100 ] || fail "SUM over both data nodes"
# A transaction over both data nodes (two-phase commit in one process), a
# point read and a locking read.
q -e "BEGIN; UPDATE e.t SET v = v + 1 WHERE id IN (1, 2, 3, 4); COMMIT"
[ "$(q -e "SELECT v FROM e.t WHERE id = 3")" = 31 ] || fail "point read after a 2PC update"
[ "$(q -e "BEGIN; SELECT v FROM e.t WHERE id = 2 FOR UPDATE; COMMIT")" = 21 ] || fail "locking read"
stop
start
[ "$(q -e "SELECT COUNT(*), SUM(v) FROM e.t")" = "4	104" ] || fail "data after a restart"
# kill -9 while a client commits transactions over both data nodes: every
# acknowledged one is there after the restart.
q -e "CREATE TABLE e.k (id INT PRIMARY KEY, v INT)"
( for i in $(seq 1 100000); do
    q -e "BEGIN; INSERT INTO e.k VALUES ($i, $i), ($((i + 1000000)), $i); COMMIT" 2>/dev/null || exit 0
    echo "$i" >>"$work/acked"
  done ) &
writer=$!
sleep 2
kill -9 "$cn"
wait "$cn" 2>/dev/null || true
cn=
wait "$writer" 2>/dev/null || true
acked=$(wc -l <"$work/acked")
[ "$acked" -gt 0 ] || fail "no transaction was acknowledged before the kill"
start
rows=$(q -e "SELECT COUNT(*) FROM e.k")
[ "$rows" -ge $((2 * acked)) ] || fail "$acked transactions acknowledged, $rows rows after kill -9"
[ $((rows % 2)) = 0 ] || fail "a transaction over both data nodes is half there ($rows rows)"
stop
echo "embedded test passed"
