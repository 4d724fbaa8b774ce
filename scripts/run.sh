#!/usr/bin/env bash
# README "run" command: installs what is missing, builds, and starts a local
# server on 127.0.0.1 in the foreground (Ctrl-C stops it).
# Until the data and compute nodes land, what exists is the XProtocol test
# server with canned tables (tools/xtestd); this script grows into the full
# local cluster (1 CN + 2 DNs) as they do.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
port=${XP_PORT:-33060}
cat <<MSG

XProtocol test server on 127.0.0.1:$port (user root, empty password).
Connect with the bundled client:
  build/bin/xcli --port $port -e 'SELECT * FROM types'
or any MySQL X Protocol client, e.g. @mysql/xdevapi:
  mysqlx://root@127.0.0.1:$port?ssl-mode=DISABLED
Press Ctrl-C to stop.

MSG
exec build/bin/xp-testserver --port="$port" --user=root --password=
