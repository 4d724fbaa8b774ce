#!/usr/bin/env bash
# README "run" command: installs what is missing, builds, and starts a local
# cluster on 127.0.0.1 — one compute node (xcn, MySQL protocol on port 3306)
# in front of two data nodes (xdn, ports 33060 and 33061), data and logs
# under ./data (kept across restarts) — then prints how to connect. The
# cluster runs in the background: `scripts/xcluster stop` stops it,
# `scripts/xcluster status` shows it. XP_PORT / XP_DN_PORT change the ports.
# XP_PLACEMENT=embedded (or --placement embedded) runs the same cluster as
# one process instead: xcn with the two data nodes inside it (no DN ports),
# the faster choice on one machine; processes (the default) is the shape
# that scales out to data nodes on other hosts.
set -euo pipefail
cd "$(dirname "$0")/.."
placement=${XP_PLACEMENT:-processes}
if [ "${1:-}" = --placement ]; then placement=${2:-}; fi
case "$placement" in
  processes|embedded) ;;
  *) echo "run.sh: --placement processes|embedded" >&2; exit 2 ;;
esac
scripts/install-deps.sh
scripts/build.sh
port=${XP_PORT:-3306}
dn_port=${XP_DN_PORT:-33060}
# Nodes left running from ./data (all or some) are restarted on the new
# build; a fresh clone has none and says nothing.
running=$(scripts/xcluster status --data data 2>/dev/null || true)
if grep -q ": running" <<<"$running"; then
  echo "a cluster from ./data is running already; restarting it"
  scripts/xcluster stop --data data >/dev/null
fi
scripts/xcluster start --placement "$placement" --dns 2 --port "$port" \
  --dn_port "$dn_port" --data data >/dev/null
if [ "$placement" = embedded ]; then
  where="placement embedded: one xcn process (MySQL protocol on 127.0.0.1:$port)
with two data nodes inside it"
else
  where="placement processes: xcn (MySQL protocol) on 127.0.0.1:$port over two
xdn data nodes (127.0.0.1:$dn_port and :$((dn_port + 1)))"
fi
cat <<MSG

XProtocol cluster running, $where; data and logs in ./data.
User root; its password (made on the cluster's first start) is in
./data/root.password, readable by you alone. Connect with:

  MYSQL_PWD=\$(cat data/root.password) mysql -h127.0.0.1 -P$port -uroot

(TLS: add --ssl-ca=data/tls/ca.pem --ssl-verify-server-cert) and make
accounts for applications (CREATE USER, GRANT; docs/SECURITY.md).

Tables are hash-partitioned over the data nodes by primary key (PARTITION BY
HASH(cols) PARTITIONS n, BROADCAST and SINGLE change that); EXPLAIN shows
what each data node is sent. Stop with: scripts/xcluster stop
MSG
