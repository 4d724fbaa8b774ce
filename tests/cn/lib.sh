# Shared by the shell tests under tests/cn/ (sourced; needs XP_PORT).
mysql=$(command -v mysql || command -v mariadb)
port=$XP_PORT
fail() { echo "FAIL: $*" >&2; exit 1; }
q() { "$mysql" -h127.0.0.1 -P"$port" -uroot --batch --skip-column-names "$@"; }
expect() {  # expect "description" "expected output" actual...
  local what=$1 want=$2
  shift 2
  local got
  got=$("$@" 2>&1) || true
  [ "$got" = "$want" ] || fail "$what: expected [$want], got [$got]"
}

# keys_on_each_dn DB TABLE N: sets on0 / on1 to a primary key (1..N) whose
# row lives on DN 0 / DN 1, as EXPLAIN shows the pruned target.
keys_on_each_dn() {
  on0= on1=
  local i where
  for i in $(seq 1 "$3"); do
    where=$(q "$1" -e "EXPLAIN SELECT * FROM $2 WHERE id = $i" | grep -o "@dn[01]" | head -1)
    [ "$where" = "@dn0" ] && [ -z "$on0" ] && on0=$i
    [ "$where" = "@dn1" ] && [ -z "$on1" ] && on1=$i
  done
  [ -n "$on0" ] && [ -n "$on1" ] || fail "keys are not spread over both data nodes"
}
