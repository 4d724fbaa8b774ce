#!/usr/bin/env bash
# Fails when a tracked C++ or proto file is not clang-formatted (Google base,
# .clang-format). With --fix, formats them in place instead.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cc' '*.h' '*.proto')
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
  exit 0
fi
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/xp-format.$$; then
  head -n 20 /tmp/xp-format.$$
  rm -f /tmp/xp-format.$$
  echo "check-format: run scripts/check-format.sh --fix" >&2
  exit 1
fi
rm -f /tmp/xp-format.$$
