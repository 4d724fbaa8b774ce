#!/usr/bin/env bash
# The mysql / mariadb command-line client in batch mode against a real
# cluster (run under tests/cn/with_cluster.sh): DDL with every placement,
# DML, joins, aggregates, EXPLAIN of shipped fragments in both xplan modes,
# SHOW statements, errors with their codes, KILL, and the global catalog
# surviving a compute node restart.
set -eu  # no pipefail: error checks pipe a failing client into grep
. "$(dirname "$0")/lib.sh"
q -e "CREATE DATABASE shop"
q shop <<'SQL'
CREATE TABLE customer (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, city VARCHAR(20)) PARTITION BY HASH(id) PARTITIONS 4;
CREATE TABLE orders (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, cust INT NOT NULL, amount DECIMAL(10,2), day DATE, KEY k_cust (cust));
CREATE TABLE city (name VARCHAR(20) PRIMARY KEY, country CHAR(2)) BROADCAST;
CREATE TABLE note (id INT PRIMARY KEY, txt TEXT) SINGLE;
INSERT INTO customer VALUES (1,'ann','Oslo'),(2,'bob','Rome'),(3,'cid','Oslo'),(4,'dan',NULL),(5,'eve','Rome');
INSERT INTO orders (cust, amount, day) VALUES (1, 10.50, '2026-01-02'), (2, 20.00, '2026-01-03'), (1, 5.25, '2026-02-01'), (3, 7.00, '2026-02-02'), (5, 100.00, '2026-03-01');
INSERT INTO city VALUES ('Oslo','NO'),('Rome','IT');
INSERT INTO note VALUES (1, 'it''s a \\backslash');
SQL

expect "ids are 1..5 in insert order" "1
2
3
4
5" q shop -e "SELECT id FROM orders ORDER BY id"
expect "join + aggregate" "ann	2	15.75
bob	1	20.00
cid	1	7.00
eve	1	100.00" q shop -e "SELECT c.name, COUNT(*), SUM(o.amount) FROM customer c JOIN orders o ON o.cust = c.id GROUP BY c.name ORDER BY c.name"
expect "join with a broadcast table" "IT	2
NO	2" q shop -e "SELECT ci.country, COUNT(*) FROM customer c JOIN city ci ON c.city = ci.name GROUP BY ci.country ORDER BY 1"
expect "avg, min, max, count distinct" "28.550000	5.25	100.00	4" q shop -e "SELECT AVG(amount), MIN(amount), MAX(amount), COUNT(DISTINCT cust) FROM orders"
expect "top-n" "5	100.00
2	20.00" q shop -e "SELECT cust, amount FROM orders ORDER BY amount DESC LIMIT 2"
expect "subquery" "ann
bob
cid
eve" q shop -e "SELECT name FROM customer WHERE id IN (SELECT cust FROM orders) ORDER BY name"
expect "union" "Oslo
Rome" q shop -e "SELECT city FROM customer WHERE id < 3 UNION SELECT name FROM city ORDER BY 1"
expect "single table, escapes" "it's a \\\\backslash" q shop -e "SELECT txt FROM note"
expect "NULL" "NULL" q shop -e "SELECT city FROM customer WHERE id = 4"

# DML pushed down.
q shop -e "UPDATE customer SET city = 'Bergen' WHERE id = 4"
q shop -e "UPDATE orders SET amount = amount + 1 WHERE cust = 1"
q shop -e "DELETE FROM orders WHERE id = 4"
expect "after update/delete" "1	11.50
2	20.00
3	6.25
5	100.00" q shop -e "SELECT id, amount FROM orders ORDER BY id"
expect "rows affected reported" "2" bash -c "'$mysql' -h127.0.0.1 -P$port -uroot shop -vvv -e \"UPDATE customer SET city = 'Milan' WHERE id = 2 OR id = 5\" | sed -n 's/^Query OK, \([0-9]*\) rows affected.*/\1/p'"
# Changing the partition key moves rows between partitions.
q shop -e "UPDATE customer SET id = id + 100 WHERE id >= 4"
expect "rows moved" "104	dan
105	eve" q shop -e "SELECT id, name FROM customer WHERE id IN (104, 105) ORDER BY id"
expect "nothing left behind" "5" q shop -e "SELECT COUNT(*) FROM customer"
q shop -e "UPDATE customer SET id = id - 100 WHERE id > 100"
expect "moved back" "4	dan
5	eve" q shop -e "SELECT id, name FROM customer WHERE id IN (4, 5) ORDER BY id"
q shop -e "UPDATE customer SET id = 1 WHERE id = 2" 2>&1 | grep -q "^ERROR 1062" ||
  fail "moving a row onto an existing key must fail with 1062"
expect "a failed move changes nothing" "1	ann
2	bob" q shop -e "SELECT id, name FROM customer WHERE id IN (1, 2) ORDER BY id"
# A transaction over several DNs, committed and rolled back.
q shop -e "BEGIN; UPDATE customer SET name = 'ANN' WHERE id = 1; UPDATE customer SET name = 'BOB' WHERE id = 2; COMMIT; BEGIN; UPDATE customer SET name = 'x' WHERE id = 3; UPDATE customer SET name = 'y' WHERE id = 4; ROLLBACK"
expect "commit and rollback" "ANN
BOB
cid
dan" q shop -e "SELECT name FROM customer WHERE id < 5 ORDER BY id"

# EXPLAIN shows what goes where, as a plan or as SQL.
out=$(q shop -e "EXPLAIN SELECT name FROM customer WHERE id = 3")
echo "$out" | grep -q "Remote to __xp_[0-9]*_p[0-3]@dn[01] as plan" || fail "point query EXPLAIN: $out"
[ "$(echo "$out" | grep -o '@dn' | wc -l)" = 1 ] || fail "a point query must touch one partition: $out"
out=$(q shop -e "EXPLAIN SELECT cust, SUM(amount) FROM orders GROUP BY cust")
echo "$out" | grep -q "mode=partial" || fail "partial aggregate not pushed: $out"
echo "$out" | grep -q "mode=final" || fail "no final aggregate on the CN: $out"
out=$(q shop -e "SET xplan_mode = 'sql'; EXPLAIN SELECT name FROM customer WHERE id IN (1, 2)")
echo "$out" | grep -q "as SQL: SELECT" || fail "xplan_mode=sql EXPLAIN: $out"
expect "same answer in sql mode" "ANN
BOB" q shop -e "SET xplan_mode = 'sql'; SELECT name FROM customer WHERE id IN (1, 2) ORDER BY id"
q shop -e "SET xplan_mode = 'fast'" 2>&1 | grep -q "^ERROR 1231 (42000).*Variable 'xplan_mode' can't be set to the value of 'fast'" || fail "bad xplan_mode"

out=$(q shop -e "EXPLAIN ANALYZE SELECT cust, SUM(amount) FROM orders GROUP BY cust")
echo "$out" | grep -q "mode=final  (actual rows=3 " || fail "EXPLAIN ANALYZE rows on the CN: $out"
echo "$out" | grep -Eq "dn[01] __xp_[0-9]+_p[01]: rows=[0-9]+ examined=[0-9]+ time=" ||
  fail "EXPLAIN ANALYZE per-DN feedback: $out"
# Its last line: the optimizer passes as they ran, the CN's placement last.
echo "$out" | tail -1 | grep -Eq "^optimizer: constant_folding [0-9.]+ ms, .*, place_fragments [0-9.]+ ms$" ||
  fail "EXPLAIN ANALYZE optimizer passes: $out"

# INSERT ... SELECT and CREATE TABLE ... AS SELECT across partitions.
q shop -e "CREATE TABLE big_orders (id BIGINT PRIMARY KEY, amount DECIMAL(10,2)); INSERT INTO big_orders SELECT id, amount FROM orders WHERE amount > 10"
expect "insert ... select" "1	11.50
2	20.00
5	100.00" q shop -e "SELECT id, amount FROM big_orders ORDER BY id"
q shop -e "CREATE TABLE per_cust AS SELECT cust, COUNT(*) AS n FROM orders GROUP BY cust"
expect "create table ... as select" "1	2
2	1
5	1" q shop -e "SELECT cust, n FROM per_cust ORDER BY cust"
q shop -e "DROP TABLE big_orders; DROP TABLE per_cust"

# Scans stream under flow control: a big one abandoned early (LIMIT) is
# killed and drained, and the next statements on the same DN connections
# are answered in step; a correlated subquery reading the same DNs while an
# outer scan streams gets its own answers.
q shop -e "CREATE TABLE nums (n INT PRIMARY KEY, pad VARCHAR(200))"
# 12,000 rows of ~210 bytes: each DN's part is over the 1 MiB credit of a
# streamed request, so the DNs pause and resume while it is read.
pad=$(printf 'y%.0s' $(seq 1 200))
for chunk in 0 1 2 3; do
  seq 1 3000 | awk -v base=$((chunk * 3000 + 10000)) -v pad="$pad" \
    'BEGIN { printf "INSERT INTO nums VALUES " }
     { printf "%s(%d,\x27%s\x27)", (NR > 1 ? "," : ""), base + $1, pad }' | q shop
done
expect "a streamed scan" "12000	$((12000 * 12001 / 2 + 12000 * 10000))	2400000" q shop -e "SELECT COUNT(*), SUM(n), SUM(LENGTH(pad)) FROM nums"
expect "limit over a stream" "5" bash -c "'$mysql' -h127.0.0.1 -P$port -uroot -N -B shop -e 'SELECT n, pad FROM nums LIMIT 5' | wc -l"
expect "in step after an abandoned stream" "12000	$((12000 * 12001 / 2 + 12000 * 10000))" bash -c "'$mysql' -h127.0.0.1 -P$port -uroot -N -B shop -e 'SELECT n, pad FROM nums LIMIT 1; SELECT COUNT(*), SUM(n) FROM nums' | tail -1"
expect "correlated subquery under a stream" "1	2
2	1
3	0
5	1" q shop -e "SELECT c.id, (SELECT COUNT(*) FROM orders o WHERE o.cust = c.id) FROM customer c WHERE c.id IN (1, 2, 3, 5) ORDER BY c.id"
expect "subquery over a streamed table per outer row" "3" q shop -e "SELECT COUNT(*) FROM customer c WHERE (SELECT COUNT(*) FROM nums WHERE n = c.id + 10000) = 1 AND c.id <= 3"
q shop -e "DROP TABLE nums"

# SHOW statements and session basics.
expect "show databases has shop" "shop" bash -c "'$mysql' -h127.0.0.1 -P$port -uroot -N -B -e 'SHOW DATABASES' | grep -x shop"
expect "show tables" "city
customer
note
orders" q shop -e "SHOW TABLES"
q shop -e "SHOW CREATE TABLE customer" | grep -q "PARTITION BY HASH(\`id\`) PARTITIONS 4" || fail "SHOW CREATE TABLE lost the partitioning"
q shop -e "SHOW COLUMNS FROM orders" | grep -q "^amount" || fail "SHOW COLUMNS"
expect "database()" "shop" q shop -e "SELECT DATABASE()"
expect "version comment" "XProtocol" q -e "SELECT @@version_comment LIMIT 1"
q -e "SET NAMES utf8mb4; SET autocommit = 1; SET sql_mode = 'STRICT_TRANS_TABLES'; SET SESSION transaction_isolation = 'REPEATABLE-READ'"

# Errors keep MySQL's codes.
q shop -e "INSERT INTO customer VALUES (1,'dup',NULL)" 2>&1 | grep -q "^ERROR 1062 (23000)" || fail "duplicate key code"
q shop -e "SELECT * FROM nope" 2>&1 | grep -q "^ERROR 1146 (42S02)" || fail "unknown table code"
q shop -e "SELEC 1" 2>&1 | grep -q "^ERROR 1064 (42000)" || fail "syntax error code"
q -e "USE nope" 2>&1 | grep -q "^ERROR 1049 (42000)" || fail "unknown database code"
"$mysql" -h127.0.0.1 -P"$port" -uroot -pwrong -e "SELECT 1" 2>&1 | grep -q "ERROR 1045 (28000)" || fail "a wrong password must be refused"

# KILL: another session (a mysql client fed through a FIFO) is listed by
# SHOW PROCESSLIST, killed, and its next statement finds the connection gone.
fifo="$XP_WORK/victim.fifo"
mkfifo "$fifo"
"$mysql" -h127.0.0.1 -P"$port" -uroot -N -B --unbuffered --skip-reconnect shop <"$fifo" >"$XP_WORK/victim.out" 2>&1 &
victim=$!
exec 7>"$fifo"
echo "SELECT CONNECTION_ID();" >&7
for _ in $(seq 1 50); do [ -s "$XP_WORK/victim.out" ] && break; sleep 0.1; done
id=$(head -1 "$XP_WORK/victim.out")
[ -n "$id" ] || fail "the victim session did not answer"
q -e "SHOW PROCESSLIST" | awk -v id="$id" '$1 == id && $4 == "shop"' | grep -q . ||
  fail "SHOW PROCESSLIST does not list session $id"
q -e "KILL $id"
echo "SELECT 'still here';" >&7
exec 7>&-
wait $victim || true
grep -qx "still here" "$XP_WORK/victim.out" && fail "the killed session still runs statements: $(cat "$XP_WORK/victim.out")"
grep -q "ERROR 20[0-9][0-9]" "$XP_WORK/victim.out" || fail "the killed session saw no lost connection: $(cat "$XP_WORK/victim.out")"
q -e "KILL 999999" 2>&1 | grep -q "^ERROR 1094" || fail "KILL of an unknown id"

# Lock waits: a row locked by an open transaction (a client fed through a
# FIFO) is waited for up to innodb_lock_wait_timeout, then 1205 — also when
# that is longer than the CN's wait for a DN (--dn_timeout_ms=3000 here):
# the CN waits as long as the DN may, instead of giving up with 1429.
fifo2="$XP_WORK/holder.fifo"
mkfifo "$fifo2"
"$mysql" -h127.0.0.1 -P"$port" -uroot -N -B --unbuffered shop <"$fifo2" >"$XP_WORK/holder.out" 2>&1 &
holder=$!
exec 8>"$fifo2"
echo "BEGIN; UPDATE customer SET city = 'Locked' WHERE id = 1; SELECT 'holding';" >&8
for _ in $(seq 1 50); do grep -q holding "$XP_WORK/holder.out" && break; sleep 0.1; done
grep -q holding "$XP_WORK/holder.out" || fail "the lock holder did not start: $(cat "$XP_WORK/holder.out")"
start=$(date +%s%N)
out=$(q shop -e "SET innodb_lock_wait_timeout = 5; UPDATE customer SET city = 'Waiter' WHERE id = 1" 2>&1 || true)
took=$((($(date +%s%N) - start) / 1000000))
echo "$out" | grep -q "^ERROR 1205 (HY000).*Lock wait timeout exceeded" || fail "lock wait past dn_timeout_ms: $out"
[ "$took" -ge 4500 ] && [ "$took" -lt 9000 ] || fail "the lock wait took $took ms, want about 5000"
q shop -e "SET innodb_lock_wait_timeout = 'x'" 2>&1 | grep -q "^ERROR 1232" || fail "innodb_lock_wait_timeout type check"
echo "ROLLBACK;" >&8
exec 8>&-
wait $holder || true
expect "the waiter changed nothing, the holder rolled back" "Oslo" q shop -e "SELECT city FROM customer WHERE id = 1"

# Physical names come from table ids: a table named like another's
# partition is its own table, the reserved prefix is refused, a DN's
# duplicate-key error names the table, and a table dropped and created
# again starts empty with AUTO_INCREMENT from 1.
q shop -e "CREATE TABLE customer_p1 (id INT PRIMARY KEY, x INT) BROADCAST"
q shop -e "INSERT INTO customer_p1 VALUES (7, 7)"
expect "customer keeps its rows beside customer_p1" "5	1" q shop -e "SELECT (SELECT COUNT(*) FROM customer), (SELECT COUNT(*) FROM customer_p1)"
q shop -e "CREATE TABLE __xp_1_p0 (id INT PRIMARY KEY)" 2>&1 | grep -q "^ERROR 1103 (42000).*Incorrect table name '__xp_1_p0'" || fail "reserved physical prefix"
q shop -e "INSERT INTO customer VALUES (1, 'dup', NULL)" 2>&1 | grep -q "^ERROR 1062 (23000).*Duplicate entry '1' for key 'customer.PRIMARY'" || fail "duplicate key message names the table"
q shop -e "CREATE TABLE seqd (id INT AUTO_INCREMENT PRIMARY KEY, v INT); INSERT INTO seqd (v) VALUES (1), (2), (3); DROP TABLE seqd; CREATE TABLE seqd (id INT AUTO_INCREMENT PRIMARY KEY, v INT); INSERT INTO seqd (v) VALUES (9)"
expect "a table created again starts empty, AUTO_INCREMENT from 1" "1	9" q shop -e "SELECT * FROM seqd"
q shop -e "START TRANSACTION READ ONLY; INSERT INTO note VALUES (9, 'ro')" 2>&1 | grep -q "^ERROR 1792 (25006).*Cannot execute statement in a READ ONLY transaction" || fail "a write in a READ ONLY transaction"
expect "nothing written in READ ONLY" "0" q shop -e "SELECT COUNT(*) FROM note WHERE id = 9"
# Names with backticks survive the catalog text (CREATE TABLE on the DNs,
# the log replayed at restart) quoted, not pasted.
q shop -e 'CREATE TABLE `we``ird` (`c``1` INT PRIMARY KEY, `v``2` INT, KEY `k``1` (`v``2`)); INSERT INTO `we``ird` VALUES (1, 2)'

# Expression columns are named as written (MySQL), string literals by
# their value.
expect "column names as written" "NOW() IS NOT NULL	1+1	abc	x" \
  bash -c "'$mysql' -h127.0.0.1 -P$port -uroot --batch -e \"SELECT NOW() IS NOT NULL, 1+1,  'abc', 2 AS x\" | head -1"
# A DELIMITER makes the CLI send several statements in one COM_QUERY
# (CLIENT_MULTI_STATEMENTS): each answers in turn.
expect "multi-statement text" "1
2" q shop -e 'DELIMITER //
SELECT 1; SELECT 2//'
q shop -e "CREATE VIEW big AS SELECT id, amount FROM orders WHERE amount >= 20"
expect "view" "2	20.00
5	100.00" q shop -e "SELECT * FROM big ORDER BY id"
# Unique keys across partitions: re-placed SINGLE while empty, and the
# CN's own choice of partitioning is remembered across a restart.
q shop -e "CREATE TABLE uqr (id INT PRIMARY KEY, e INT); CREATE UNIQUE INDEX ue ON uqr (e); INSERT INTO uqr VALUES (1, 1)"
q shop -e "CREATE TABLE imp (id INT PRIMARY KEY, e INT)"
# The catalog lives on DN 0: a restarted compute node knows every table
# and view.
kill -TERM "$XP_CN_PID"
while kill -0 "$XP_CN_PID" 2>/dev/null; do sleep 0.1; done
"$XP_BIN/xcn" --port="$port" --dn="127.0.0.1:$XP_DN0_PORT,127.0.0.1:$XP_DN1_PORT" >>"$XP_WORK/cn2.log" 2>&1 &
cn2=$!
trap 'kill $cn2 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
expect "catalog after restart" "ANN	11.50" q shop -e "SELECT c.name, o.amount FROM customer c JOIN orders o ON o.cust = c.id WHERE o.id = 1"
expect "view after restart" "2	20.00
5	100.00" q shop -e "SELECT * FROM big ORDER BY id"
q shop -e "DROP VIEW big"
q shop -e "SELECT * FROM big" 2>&1 | grep -q "^ERROR 1146" || fail "a dropped view is still there"
q shop -e "INSERT INTO orders (cust, amount) VALUES (2, 1.00)"
expect "AUTO_INCREMENT continues after restart" "6" q shop -e "SELECT MAX(id) FROM orders"
for i in 2 3 4 5; do
  q shop -e "INSERT INTO uqr VALUES ($i, 1)" 2>&1 | grep -q "^ERROR 1062" ||
    fail "a unique key after restart lets a duplicate in (id $i)"
done
q shop -e "CREATE UNIQUE INDEX ie ON imp (e); INSERT INTO imp VALUES (1, 7)"
for i in 2 3 4; do
  q shop -e "INSERT INTO imp VALUES ($i, 7)" 2>&1 | grep -q "^ERROR 1062" ||
    fail "a unique key added after restart lets a duplicate in (id $i)"
done
expect "backtick names after restart" "1	2" q shop -e 'SELECT `c``1`, `v``2` FROM `we``ird` WHERE `v``2` = 2'
expect "tables of look-alike names after restart" "5	1	1" q shop -e "SELECT (SELECT COUNT(*) FROM customer), (SELECT COUNT(*) FROM customer_p1), (SELECT COUNT(*) FROM seqd)"
q -e "DROP DATABASE shop"
expect "dropped" "" bash -c "'$mysql' -h127.0.0.1 -P$port -uroot -N -B -e 'SHOW DATABASES' | grep -x shop || true"
kill -TERM $cn2
wait $cn2
echo "cli test passed"
