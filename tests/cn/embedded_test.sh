#!/usr/bin/env bash
# xcn --embedded_dns=2: one command brings up the CN with its two data nodes
# (xdn children on free ports, data under --data_dir); SQL works over both;
# SIGTERM stops the CN and its data nodes; a restart on the same directory
# finds the data again.
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
  pgrep -f "xdn --data_dir=$work/data" >/dev/null && fail "data nodes outlived the CN"
  return 0
}

start
[ "$(pgrep -fc "xdn --data_dir=$work/data")" = 2 ] || fail "expected two data nodes"
q -e "CREATE DATABASE e; CREATE TABLE e.t (id INT PRIMARY KEY, v INT); INSERT INTO e.t VALUES (1, 10), (2, 20), (3, 30), (4, 40)"
[ "$(q -e "EXPLAIN SELECT SUM(v) FROM e.t" | grep -o "@dn[01]" | sort -u | wc -l)" = 2 ] ||
  fail "the table is not on both data nodes"
[ "$(q -e "SELECT SUM(v) FROM e.t")" = 100 ] || fail "SUM over both data nodes"
stop
start
[ "$(q -e "SELECT COUNT(*), SUM(v) FROM e.t")" = "4	100" ] || fail "data after a restart"
stop
echo "embedded test passed"
