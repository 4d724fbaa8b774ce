#!/usr/bin/env bash
# Runs the whole sqllogictest corpus (../shared/corpora/sqllogictest) through
# the in-memory engine and prints per-file pass / fail / unsupported / known
# counts (the full-corpus command of issue 3). Known failures are listed in
# tests/sql/KNOWN_FAILURES.md. Extra arguments go to slt_runner (--verbose,
# --reasons, --require-all). With --xdn first, the corpus runs through a real
# xdn process over X Protocol instead (RocksDB; several minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh >/dev/null
corpus=${XP_SLT_CORPUS:-${XP_CORPUS_DIR:-../shared/corpora}/sqllogictest}
[ -d "$corpus" ] || { echo "slt-corpus: no corpus at $corpus (README \"Test data\")" >&2; exit 1; }
via=()
if [ "${1:-}" = "--xdn" ]; then
  shift
  via=(tests/dn/with_xdn.sh build/bin/xdn)
  set -- --xdn @PORT@ --password secret "$@"
fi
mapfile -t files < <(find "$corpus" -name '*.test*' | sort)
"${via[@]}" build/bin/slt_runner --known tests/sql/KNOWN_FAILURES.md "$@" \
  "${files[@]}"
