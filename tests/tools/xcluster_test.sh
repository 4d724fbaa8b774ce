#!/usr/bin/env bash
# scripts/xcluster as scripts/run.sh uses it: `status` on a directory where
# no cluster was started is exit 3 (run.sh said "running already;
# restarting it" on a fresh clone), a started cluster is 0 and serves SQL,
# a node that died is reported stopped (1), and `stop` leaves nothing
# running. Usage: xcluster_test.sh BIN_DIR
set -euo pipefail
bin=$1
root="$(cd "$(dirname "$0")/../.." && pwd)"
work=$(mktemp -d)
data="$work/data"
xcluster() { "$root/scripts/xcluster" "$@"; }
cleanup() {
  xcluster stop --data "$data" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
free_port() {
  perl -MIO::Socket::INET -e 'my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0) or die; print $s->sockport'
}

rc=0
out=$(xcluster status --data "$data") || rc=$?
[ $rc = 3 ] || fail "status of a fresh directory: exit $rc ($out), want 3"

# Two consecutive free ports for the DNs. Another test running alongside
# may take one between the check and the bind: start again on new ports.
started=
for _ in $(seq 1 5); do
  for _ in $(seq 1 50); do
    dn_port=$(free_port)
    (exec 3<>"/dev/tcp/127.0.0.1/$((dn_port + 1))") 2>/dev/null || break
  done
  cn_port=$(free_port)
  if xcluster start --bin "$bin" --dns 2 --port "$cn_port" --dn_port "$dn_port" \
    --data "$data" >/dev/null 2>"$work/start.err"; then
    started=1
    break
  fi
  grep -q "Address already in use" "$work/start.err" || { cat "$work/start.err"; fail "start"; }
  xcluster stop --data "$data" >/dev/null
done
[ -n "$started" ] || fail "no free ports for the cluster in 5 tries"
xcluster status --data "$data" >/dev/null || fail "status of a running cluster"
mysql=$(command -v mysql || command -v mariadb)
# The first start made root's password, in a file only we can read.
[ "$(stat -c %a "$data/root.password")" = 600 ] || fail "root.password is not mode 600"
"$mysql" -h127.0.0.1 -P"$cn_port" -uroot -e "SELECT 1" >/dev/null 2>&1 &&
  fail "root logs in without its password"
export MYSQL_PWD
MYSQL_PWD=$(cat "$data/root.password")
[ "$("$mysql" -h127.0.0.1 -P"$cn_port" -uroot -N -B -e "SELECT 1 + 1")" = 2 ] ||
  fail "the started cluster does not answer"
"$mysql" -h127.0.0.1 -P"$cn_port" -uroot -e \
  "CREATE TABLE test.x (id INT PRIMARY KEY, v INT); INSERT INTO test.x VALUES (1, 10), (2, 20), (3, 30)"

kill -KILL "$(cat "$data/dn1.pid")"
sleep 0.2
rc=0
out=$(xcluster status --data "$data") || rc=$?
[ $rc = 1 ] || fail "status with a dead DN: exit $rc, want 1"
grep -q "^dn1: stopped" <<<"$out" || fail "dn1 not reported stopped: $out"

xcluster stop --data "$data" >/dev/null
rc=0
xcluster status --data "$data" >/dev/null || rc=$?
[ $rc = 3 ] || fail "status after stop: exit $rc, want 3"

# The same data directory in the embedded placement: one xcn process, the
# data nodes inside it, the rows written by the processes placement there.
out=$(xcluster start --bin "$bin" --placement embedded --dns 2 --port "$cn_port" \
  --data "$data")
grep -q "placement embedded" <<<"$out" || fail "start does not say its placement: $out"
[ "$(ls "$data"/*.pid)" = "$data/cn.pid" ] || fail "embedded placement started more than xcn"
xcluster status --data "$data" >/dev/null || fail "status of the embedded cluster"
[ "$("$mysql" -h127.0.0.1 -P"$cn_port" -uroot -N -B -e "SELECT SUM(v) FROM test.x")" = 60 ] ||
  fail "the embedded placement does not find the data"
xcluster stop --data "$data" >/dev/null
rc=0
xcluster status --data "$data" >/dev/null || rc=$?
[ $rc = 3 ] || fail "status after stopping the embedded cluster: exit $rc, want 3"
echo "xcluster test passed"
