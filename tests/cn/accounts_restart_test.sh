#!/usr/bin/env bash
# Accounts live in the cluster's catalog: the first start makes the first
# account from --user and --password_file (never from the command line),
# later starts keep every account, password, lock and grant made since
# (the flags no longer matter), in both placements. Driven with the mysql
# CLI.
# Usage: tests/cn/accounts_restart_test.sh BIN_DIR
set -eu
bin=$1
mysql=$(command -v mysql || command -v mariadb)
work=$(mktemp -d)
pids=()
cn=
trap 'for p in "${pids[@]}" $cn; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; tail -20 "$work/cn.log" >&2; exit 1; }
free_port() {
  perl -MIO::Socket::INET -e \
    'my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0) or die; print $s->sockport'
}
port=$(free_port)
for i in 0 1; do
  "$bin/xdn" --data_dir="$work/dn$i" --port=0 --port_file="$work/dn$i.port" \
    --user=root --password= --sync_wal=false >"$work/dn$i.log" 2>&1 &
  pids+=($!)
done
for i in 0 1; do
  for _ in $(seq 1 100); do [ -s "$work/dn$i.port" ] && break; sleep 0.1; done
  [ -s "$work/dn$i.port" ] || fail "xdn $i did not start"
done
dns="127.0.0.1:$(cat "$work/dn0.port"),127.0.0.1:$(cat "$work/dn1.port")"
start() {  # start PLACEMENT [FLAGS...]
  local placement=$1
  shift
  set -- --ssl_dir="$work/tls" "$@"  # as the README cluster: TLS offered
  if [ "$placement" = embedded ]; then
    "$bin/xcn" --port="$port" --embedded_dns=2 --data_dir="$work/emb" "$@" >>"$work/cn.log" 2>&1 &
  else
    "$bin/xcn" --port="$port" --dn="$dns" "$@" >>"$work/cn.log" 2>&1 &
  fi
  cn=$!
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return; sleep 0.1; done
  fail "xcn did not start"
}
stop() { kill -TERM "$cn"; wait "$cn" || fail "xcn did not stop cleanly"; cn=; }
q() {  # q USER PASSWORD SQL
  MYSQL_PWD=$2 "$mysql" -h127.0.0.1 -P"$port" -u"$1" -N -B -e "$3"
}

for placement in processes embedded; do
  printf 'first-secret\n' >"$work/pw"
  chmod 600 "$work/pw"
  start "$placement" --password_file="$work/pw"
  grep -q "created 'root'@'localhost'" "$work/cn.log" || fail "$placement: no first account"
  q root "" "SELECT 1" 2>/dev/null && fail "$placement: root without its password"
  [ "$(q root first-secret "SELECT CURRENT_USER()")" = "root@localhost" ] ||
    fail "$placement: root with the password of --password_file"
  q root first-secret "CREATE DATABASE IF NOT EXISTS r; CREATE TABLE IF NOT EXISTS r.t (id INT PRIMARY KEY);
    CREATE USER app IDENTIFIED BY 'app-pw'; GRANT SELECT, INSERT ON r.* TO app;
    CREATE USER gone IDENTIFIED BY 'x' ACCOUNT LOCK; CREATE USER tmp; RENAME USER tmp TO tmp2;
    SET PASSWORD FOR root@localhost = 'second-secret';
    CREATE ROLE rw; GRANT SELECT, DELETE ON r.* TO rw; CREATE USER ru IDENTIFIED BY 'ru-pw';
    GRANT rw TO ru; SET DEFAULT ROLE rw TO ru;
    CREATE TABLE IF NOT EXISTS r.c (id INT PRIMARY KEY, secret INT); INSERT INTO r.c VALUES (1, 42);
    CREATE USER cu IDENTIFIED BY 'cu-pw'; GRANT SELECT (id), UPDATE (secret) ON r.c TO cu"
  q app app-pw "INSERT INTO r.t VALUES (1)"
  stop
  # Another password in the flags changes nothing now: the catalog rules.
  printf 'ignored\n' >"$work/pw"
  start "$placement" --password_file="$work/pw"
  q root ignored "SELECT 1" 2>/dev/null && fail "$placement: the first account was made again"
  [ "$(q root second-secret "SELECT COUNT(*) FROM r.t")" = 1 ] || fail "$placement: root after restart"
  # caching_sha2_password (app's plugin, the default): a fresh CN knows no
  # password yet, so the first login takes the full path — without TLS the
  # CLI fetches the CN's RSA public key and sends the password encrypted —
  # later ones its fast path (with or without TLS). The exchanges
  # themselves are checked byte by byte in cn_mysql_server_test.
  [ "$(MYSQL_PWD=app-pw "$mysql" -h127.0.0.1 -P"$port" -uapp --skip-ssl -N -B -e "SELECT 1")" = 1 ] ||
    fail "$placement: caching_sha2_password's full path over RSA"
  MYSQL_PWD=app-px "$mysql" -h127.0.0.1 -P"$port" -uapp --skip-ssl -e "SELECT 1" 2>&1 |
    grep -q "ERROR 1045" || fail "$placement: a wrong password over RSA"
  [ "$(q app app-pw "SELECT COUNT(*) FROM r.t")" = 1 ] || fail "$placement: app after restart"
  [ "$(MYSQL_PWD=app-pw "$mysql" -h127.0.0.1 -P"$port" -uapp --skip-ssl -N -B -e "SELECT 2")" = 2 ] ||
    fail "$placement: caching_sha2_password's fast path"
  q app app-pw "DELETE FROM r.t" 2>&1 | grep -q "ERROR 1142" || fail "$placement: app got DELETE"
  q gone x "SELECT 1" 2>&1 | grep -q "ERROR 3118" || fail "$placement: the lock was lost"
  [ "$(q tmp2 "" "SELECT CURRENT_USER()")" = "tmp2@%" ] || fail "$placement: the rename was lost"
  q tmp "" "SELECT 1" 2>/dev/null && fail "$placement: the old name still logs in"
  # Roles: the grant, the role's privileges and the default role survive.
  [ "$(q ru ru-pw "SELECT CURRENT_ROLE()")" = '`rw`@`%`' ] || fail "$placement: default role lost"
  [ "$(q ru ru-pw "SELECT COUNT(*) FROM r.t")" = 1 ] || fail "$placement: the role's SELECT"
  q ru ru-pw "SET ROLE NONE; SELECT COUNT(*) FROM r.t" 2>&1 | grep -q "ERROR 1142" ||
    fail "$placement: SET ROLE NONE kept the role's privileges"
  q ru ru-pw "INSERT INTO r.t VALUES (9)" 2>&1 | grep -q "ERROR 1142" || fail "$placement: ru got INSERT"
  q rw "" "SELECT 1" 2>&1 | grep -q "ERROR 3118" || fail "$placement: a role logged in"
  q root second-secret "SHOW GRANTS FOR ru" | grep -qx 'GRANT `rw`@`%` TO `ru`@`%`' ||
    fail "$placement: SHOW GRANTS lost the role"
  # Column privileges: the granted columns only, through the CN's planner.
  [ "$(q cu cu-pw "SELECT id FROM r.c")" = 1 ] || fail "$placement: cu's column"
  for sql in "SELECT secret FROM r.c" "SELECT * FROM r.c" "SELECT id FROM r.c WHERE secret = 42" \
      "UPDATE r.c SET secret = 1 WHERE secret = 42"; do
    q cu cu-pw "$sql" 2>&1 | grep -q "ERROR 1143" || fail "$placement: cu ran $sql"
  done
  q cu cu-pw "UPDATE r.c SET secret = 43 WHERE id = 1"
  [ "$(q root second-secret "SELECT secret FROM r.c")" = 43 ] || fail "$placement: cu's UPDATE"
  q root second-secret "UPDATE r.c SET secret = 42"
  # information_schema lists what each account may see.
  [ "$(q app app-pw "SELECT GROUP_CONCAT(TABLE_NAME ORDER BY TABLE_NAME) FROM information_schema.TABLES")" = c,t ] ||
    fail "$placement: app's information_schema.TABLES"
  [ "$(q cu cu-pw "SELECT GROUP_CONCAT(TABLE_NAME) FROM information_schema.TABLES")" = c ] ||
    fail "$placement: cu's information_schema.TABLES"
  [ "$(q cu cu-pw "SELECT GROUP_CONCAT(SCHEMA_NAME ORDER BY SCHEMA_NAME) FROM information_schema.SCHEMATA")" = information_schema,r ] ||
    fail "$placement: cu's SCHEMATA"
  [ "$(q cu cu-pw "SELECT GROUP_CONCAT(x ORDER BY x) FROM (SELECT CONCAT(COLUMN_NAME, ':', PRIVILEGE_TYPE) AS x FROM information_schema.COLUMN_PRIVILEGES) d")" = id:SELECT,secret:UPDATE ] ||
    fail "$placement: cu's COLUMN_PRIVILEGES"
  [ "$(q cu cu-pw "SELECT COUNT(*) FROM information_schema.SCHEMA_PRIVILEGES")" = 0 ] ||
    fail "$placement: cu sees others' grants"
  [ "$(q root second-secret "SELECT GROUP_CONCAT(PRIVILEGE_TYPE ORDER BY PRIVILEGE_TYPE) FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = \"'app'@'%'\"")" = INSERT,SELECT ] ||
    fail "$placement: root's SCHEMA_PRIVILEGES"
  [ "$(q root second-secret "SHOW GRANTS FOR app" | tail -1)" = 'GRANT SELECT, INSERT ON `r`.* TO `app`@`%`' ] ||
    fail "$placement: grants after restart"
  stop
done
# A flood of connections that never log in: real clients get 1040 while it
# holds every slot, and get in once connect_timeout has closed them.
printf 'pw\n' >"$work/pw2"
port=$(free_port)
"$bin/xcn" --port="$port" --embedded_dns=2 --data_dir="$work/flood" --password_file="$work/pw2" \
  --max_connections=40 --connect_timeout=2 --ssl_dir="$work/tls" >>"$work/cn.log" 2>&1 &
cn=$!
for _ in $(seq 1 100); do q root pw "SELECT 1" >/dev/null 2>&1 && break; sleep 0.1; done
# TLS with the certificate xcn made, verified against its CA by the CLI.
MYSQL_PWD=pw "$mysql" -h127.0.0.1 -P"$port" -uroot --ssl-ca="$work/tls/ca.pem" \
  --ssl-verify-server-cert -e status | grep -q "Cipher in use" || fail "no TLS with --ssl-verify-server-cert"
[ "$(stat -c %a "$work/tls/server-key.pem")" = 600 ] || fail "the TLS key is readable by others"
q root pw "CREATE USER sec IDENTIFIED BY 's' REQUIRE SSL"
MYSQL_PWD=s "$mysql" -h127.0.0.1 -P"$port" -usec --ssl-ca="$work/tls/ca.pem" --ssl-verify-server-cert \
  -N -B -e "SELECT CURRENT_USER()" | grep -q "sec@%" || fail "REQUIRE SSL account over TLS"
MYSQL_PWD=s "$mysql" -h127.0.0.1 -P"$port" -usec --skip-ssl -e "SELECT 1" 2>&1 | grep -q "1045" ||
  fail "REQUIRE SSL account without TLS"
fds=()
for _ in $(seq 1 40); do exec {fd}<>"/dev/tcp/127.0.0.1/$port"; fds+=($fd); done
q root pw "SELECT 1" 2>&1 | grep -q "1040" || fail "no 1040 while flooded"
t0=$(date +%s%N)
until q root pw "SELECT 1" >/dev/null 2>&1; do
  [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 6000 ] || fail "still flooded after connect_timeout"
  sleep 0.2
done
for fd in "${fds[@]}"; do exec {fd}<&-; done
rss=$(awk '/VmRSS/ {print $2}' "/proc/$cn/status")
stop
echo "flood: served again after $(( ($(date +%s%N) - t0) / 1000000 )) ms (xcn RSS ${rss} KiB)"
# The password never reaches the log or the catalog in the clear.
grep -q "first-secret\|second-secret\|app-pw" "$work/cn.log" && fail "a password in the log"
echo "accounts survive restarts in both placements"
