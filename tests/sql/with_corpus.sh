#!/usr/bin/env bash
# with_corpus.sh DEFAULT_DIR CMD ARGS...
#
# Runs a test that needs the sqllogictest corpus (the dolthub sqllogictest
# collection with MySQL's answers; see README "Test data"). The corpus root
# is $XP_CORPUS_DIR, else DEFAULT_DIR (CMake: ../shared/corpora); it holds
# sqllogictest/. In ARGS, @CORPUS_SAMPLE@ becomes the sample's files (about
# a quarter of the corpus: select1-5, one file of each random/ area, the
# smallest index/ variant of each kind, evidence/), and XP_SLT_CORPUS is
# set to the corpus's sqllogictest/ directory.
#
# Without the corpus the test is skipped (exit 77, ctest's SKIP_RETURN_CODE)
# with a message saying where to put it, except under CI=true, where a
# missing corpus is a failure.
set -euo pipefail
dir=${XP_CORPUS_DIR:-$1}
shift
slt="$dir/sqllogictest"
if [ ! -d "$slt" ]; then
  msg="the sqllogictest corpus is not at $slt (set XP_CORPUS_DIR to the directory holding sqllogictest/: the dolthub sqllogictest collection with MySQL answers)"
  if [ "${CI:-}" = true ]; then
    echo "FAILED: $msg" >&2
    exit 1
  fi
  echo "SKIPPED: $msg"
  exit 77
fi
export XP_SLT_CORPUS="$slt"
shopt -s nullglob
sample=("$slt"/select*.test.gz "$slt"/random/*/slt_good_0.test.gz
  "$slt"/index/*/10/slt_good_0.test.gz "$slt"/index/delete/1/slt_good_0.test.gz
  "$slt"/index/between/1/slt_good_0.test.gz
  "$slt"/index/view/100/slt_good_0.test.gz "$slt"/evidence/*.test.gz)
if [ ${#sample[@]} -eq 0 ]; then
  echo "FAILED: no sample files under $slt" >&2
  exit 1
fi
args=()
for a in "$@"; do
  if [ "$a" = "@CORPUS_SAMPLE@" ]; then
    args+=("${sample[@]}")
  else
    args+=("$a")
  fi
done
exec "${args[@]}"
