#!/usr/bin/env bash
# Builds the unit tests (codec, xprotocol incl. loopback server tests, plan;
# dn storage under ASan only) with ASan+UBSan and with TSan, and runs them. Part of scripts/test.sh; set
# XP_SKIP_SANITIZERS=1 to skip there.
set -euo pipefail
cd "$(dirname "$0")/.."
run() {
  local name=$1 flags=$2
  shift 2  # extra targets
  local dir=build-$name
  echo "== sanitizer: $flags"
  if [ ! -f "$dir/build.ninja" ]; then
    cmake -G Ninja -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DXP_SANITIZE="$flags" \
      -DXP_BUILD_BENCH=OFF . >/dev/null
  fi
  cmake --build "$dir" -j2 --target codec_test xprotocol_test plan_sql_test plan_types_test \
    plan_exec_test plan_store_test plan_session_test plan_test "$@"
  local log
  log=$(mktemp)
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    TSAN_OPTIONS=halt_on_error=1 \
    ctest --test-dir "$dir" -L unit --output-on-failure -j2 \
      $([ "$name" = tsan ] && echo "-E StorageTest|CatalogTest|TableTest|SqlStoreTest|XHandlerTest") >"$log" 2>&1; then
    cat "$log"  # the whole report: which test, and the sanitizer's trace
    rm -f "$log"
    return 1
  fi
  tail -n 3 "$log"
  rm -f "$log"
}
# The dn tests under ASan only: RocksDB itself is not built with TSan, so
# TSan cannot see its synchronisation; the TSan run excludes them.
# The compute node's MySQL front end (cn_mysql_server_test) under both.
run asan address,undefined dn_storage_test dn_catalog_test dn_table_test dn_x_handler_test \
  dn_sql_store_test cn_mysql_server_test
run tsan thread cn_mysql_server_test
