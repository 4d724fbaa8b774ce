#!/usr/bin/env bash
# README "run" command: installs what is missing, builds, and starts a local
# server on 127.0.0.1 in the foreground (Ctrl-C stops it).
# Today that is one data node (xdn: SQL over RocksDB, data under
# ./data/dn0, kept across restarts); it grows into the full local cluster
# (1 CN + 2 DNs behind the MySQL protocol) with the compute node.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
port=${XP_PORT:-33060}
mkdir -p data
cat <<MSG

xdn (XProtocol data node) on 127.0.0.1:$port, data in ./data/dn0
(user root, empty password). Connect with the bundled client:
  build/bin/xcli --port $port
  build/bin/xcli --port $port -e 'CREATE TABLE t (id INT PRIMARY KEY, v TEXT)'
or any MySQL X Protocol client, e.g. @mysql/xdevapi:
  mysqlx://root@127.0.0.1:$port/test?ssl-mode=DISABLED
Press Ctrl-C to stop (open transactions roll back; committed data stays).

MSG
exec build/bin/xdn --port="$port" --data_dir=data/dn0 --user=root --password=
