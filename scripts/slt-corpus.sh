#!/usr/bin/env bash
# Runs the whole sqllogictest corpus (../shared/corpora/sqllogictest) through
# the in-memory engine and prints per-file pass / fail / unsupported / known
# counts (the full-corpus command of issue 3). Known failures are listed in
# tests/sql/KNOWN_FAILURES.md. Extra arguments go to slt_runner (--verbose,
# --reasons, --require-all).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh >/dev/null
corpus=${XP_SLT_CORPUS:-../shared/corpora/sqllogictest}
find "$corpus" -name '*.test*' | sort |
  xargs build/bin/slt_runner --known tests/sql/KNOWN_FAILURES.md "$@"
