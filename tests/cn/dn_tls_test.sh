#!/usr/bin/env bash
# The compute node's link to its data nodes in the processes placement:
# data nodes that require TLS (--require_secure_transport; both serve the
# one certificate set that whichever starts first makes in their shared
# --ssl_dir) and take the service account's password from a file. The CN
# starts TLS by itself, verifies the certificate when told to, and stops
# with a clear error for clear text, a wrong password or another CA; no
# secret is on a command line. Driven with the mysql CLI.
# Usage: tests/cn/dn_tls_test.sh BIN_DIR
set -eu
bin=$1
mysql=$(command -v mysql || command -v mariadb)
work=$(mktemp -d)
pids=()
cn=
trap 'for p in "${pids[@]}" $cn; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; tail -20 "$work/cn.log" >&2; exit 1; }
port=$(perl -MIO::Socket::INET -e \
  'my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0) or die; print $s->sockport')
(umask 077 && printf 'svc-secret\n' >"$work/dnpw" && printf 'root-secret\n' >"$work/rootpw" &&
  printf 'not-it\n' >"$work/badpw")
for i in 0 1; do
  "$bin/xdn" --data_dir="$work/dn$i" --port=0 --port_file="$work/dn$i.port" \
    --password_file="$work/dnpw" --ssl_dir="$work/tls" --require_secure_transport \
    --sync_wal=false >"$work/dn$i.log" 2>&1 &
  pids+=($!)
done
for i in 0 1; do
  for _ in $(seq 1 100); do [ -s "$work/dn$i.port" ] && break; sleep 0.1; done
  [ -s "$work/dn$i.port" ] || { cat "$work/dn$i.log"; fail "xdn $i did not start"; }
done
dns="127.0.0.1:$(cat "$work/dn0.port"),127.0.0.1:$(cat "$work/dn1.port")"
# One set of files, no leftovers of the node that lost the race.
[ -s "$work/tls/server-cert.pem" ] && [ -s "$work/tls/ca.pem" ] || fail "no certificate made"
[ -z "$(ls -d "$work"/tls.tmp-* 2>/dev/null)" ] || fail "temporary TLS directories left"
[ "$(stat -c %a "$work/tls/server-key.pem")" = 600 ] || fail "the key is readable by others"
grep -q "TLS: certificate .* (required)" "$work/dn0.log" || fail "dn0 does not say it requires TLS"

# start_cn FLAGS...: 0 once it serves, 1 when it exits first.
start_cn() {
  "$bin/xcn" --port="$port" --dn="$dns" --password_file="$work/rootpw" \
    --dn_timeout_ms=3000 "$@" >>"$work/cn.log" 2>&1 &
  cn=$!
  for _ in $(seq 1 150); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    kill -0 "$cn" 2>/dev/null || { wait "$cn" 2>/dev/null || true; cn=; return 1; }
    sleep 0.1
  done
  fail "xcn neither served nor exited"
}
stop_cn() { kill -TERM "$cn"; wait "$cn" || fail "xcn did not stop cleanly"; cn=; }
q() { MYSQL_PWD=root-secret "$mysql" -h127.0.0.1 -P"$port" -uroot -N -B -e "$1"; }

# Clear text to a DN that requires TLS: refused (3159), the CN does not start.
: >"$work/cn.log"
start_cn --dn_password_file="$work/dnpw" --dn_ssl_mode=disabled && fail "xcn started over clear text"
grep -q "3159" "$work/cn.log" || fail "no 3159 for clear text"
# A wrong service password: 1045.
: >"$work/cn.log"
start_cn --dn_password_file="$work/badpw" && fail "xcn started with a wrong DN password"
grep -q "1045" "$work/cn.log" || fail "no 1045 for the wrong DN password"
# Another CA: the certificate check fails.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=another CA" \
  -days 1 -keyout "$work/other-key.pem" -out "$work/other-ca.pem" 2>/dev/null
: >"$work/cn.log"
start_cn --dn_password_file="$work/dnpw" --dn_ssl_mode=verify_ca --dn_ssl_ca="$work/other-ca.pem" &&
  fail "xcn accepted a certificate of another CA"
grep -q "certificate verify failed" "$work/cn.log" || fail "no certificate error"

# The default: TLS because the DNs ask; data on both DNs.
: >"$work/cn.log"
start_cn --dn_password_file="$work/dnpw" || fail "xcn did not start with TLS to the DNs"
q "CREATE DATABASE s; CREATE TABLE s.t (id INT PRIMARY KEY, v VARCHAR(10)) PARTITION BY HASH(id) PARTITIONS 4;
   INSERT INTO s.t VALUES (1,'a'),(2,'b'),(3,'c'),(4,'d'),(5,'e')"
[ "$(q "SELECT COUNT(*), GROUP_CONCAT(v ORDER BY v) FROM s.t")" = "$(printf '5\ta,b,c,d,e')" ] ||
  fail "rows over TLS"
# No secret on any command line.
for p in "${pids[@]}" $cn; do
  tr '\0' ' ' <"/proc/$p/cmdline" | grep -q -e svc-secret -e root-secret && fail "a secret in ps"
done
stop_cn
# Verified against the cluster's CA, by name and by address.
start_cn --dn_password_file="$work/dnpw" --dn_ssl_mode=verify_identity --dn_ssl_ca="$work/tls/ca.pem" ||
  fail "xcn did not start with verify_identity"
[ "$(q "SELECT COUNT(*) FROM s.t WHERE id > 2")" = 3 ] || fail "rows with verify_identity"
stop_cn
echo "dn_tls_test: ok"
