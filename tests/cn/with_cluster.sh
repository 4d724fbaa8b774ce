#!/usr/bin/env bash
# Starts a local cluster on free ports with fresh data directories (two xdn
# processes and an xcn in front of them), runs a command with @PORT@ in its
# arguments replaced by the compute node's MySQL port, then stops every
# process it started (by PID) and removes the directories. The command also
# gets XP_BIN, XP_WORK (scratch directory), XP_PORT, XP_DN0_PORT,
# XP_DN1_PORT, XP_CN_PID, XP_DN0_PID, XP_DN1_PID in its environment (fault
# tests stop and restart nodes; what they start themselves they stop). The
# WAL is not synced at commit (answers, not durability, are checked here),
# and a lock wait ends after 1 s (a deadlock across two DNs, which neither
# DN can see alone, resolves as 1205 quickly).
# XP_PLACEMENT=embedded starts the same cluster as one process instead
# (xcn --embedded_dns=2, data in $XP_WORK/dn0 and dn1); XP_DN*_PORT and
# XP_DN*_PID are then empty.
# Usage: tests/cn/with_cluster.sh BIN_DIR COMMAND [ARG...]
set -uo pipefail
bin=$1
shift
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

placement=${XP_PLACEMENT:-processes}
dn_ports=("" "")
dn0_pid=
dn1_pid=
[ "$placement" = embedded ] || for i in 0 1; do
  "$bin/xdn" --data_dir="$work/dn$i" --port=0 --port_file="$work/dn$i.port" \
    --user=root --password= --sync_wal=false --lock_wait_timeout_ms=1000 \
    >"$work/dn$i.log" 2>&1 &
  pids+=($!)
  eval "dn${i}_pid=$!"
done
[ "$placement" = embedded ] || for i in 0 1; do
  for _ in $(seq 1 100); do [ -s "$work/dn$i.port" ] && break; sleep 0.1; done
  [ -s "$work/dn$i.port" ] || { echo "xdn $i did not start:"; cat "$work/dn$i.log"; exit 1; }
  dn_ports[$i]=$(cat "$work/dn$i.port")
done

# A free port for the CN: the kernel picks one for a listener we close.
port=$(perl -MIO::Socket::INET -e \
  'my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0) or die; print $s->sockport')
if [ "$placement" = embedded ]; then
  "$bin/xcn" --port="$port" --embedded_dns=2 --data_dir="$work" \
    --sync_wal=false --lock_wait_timeout_ms=1000 --dn_timeout_ms=3000 \
    >"$work/cn.log" 2>&1 &
else
  "$bin/xcn" --port="$port" --dn="127.0.0.1:${dn_ports[0]},127.0.0.1:${dn_ports[1]}" \
    --dn_timeout_ms=3000 >"$work/cn.log" 2>&1 &
fi
cn_pid=$!
pids+=($cn_pid)
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$cn_pid" 2>/dev/null || break
  sleep 0.1
done
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null ||
  { echo "xcn did not start:"; cat "$work/cn.log"; exit 1; }

args=()
for a in "$@"; do args+=("${a//@PORT@/$port}"); done
export XP_BIN=$bin XP_WORK=$work XP_PORT=$port XP_DN0_PORT=${dn_ports[0]} \
  XP_DN1_PORT=${dn_ports[1]} XP_CN_PID=$cn_pid XP_DN0_PID=$dn0_pid \
  XP_DN1_PID=$dn1_pid
"${args[@]}"
rc=$?
if kill -0 "$cn_pid" 2>/dev/null; then
  kill -TERM "$cn_pid" 2>/dev/null
  if ! wait "$cn_pid"; then
    echo "xcn did not stop cleanly:"; tail -20 "$work/cn.log"; rc=1
  fi
fi
if [ $rc -ne 0 ]; then
  echo "--- cn.log"; tail -20 "$work/cn.log"
fi
exit $rc
