#!/usr/bin/env bash
# Starts an X Protocol server (xp-testserver, or xdn) on a free port with
# the account alice/secret and SERVER FLAGS (@WORK@ in them names its work
# directory, which the test gets as XP_WORK), runs an @mysql/xdevapi test
# file against it with node's test runner, and stops the server by PID.
# Usage: tests/xdevapi/run.sh SERVER [TEST.js [SERVER FLAGS...]]
#   (default test: xdevapi.test.js, the canned-table test for xp-testserver)
set -euo pipefail
server_bin=$(realpath "$1")
test_file=${2:-xdevapi.test.js}
shift $(( $# < 2 ? $# : 2 ))
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$here/node_modules/@mysql/xdevapi" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
work=$(mktemp -d)
"$server_bin" --port=0 --port_file="$work/port" --user=alice --password=secret "${@//@WORK@/$work}" \
  >"$work/server.log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "xp-testserver did not start"; cat "$work/server.log"; exit 1; }
XP_PORT=$(cat "$work/port") XP_WORK=$work node --test "$here/$test_file"
