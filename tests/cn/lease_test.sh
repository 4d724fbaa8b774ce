#!/usr/bin/env bash
# One compute node per cluster (run under tests/cn/with_cluster.sh): the
# catalog lease in xp_system.cn_lease on DN 0. A second xcn on the same data
# nodes refuses to start and says who holds the lease; a CN killed with -9
# can be restarted at once (its process is gone); a clean stop releases the
# lease; a lease held by another host blocks until it expires; a CN whose
# lease was taken over stops serving.
set -eu  # no pipefail: error checks pipe a failing client into grep
. "$(dirname "$0")/lib.sh"
dns="127.0.0.1:$XP_DN0_PORT,127.0.0.1:$XP_DN1_PORT"
lease() {  # the lease holder on DN 0 (empty when none)
  "$XP_BIN/xcli" --port "$XP_DN0_PORT" --user root \
    -e "SELECT owner FROM xp_system.cn_lease" |
    awk -F'|' 'NR > 3 && /^\|/ { gsub(/ /, "", $2); print $2 }'
}
dn0() { "$XP_BIN/xcli" --port "$XP_DN0_PORT" --user root -e "$1" >/dev/null; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
free_port() {
  perl -MIO::Socket::INET -e \
    'my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0) or die; print $s->sockport'
}
cn=
trap '[ -n "$cn" ] && kill "$cn" 2>/dev/null || true' EXIT
start_cn() {  # start_cn PORT [FLAGS...]: a CN that must come up
  local p=$1
  shift
  "$XP_BIN/xcn" --port="$p" --dn="$dns" "$@" >>"$XP_WORK/cn-l.log" 2>&1 &
  cn=$!
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && return
    kill -0 "$cn" 2>/dev/null || break
    sleep 0.1
  done
  fail "xcn did not start: $(tail -3 "$XP_WORK/cn-l.log")"
}
refused() {  # refused WHAT: a second CN exits non-zero naming the lease
  local out rc=0
  out=$(timeout 30 "$XP_BIN/xcn" --port="$(free_port)" --dn="$dns" 2>&1) || rc=$?
  [ $rc -ne 0 ] && [ $rc -ne 124 ] || fail "$1: a second xcn did not exit with an error (rc $rc)"
  echo "$out" | grep -q "another compute node holds the cluster's catalog lease" ||
    fail "$1: no clear error: $out"
}

q -e "CREATE DATABASE l"
q l -e "CREATE TABLE t (id INT PRIMARY KEY, v INT); INSERT INTO t VALUES (1, 1)"
held=$(lease)
echo "$held" | grep -q ":$XP_CN_PID:" || fail "the running CN holds no lease: '$held'"

refused "running CN"
expect "the first CN still serves" "1" q l -e "SELECT v FROM t"

# kill -9: the lease row stays, but its process is gone, so a new CN
# takes the cluster over immediately (not after the lease expires).
kill -9 "$XP_CN_PID"
while [ -d "/proc/$XP_CN_PID" ] && ! grep -q '^[^)]*) [ZX]' "/proc/$XP_CN_PID/stat" 2>/dev/null; do sleep 0.05; done
start_cn "$port"
expect "data after kill -9 and restart" "1" q l -e "SELECT v FROM t"
echo "$(lease)" | grep -q ":$cn:" || fail "the restarted CN holds no lease: '$(lease)'"

# A clean stop releases the lease.
kill -TERM "$cn"
wait "$cn"
cn=
[ -z "$(lease)" ] || fail "a stopped CN left its lease: '$(lease)'"

# Another host's lease blocks until it expires.
dn0 "INSERT INTO xp_system.cn_lease VALUES (1, 'elsewhere.example:1:1', $(($(now_ms) + 600000)))"
refused "another host's lease"
dn0 "UPDATE xp_system.cn_lease SET expires_ms = $(($(now_ms) - 1)) WHERE id = 1"
start_cn "$port" --catalog_lease_ms=900
expect "a CN after an expired lease" "1" q l -e "SELECT v FROM t"

# Taken over while running (this CN stalled past its lease): it stops.
dn0 "UPDATE xp_system.cn_lease SET owner = 'elsewhere.example:1:2', expires_ms = $(($(now_ms) + 600000)) WHERE id = 1"
for _ in $(seq 1 50); do kill -0 "$cn" 2>/dev/null || break; sleep 0.1; done
kill -0 "$cn" 2>/dev/null && fail "a CN whose lease was taken over still runs"
cn=
grep -q "catalog lease lost" "$XP_WORK/cn-l.log" || fail "no log line for the lost lease"
dn0 "DELETE FROM xp_system.cn_lease"
start_cn "$port"
q -e "DROP DATABASE l"
kill -TERM "$cn"
wait "$cn"
cn=
echo "lease: second CN refused, kill -9 restart immediate, released on stop, takeover stops the old CN"
