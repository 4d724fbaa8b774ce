#!/usr/bin/env bash
# A data node that stops answering, then one that dies, under a running
# compute node (run under tests/cn/with_cluster.sh, --dn_timeout_ms=3000):
# statements that need it fail with 1429 within a bounded time, statements
# that do not need it keep working, and once it is back the compute node
# reconnects by itself — no silent fallback, no restart.
set -eu  # no pipefail: error checks pipe a failing client into grep
. "$(dirname "$0")/lib.sh"
restarted=
trap '[ -n "$restarted" ] && kill "$restarted" 2>/dev/null; kill -CONT "$XP_DN1_PID" 2>/dev/null || true' EXIT

q -e "CREATE DATABASE f"
q f -e "CREATE TABLE t (id INT PRIMARY KEY, v INT)"
q f -e "CREATE TABLE s (id INT PRIMARY KEY, v INT) SINGLE"
vals=""
for i in $(seq 1 40); do vals="$vals${vals:+,}($i,$i)"; done
q f -e "INSERT INTO t VALUES $vals; INSERT INTO s VALUES (1, 10), (2, 20)"
# A key on each data node, as EXPLAIN shows the pruned target.
keys_on_each_dn f t 40

timed() {  # timed MAX_SECONDS command...: runs it, fails when it takes longer
  local max=$1 start end
  shift
  start=$(date +%s%N)
  "$@" || true
  end=$(date +%s%N)
  [ $(((end - start) / 1000000)) -le $((max * 1000)) ] ||
    fail "took $(((end - start) / 1000000)) ms (more than $max s): $*"
}

# 1. DN 1 stops answering (SIGSTOP: its socket stays open, nothing replies).
kill -STOP "$XP_DN1_PID"
out=$(timed 8 q f -e "SELECT v FROM t WHERE id = $on1" 2>&1)
echo "$out" | grep -q "^ERROR 1429 (HY000).*data node 1" ||
  fail "a query needing the stopped DN: $out"
out=$(timed 8 q f -e "SELECT COUNT(*) FROM t" 2>&1)
echo "$out" | grep -q "^ERROR 1429" || fail "a scan over the stopped DN: $out"
[ "$(q f -e "SELECT v FROM t WHERE id = $on0")" = "$on0" ] ||
  fail "a point query on the other DN must work"
[ "$(q f -e "SELECT SUM(v) FROM s")" = "30" ] ||
  fail "a query on the SINGLE table (DN 0) must work"
# Transactions that touch only DN 0 do not wait for DN 1: the first one
# after it stopped answering leaves it out within the commit gate's 2 s
# bound, the next ones at once — also while another client waits for it.
timed 4 q f -e "BEGIN; UPDATE t SET v = v + 1 WHERE id = $on0; COMMIT"
q f -e "SELECT v FROM t WHERE id = $on1" >/dev/null 2>&1 &
waiter=$!
for i in 1 2 3; do
  timed 1 q f -e "BEGIN; UPDATE t SET v = v + 1 WHERE id = $on0; COMMIT"
done
wait "$waiter" || true
[ "$(q f -e "SELECT v FROM t WHERE id = $on0")" = "$((on0 + 4))" ] ||
  fail "the DN-0-only transactions did not all commit"
out=$(timed 1 q f -e "BEGIN; UPDATE t SET v = v + 1 WHERE id = $on0; UPDATE t SET v = v + 1 WHERE id = $on1; COMMIT" 2>&1)
echo "$out" | grep -q "^ERROR 1429 (HY000).*data node 1 did not answer when this transaction began" ||
  fail "a transaction reaching the stopped DN: $out"
q f -e "UPDATE t SET v = v - 4 WHERE id = $on0"
out=$(timed 8 q f -e "UPDATE t SET v = v + 1 WHERE id = $on1" 2>&1)
echo "$out" | grep -q "^ERROR 1429" || fail "a write to the stopped DN: $out"
# DDL that cannot reach every DN fails whole: no table on some DNs only.
out=$(timed 8 q f -e "CREATE TABLE half (id INT PRIMARY KEY)" 2>&1)
echo "$out" | grep -q "^ERROR 1429" || fail "CREATE TABLE with a DN stopped: $out"
q f -e "SHOW TABLES" | grep -qx half && fail "a half-created table is in the catalog"
# 2. It answers again: the compute node reconnects by itself.
kill -CONT "$XP_DN1_PID"
ok=
for _ in $(seq 1 50); do
  if [ "$(q f -e "SELECT COUNT(*) FROM t" 2>/dev/null)" = "40" ]; then ok=1; break; fi
  sleep 0.2
done
[ -n "$ok" ] || fail "no reconnection after the DN came back"
[ "$(q f -e "SELECT v FROM t WHERE id = $on1")" = "$on1" ] ||
  fail "the failed UPDATE must not have been applied"
q f -e "CREATE TABLE half (id INT PRIMARY KEY); INSERT INTO half VALUES (1), (2), (3)"
[ "$(q f -e "SELECT COUNT(*) FROM half")" = "3" ] || fail "CREATE TABLE after the DN came back"

# 3. DN 1 dies (connection refused), then restarts on its data directory.
kill -KILL "$XP_DN1_PID"
wait "$XP_DN1_PID" 2>/dev/null || true
out=$(timed 8 q f -e "SELECT v FROM t WHERE id = $on1" 2>&1)
echo "$out" | grep -q "^ERROR 1429" || fail "a query needing the dead DN: $out"
[ "$(q f -e "SELECT v FROM t WHERE id = $on0")" = "$on0" ] ||
  fail "the live DN must still serve"
"$XP_BIN/xdn" --data_dir="$XP_WORK/dn1" --port="$XP_DN1_PORT" --user=root \
  --password= >>"$XP_WORK/dn1.log" 2>&1 &
restarted=$!
ok=
for _ in $(seq 1 100); do
  if [ "$(q f -e "SELECT COUNT(*), SUM(v) FROM t" 2>/dev/null)" = "40	820" ]; then ok=1; break; fi
  sleep 0.2
done
[ -n "$ok" ] || fail "no reconnection to the restarted DN (or data lost)"
q f -e "UPDATE t SET v = v + 1 WHERE id = $on1"
[ "$(q f -e "SELECT v FROM t WHERE id = $on1")" = "$((on1 + 1))" ] ||
  fail "writes after the restart"
kill -TERM "$restarted"
wait "$restarted"
restarted=
echo "dn stop test passed"
