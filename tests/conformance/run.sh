#!/usr/bin/env bash
# Runs the conformance scripts (tests/conformance/scripts/*.xcs, format in
# docs/CONFORMANCE.md) against any XProtocol data node and prints one line
# per script. Exit status 0 when every script passes. With --embedded, no
# server is needed: each script runs against a data node inside xcli,
# reached over the in-memory transport (xcli --embedded_dn, a fresh data
# directory per run).
# Usage: tests/conformance/run.sh [--xcli PATH] (--host H --port P | --embedded)
#        [--user U] [--password W] [SCRIPT...]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
xcli="$here/../../build/bin/xcli"
host=127.0.0.1 port="" user=root password="" embedded=""
scripts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --xcli) xcli=$2; shift 2 ;;
    --host) host=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --user) user=$2; shift 2 ;;
    --password) password=$2; shift 2 ;;
    --embedded) embedded=$(mktemp -d); shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) scripts+=("$1"); shift ;;
  esac
done
if [ -z "$port" ] && [ -z "$embedded" ]; then
  echo "run.sh: --port or --embedded is required" >&2
  exit 2
fi
where=(--host="$host" --port="${port:-0}")
if [ -n "$embedded" ]; then
  trap 'rm -rf "$embedded"' EXIT
  where=(--embedded_dn="$embedded/dn")
fi
[ ${#scripts[@]} -eq 0 ] && scripts=("$here"/scripts/*.xcs)
failed=0
for s in "${scripts[@]}"; do
  start=$(date +%s%N)
  if out=$("$xcli" "${where[@]}" --user="$user" \
      --password="$password" --script="$s" 2>&1); then
    printf 'PASS %-28s %5d ms\n' "$(basename "$s")" $(( ($(date +%s%N) - start) / 1000000 ))
  else
    printf 'FAIL %s\n%s\n' "$(basename "$s")" "$out"
    failed=$((failed + 1))
  fi
done
echo "${#scripts[@]} scripts, $failed failed"
[ $failed -eq 0 ]
