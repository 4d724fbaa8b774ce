#!/usr/bin/env bash
# mariadb-dump (Debian's mariadb-client) of databases served by xcn,
# restored into xcn with the mysql client, run under
# tests/cn/with_cluster.sh: foreign keys (the dump creates children before
# their parents under FOREIGN_KEY_CHECKS = 0), every placement, values that
# need quoting, AUTO_INCREMENT; both the default dump (LOCK TABLES ...
# READ LOCAL) and --single-transaction (savepoints) with --routines. The
# restored tables hold the same rows and their foreign keys hold again.
set -eu
. "$(dirname "$0")/lib.sh"
dump=$(command -v mariadb-dump || command -v mysqldump)
q -e "CREATE DATABASE dump_a"
q dump_a <<'SQL'
CREATE TABLE z_parent (id INT PRIMARY KEY, name VARCHAR(20), day DATE, amount DECIMAL(8,2));
CREATE TABLE a_child (id INT AUTO_INCREMENT PRIMARY KEY, pid INT, note TEXT, CONSTRAINT a_fk FOREIGN KEY (pid) REFERENCES z_parent (id) ON DELETE CASCADE);
CREATE TABLE b_city (name VARCHAR(20) PRIMARY KEY) BROADCAST;
CREATE TABLE c_note (id INT PRIMARY KEY, txt VARCHAR(50)) SINGLE;
INSERT INTO z_parent VALUES (1, 'it''s', '2026-01-02', 1.50), (2, NULL, NULL, NULL), (3, 'back\\slash', '2026-12-31', -7.25);
INSERT INTO a_child (pid, note) VALUES (1, 'one'), (2, 'two'), (NULL, 'none'), (3, 'three');
INSERT INTO b_city VALUES ('Oslo'), ('Rome');
INSERT INTO c_note VALUES (1, 'tab	here');
SQL
sums() {
  q "$1" -e "SELECT * FROM z_parent ORDER BY id; SELECT * FROM a_child ORDER BY id; SELECT * FROM b_city ORDER BY name; SELECT * FROM c_note"
}
want=$(sums dump_a)
for mode in "" "--single-transaction --routines"; do
  # shellcheck disable=SC2086 # $mode is a list of options
  "$dump" -h127.0.0.1 -P"$port" -uroot --no-tablespaces $mode dump_a > "$XP_WORK/dump.sql" ||
    fail "mariadb-dump $mode failed"
  grep -q "CONSTRAINT \`a_fk\` FOREIGN KEY (\`pid\`) REFERENCES \`z_parent\` (\`id\`) ON DELETE CASCADE" "$XP_WORK/dump.sql" ||
    fail "the dump ($mode) lost the foreign key"
  q -e "DROP DATABASE IF EXISTS dump_b; CREATE DATABASE dump_b"
  q dump_b < "$XP_WORK/dump.sql" || fail "restoring the dump ($mode) failed"
  expect "restored rows ($mode)" "$want" sums dump_b
  expect "the restored foreign key refuses an orphan ($mode)" "ERROR 1452" \
    sh -c "$mysql -h127.0.0.1 -P$port -uroot dump_b -e 'INSERT INTO a_child (pid) VALUES (99)' 2>&1 | grep -o 'ERROR 1452'"
  q dump_b -e "DELETE FROM z_parent WHERE id = 1"
  expect "the restored foreign key cascades ($mode)" "2	2	two
3	NULL	none
4	3	three" q dump_b -e "SELECT * FROM a_child ORDER BY id"
  # (5 went to the refused orphan, as in InnoDB.)
  expect "AUTO_INCREMENT goes on after the restored rows ($mode)" "6" \
    q dump_b -e "INSERT INTO a_child (pid) VALUES (2); SELECT MAX(id) FROM a_child"
done
echo "dump_test: ok"
