#!/usr/bin/env bash
# A compute node that dies in the middle of a two-phase commit (run under
# tests/cn/with_cluster.sh). xcn --failpoint makes it exit right after
# DN 1's branch is prepared — before the commit decision (DN 0's one-phase
# commit of its branch with the commit_log row; the restarted CN must roll
# DN 1's branch back, DN 0's went with the dead CN's link) or after it (it
# must commit DN 1's). Either way no prepared branch is left and both DNs
# agree.
set -eu  # no pipefail: error checks pipe a failing client into grep
. "$(dirname "$0")/lib.sh"
dn_prepared() {  # prepared xcn- branches on both DNs
  for p in "$XP_DN0_PORT" "$XP_DN1_PORT"; do
    "$XP_BIN/xcli" --port "$p" --user root -e "XA RECOVER"
  done | grep -c "xcn-" || true
}
cn=
trap '[ -n "$cn" ] && kill "$cn" 2>/dev/null || true' EXIT
start_cn() {  # start_cn [FAILPOINT]
  "$XP_BIN/xcn" --port="$port" --failpoint="${1:-}" \
    --dn="127.0.0.1:$XP_DN0_PORT,127.0.0.1:$XP_DN1_PORT" >>"$XP_WORK/cn-r.log" 2>&1 &
  cn=$!
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return; sleep 0.1; done
  fail "xcn did not start"
}

q -e "CREATE DATABASE r"
q r -e "CREATE TABLE t (id INT PRIMARY KEY, v INT)"
vals=""
for i in $(seq 1 20); do vals="$vals${vals:+,}($i,0)"; done
q r -e "INSERT INTO t VALUES $vals"
keys_on_each_dn r t 20
kill -TERM "$XP_CN_PID"
while kill -0 "$XP_CN_PID" 2>/dev/null; do sleep 0.1; done

for point in before_commit_log after_commit_log; do
  want=0
  [ $point = after_commit_log ] && want=1
  start_cn "$point"
  out=$(q r -e "BEGIN; UPDATE t SET v = v + 1 WHERE id = $on0; UPDATE t SET v = v + 1 WHERE id = $on1; COMMIT" 2>&1 || true)
  echo "$out" | grep -q "ERROR 20[0-9][0-9]" || fail "$point: the client did not see the CN die: $out"
  wait "$cn" 2>/dev/null || true
  cn=
  [ "$(dn_prepared)" = 1 ] || fail "$point: expected DN 1's branch prepared (only)"
  start_cn
  grep -q "recovery: $want prepared branches committed, $((1 - want)) rolled back" "$XP_WORK/cn-r.log" ||
    fail "$point: recovery did not finish the branches: $(grep recovery "$XP_WORK/cn-r.log" | tail -1)"
  [ "$(dn_prepared)" = 0 ] || fail "$point: prepared branches left after recovery"
  got=$(q r -e "SELECT v FROM t WHERE id = $on0")
  got1=$(q r -e "SELECT v FROM t WHERE id = $on1")
  [ "$got" = "$got1" ] || fail "$point: the DNs disagree ($got vs $got1)"
  kill -TERM "$cn"
  wait "$cn"
  cn=
  echo "$point: branches $( [ $want = 1 ] && echo committed || echo rolled back ), v = $got"
  [ "$got" = "$want" ] || fail "$point: v = $got, expected $want"
done
# Phase two cannot reach DN 1 (its connection is lost right then): the
# commit stands (it is logged), DN 1's branch stays prepared until the CN
# reconnects to it, which then commits it — without a CN restart.
start_cn lose_dn1_in_phase_two
q r -e "BEGIN; UPDATE t SET v = 5 WHERE id = $on0; UPDATE t SET v = 5 WHERE id = $on1; COMMIT" ||
  fail "a logged commit must succeed even if phase two misses a DN"
[ "$(q r -e "SELECT v FROM t WHERE id = $on1")" = 5 ] ||
  fail "DN 1's branch was not committed on reconnection"
[ "$(q r -e "SELECT v FROM t WHERE id = $on0")" = 5 ] || fail "DN 0's branch"
[ "$(dn_prepared)" = 0 ] || fail "a prepared branch is left"
grep -q "committed after its return" "$XP_WORK/cn-r.log" ||
  fail "the CN did not finish the branch itself"
kill -TERM "$cn"
wait "$cn"
cn=
echo "recovery test passed"
