#!/usr/bin/env bash
# sysbench through the compute node against MariaDB (Debian's mariadb-server,
# defaults plus a 1 GiB buffer pool, started here on 127.0.0.1), same tables,
# threads and duration, each workload run on every target in turn
# (alternating): oltp_point_select (QPS) and oltp_read_write (TPS), and the
# ratio of each (targets >= 1.0), with the CPU each server process spent per
# query (user + system time from /proc/PID/stat over the run). The cluster
# runs in one or both placements (WAL synced at commit, as by default):
# "embedded" (one xcn --embedded_dns=2 process: the data nodes inside it)
# and "processes" (1 xcn + 2 xdn over loopback TCP).
# Usage: bench/sysbench.sh [--placement embedded|processes|both]
#                          [--ps-mode auto|disable]
# Installs sysbench and mariadb-server when missing. Environment: THREADS (4),
# TIME (20 s per run), TABLES (4), SIZE (10000 rows per table),
# WORKLOADS ("point_select read_write"; also read_only, write_only, and
# bulk_insert: 1,000-row INSERT statements, each thread into its own
# table, bench/sysbench/bulk_insert_rows.lua, reported in rows per second),
# PS_MODE (auto: prepared statements, as sysbench by default; disable:
# the text protocol), PLACEMENT (both).
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${THREADS:-4}
time=${TIME:-20}
tables=${TABLES:-4}
size=${SIZE:-10000}
workloads=${WORKLOADS:-point_select read_write}
ps_mode=${PS_MODE:-auto}
placement=${PLACEMENT:-both}
while [ $# -gt 0 ]; do
  case "$1" in
    --placement) placement=$2; shift 2 ;;
    --ps-mode) ps_mode=$2; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "sysbench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
case "$placement" in
  embedded) targets="embedded mariadb" ;;
  processes) targets="processes mariadb" ;;
  both) targets="embedded processes mariadb" ;;
  *) echo "sysbench.sh: --placement embedded|processes|both" >&2; exit 2 ;;
esac

need=()
command -v sysbench >/dev/null || need+=(sysbench)
command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || need+=(mariadb-server)
command -v mysql >/dev/null || need+=(mariadb-client)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  echo "bench: installing ${need[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
scripts/build.sh >/dev/null

free_port() {
  perl -MIO::Socket::INET -e \
    'my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0) or die; print $s->sockport'
}
work=$(mktemp -d)
maria_pid=
emb_pid=
cleanup() {
  scripts/xcluster stop --data "$work/cluster" >/dev/null 2>&1 || true
  [ -n "$emb_pid" ] && kill "$emb_pid" 2>/dev/null && wait "$emb_pid" 2>/dev/null
  [ -n "$maria_pid" ] && kill "$maria_pid" 2>/dev/null && wait "$maria_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

declare -A port_of pids_of pw_of
# The cluster, in each placement asked for.
if [[ " $targets " = *" processes "* ]]; then
  port_of[processes]=$(free_port)
  dn_port=$(free_port)
  scripts/xcluster start --data "$work/cluster" --port "${port_of[processes]}" \
    --dn_port "$dn_port" >/dev/null 2>&1
  pw_of[processes]=$(cat "$work/cluster/root.password")
  pids_of[processes]=$(cat "$work/cluster/cn.pid" "$work/cluster"/dn*.pid)
fi
if [[ " $targets " = *" embedded "* ]]; then
  port_of[embedded]=$(free_port)
  build/bin/xcn --port="${port_of[embedded]}" --embedded_dns=2 \
    --data_dir="$work/embedded" >"$work/embedded.log" 2>&1 &
  emb_pid=$!
  pids_of[embedded]=$emb_pid
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/${port_of[embedded]}") 2>/dev/null && break
    sleep 0.1
  done
fi

# MariaDB.
maria_port=$(free_port)
mariadbd=$(command -v mariadbd || echo /usr/sbin/mariadbd)
mariadb-install-db --no-defaults --datadir="$work/maria" --user="$(id -un)" \
  --auth-root-authentication-method=normal >"$work/maria-install.log" 2>&1
"$mariadbd" --no-defaults --datadir="$work/maria" --user="$(id -un)" \
  --bind-address=127.0.0.1 --port="$maria_port" --socket="$work/maria.sock" \
  --innodb-buffer-pool-size=1G --max-connections=500 \
  --log-error="$work/maria.err" &
maria_pid=$!
port_of[mariadb]=$maria_port
pids_of[mariadb]=$maria_pid
for _ in $(seq 1 100); do
  mysql -h127.0.0.1 -P"$maria_port" -uroot -e "SELECT 1" >/dev/null 2>&1 && break
  sleep 0.2
done

cpu_ticks() {  # cpu_ticks PID... -> user + system clock ticks of each
  local p
  for p in "$@"; do
    awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0
  done
}

run() {  # run PORT TEST WHAT PIDS -> "per-second-figure queries" and CPU
  local port=$1 test=$2 what=$3 out
  shift 3
  local before after
  before=$(cpu_ticks "$@")
  out=$(sysbench "$test" --mysql-host=127.0.0.1 --mysql-port="$port" \
    --mysql-user=root --mysql-password="${pw_of[$target]:-}" --mysql-db=sbtest --tables="$tables" \
    --table-size="$size" --threads="$threads" --time="$time" \
    --db-ps-mode="$ps_mode" run 2>&1)
  after=$(cpu_ticks "$@")
  if echo "$out" | grep -q FATAL; then
    echo "$out" | grep FATAL | head -3 >&2
    echo 0
    return
  fi
  # Errors sysbench retried (1213 / 1205 / 1020): the run goes on, but
  # they are shown.
  local ignored queries hz cpu
  ignored=$(echo "$out" | sed -n 's/.*ignored errors: *\([0-9]*\).*/\1/p')
  echo "bench: port $port $test: ${ignored:-0} ignored (retried) errors" >&2
  queries=$(echo "$out" | sed -n 's/.*queries: *\([0-9]*\) *(.*/\1/p')
  hz=$(getconf CLK_TCK)
  # Microseconds of CPU per query for each process, in the order given.
  cpu=$(paste <(echo "$before") <(echo "$after") |
    awk -v q="${queries:-0}" -v hz="$hz" \
      '{ v = 0; if (q > 0) v = ($2 - $1) * 1e6 / hz / q
         sep = "/"; if (NR == 1) sep = ""
         printf "%s%.0f", sep, v }')
  echo "$(echo "$out" | sed -n "s/.*$what: *[0-9]* *(\([0-9.]*\) per sec.*/\1/p") $cpu"
}

declare -A result cpu
for target in $targets; do
  port=${port_of[$target]}
  MYSQL_PWD=${pw_of[$target]:-} mysql -h127.0.0.1 -P"$port" -uroot -e "CREATE DATABASE sbtest"
  echo "bench: $target: preparing $tables tables x $size rows" >&2
  sysbench oltp_read_write --mysql-host=127.0.0.1 --mysql-port="$port" \
    --mysql-user=root --mysql-password="${pw_of[$target]:-}" --mysql-db=sbtest --tables="$tables" \
    --table-size="$size" --threads="$threads" prepare >/dev/null
done
for w in $workloads; do
  what=transactions
  [ "$w" = point_select ] && what=queries
  test=oltp_$w
  for target in $targets; do
    port=${port_of[$target]}
    if [ "$w" = bulk_insert ]; then
      test=bench/sysbench/bulk_insert_rows.lua
      sysbench "$test" --mysql-host=127.0.0.1 --mysql-port="$port" \
        --mysql-user=root --mysql-password="${pw_of[$target]:-}" --mysql-db=sbtest --threads="$threads" \
        prepare >/dev/null
    fi
    echo "bench: $target: $test, $threads threads, $time s, ps-mode $ps_mode" >&2
    # shellcheck disable=SC2086  # one PID per word
    read -r result[$target,$w] cpu[$target,$w] < <(run "$port" "$test" "$what" ${pids_of[$target]})
    if [ "$w" = bulk_insert ]; then
      # Events are statements of 1,000 rows: rows per second, and CPU per
      # row.
      result[$target,$w]=$(awk -v s="${result[$target,$w]}" 'BEGIN { printf "%.0f", s * 1000 }')
      cpu[$target,$w]=$(echo "${cpu[$target,$w]}" | awk -F/ '{ s = ""
        for (i = 1; i <= NF; i++) { s = s (i > 1 ? "/" : "") sprintf("%.2f", $i / 1000) }
        print s }')
    fi
  done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
echo "sysbench $threads threads, ${time}s, $tables x $size rows, ps-mode $ps_mode; CPU us per query (per row for bulk insert) of each process"
for target in $targets; do
  [ "$target" = mariadb ] && continue
  label="xcn $target"
  procs="xcn"
  [ "$target" = processes ] && procs="xcn/dn0/dn1"
  printf "%-30s %12s %12s %7s   %s\n" "workload ($label)" "$target" "MariaDB" "ratio" \
    "CPU $procs | MariaDB"
  for w in $workloads; do
    unit=TPS
    name=oltp_$w
    [ "$w" = point_select ] && unit=QPS
    [ "$w" = bulk_insert ] && unit="rows/s" && name=bulk_insert_1000
    printf "%-30s %12s %12s %7s   %s | %s\n" "$name $unit" "${result[$target,$w]}" \
      "${result[mariadb,$w]}" "$(ratio "${result[$target,$w]}" "${result[mariadb,$w]}")" \
      "${cpu[$target,$w]}" "${cpu[mariadb,$w]}"
  done
done
