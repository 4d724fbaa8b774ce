#!/usr/bin/env bash
# A statement that needs more memory than it may have fails alone (issue
# 13.4), run under tests/cn/with_cluster.sh. The compute node runs under
# `prlimit --as` (so a regression cannot take the machine down) with a
# 256 MiB statement budget: a GROUP BY over a 100k x 100k cross join fails
# with 7006 while another client is served, and the CN goes on; a session
# that lifts its own budget meets the node-wide cap; SIGTERM during such a
# statement stops xcn within 2 s. On a data node the same budget holds
# (a session's SET xp_statement_memory_limit over X Protocol).
set -eu  # no pipefail: error checks pipe a failing client into grep
. "$(dirname "$0")/lib.sh"
dns="127.0.0.1:$XP_DN0_PORT,127.0.0.1:$XP_DN1_PORT"
cn=
trap '[ -n "$cn" ] && kill "$cn" 2>/dev/null || true' EXIT
alive() { [ -d "/proc/$1" ] && ! grep -q '^[^)]*) [ZX]' "/proc/$1/stat" 2>/dev/null; }
start_cn() {
  prlimit --as=$((3 * 1024 * 1024 * 1024)) "$XP_BIN/xcn" --port="$port" --dn="$dns" \
    --statement_memory_limit_mb=256 --node_memory_limit_mb=512 >>"$XP_WORK/cn-m.log" 2>&1 &
  cn=$!
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return
    sleep 0.1
  done
  fail "xcn did not start: $(tail -3 "$XP_WORK/cn-m.log")"
}
kill -TERM "$XP_CN_PID"
while alive "$XP_CN_PID"; do sleep 0.05; done
start_cn

q -e "CREATE DATABASE mem"
q mem -e "CREATE TABLE big (id INT PRIMARY KEY)"
for s in $(seq 0 5000 95000); do
  perl -e 'print "INSERT INTO big VALUES ", join(",", map { "($_)" } ($ARGV[0] + 1 .. $ARGV[0] + 5000)), ";\n"' "$s"
done | q mem
expect "rows loaded" "100000" q mem -e "SELECT COUNT(*) FROM big"

big="SELECT COUNT(*) FROM (SELECT a.id*100000+b.id x, COUNT(*) FROM big a, big b GROUP BY 1) s"
out=$(q mem -e "$big" 2>&1 & q mem -e "SELECT COUNT(*) FROM big WHERE id <= 10" >"$XP_WORK/other.out" 2>&1; wait)
echo "$out" | grep -q "^ERROR 7006 (HY000).*memory budget of 268435456 bytes" ||
  fail "the big GROUP BY did not fail with 7006: $out"
[ "$(cat "$XP_WORK/other.out")" = 10 ] || fail "another client was not served: $(cat "$XP_WORK/other.out")"
alive "$cn" || fail "xcn died: $(tail -5 "$XP_WORK/cn-m.log")"
expect "the CN serves after the refused statement" "100000" q mem -e "SELECT COUNT(*) FROM big"

out=$(q mem -e "SET xp_statement_memory_limit = 0; $big" 2>&1 || true)
echo "$out" | grep -q "^ERROR 7006 (HY000).*over the node's limit of 536870912" ||
  fail "a session without a budget did not meet the node's cap: $out"
expect "session budget reads back" "268435456" q mem -e "SELECT @@xp_statement_memory_limit"

# SIGTERM while such a statement runs: the CN stops within 2 s.
q mem -e "SET xp_statement_memory_limit = 0; $big" >/dev/null 2>&1 &
client=$!
sleep 1
t0=$(date +%s%N)
kill -TERM "$cn"
while alive "$cn"; do sleep 0.02; done
ms=$((($(date +%s%N) - t0) / 1000000))
wait "$cn" || fail "xcn did not stop cleanly after SIGTERM: $(tail -5 "$XP_WORK/cn-m.log")"
cn=
wait "$client" || true
[ "$ms" -lt 2000 ] || fail "SIGTERM took $ms ms to stop xcn"
echo "SIGTERM during a big statement: stopped in $ms ms"

# A data node's own sessions have the budget too (X Protocol).
xdn() {  # statements in one X Protocol session on DN 1; its output
  printf '%s\n' "$@" | "$XP_BIN/xcli" --port "$XP_DN1_PORT" --user root 2>&1 || true
}
xdn "CREATE DATABASE dm" "CREATE TABLE dm.t (id INT PRIMARY KEY)" >/dev/null
vals=$(perl -e 'print join(",", map { "($_)" } 1 .. 3000)')
xdn "INSERT INTO dm.t VALUES $vals" >/dev/null
out=$(xdn "SET xp_statement_memory_limit = 1000000" \
  "SELECT COUNT(*) FROM (SELECT a.id*10000+b.id x, COUNT(*) FROM dm.t a, dm.t b GROUP BY 1) s" \
  "SELECT COUNT(*) FROM dm.t")
echo "$out" | grep -q "7006.*memory budget of 1000000 bytes" || fail "the DN's budget did not hold: $out"
echo "$out" | grep -q "3000" || fail "the DN session did not go on: $out"
start_cn
q -e "DROP DATABASE mem"
echo "memory: 7006 per statement and node-wide, CN and DN serve on"
