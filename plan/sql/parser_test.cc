#include "plan/sql/parser.h"

#include <gtest/gtest.h>

#include "plan/sql/printer.h"

namespace xp::sql {
namespace {

// Parses, prints canonically, and checks the print parses back to the same
// print (round trip).
std::string Canon(std::string_view sql) {
  auto r = Parse(sql);
  EXPECT_TRUE(r.ok()) << sql << "\n" << r.status().ToString();
  if (!r.ok()) return "<error>";
  std::string printed = ToSql(**r);
  auto again = Parse(printed);
  EXPECT_TRUE(again.ok()) << printed << "\n" << again.status().ToString();
  if (again.ok()) {
    EXPECT_EQ(ToSql(**again), printed);
  }
  return printed;
}

Status ParseError(std::string_view sql) {
  auto r = Parse(sql);
  EXPECT_FALSE(r.ok()) << sql;
  return r.ok() ? Status::OK() : r.status();
}

TEST(ParserTest, OperatorPrecedence) {
  EXPECT_EQ(Canon("SELECT 1 + 2 * 3 - 4 / 5"),
            "SELECT (1 + (2 * 3) - (4 / 5))");
  EXPECT_EQ(Canon("SELECT a - (b - c), (a - b) - c"),
            "SELECT (`a` - (`b` - `c`)), (`a` - `b` - `c`)");
  EXPECT_EQ(Canon("SELECT a AND b AND c OR d OR e"),
            "SELECT ((`a` AND `b` AND `c`) OR `d` OR `e`)");
  EXPECT_EQ(Canon("SELECT a OR b AND NOT c = d"),
            "SELECT (`a` OR (`b` AND (NOT (`c` = `d`))))");
  EXPECT_EQ(Canon("SELECT a XOR b OR c"), "SELECT ((`a` XOR `b`) OR `c`)");
  EXPECT_EQ(Canon("SELECT !a = b"), "SELECT ((NOT `a`) = `b`)");
  EXPECT_EQ(Canon("SELECT -a * b, - 5, -(3)"), "SELECT ((-`a`) * `b`), -5, -3");
  EXPECT_EQ(Canon("SELECT a | b & c << 1 + 2"),
            "SELECT (`a` | (`b` & (`c` << (1 + 2))))");
  EXPECT_EQ(Canon("SELECT 7 % 2 * 3 DIV 1 / 4"),
            "SELECT (7 % 2 * 3 DIV 1 / 4)");
  EXPECT_EQ(Canon("SELECT 7 DIV 2, 7 MOD 2, 7 % 2 ^ 1"),
            "SELECT (7 DIV 2), (7 % 2), (7 % (2 ^ 1))");
  EXPECT_EQ(Canon("SELECT a = b = c"), "SELECT ((`a` = `b`) = `c`)");
  EXPECT_EQ(Canon("SELECT a <=> NULL, a != b, a <> b"),
            "SELECT (`a` <=> NULL), (`a` <> `b`), (`a` <> `b`)");
}

TEST(ParserTest, Predicates) {
  EXPECT_EQ(Canon("SELECT a BETWEEN 1 AND 2 AND b NOT BETWEEN c AND d"),
            "SELECT ((`a` BETWEEN 1 AND 2) AND (`b` NOT BETWEEN `c` AND `d`))");
  EXPECT_EQ(Canon("SELECT a IN (1, 2) OR a NOT IN (SELECT x FROM t)"),
            "SELECT ((`a` IN (1, 2)) OR (`a` NOT IN (SELECT `x` FROM `t`)))");
  EXPECT_EQ(Canon("SELECT a LIKE 'x%' ESCAPE '!', b NOT LIKE c, d REGEXP '^a'"),
            "SELECT (`a` LIKE 'x%' ESCAPE '!'), (`b` NOT LIKE `c`), (`d` "
            "REGEXP '^a')");
  EXPECT_EQ(
      Canon("SELECT a IS NULL, b IS NOT NULL, c IS TRUE, d IS NOT UNKNOWN"),
      "SELECT (`a` IS NULL), (`b` IS NOT NULL), (`c` IS TRUE), (`d` IS NOT "
      "UNKNOWN)");
  EXPECT_EQ(Canon("SELECT EXISTS (SELECT 1), NOT EXISTS (SELECT 2)"),
            "SELECT (EXISTS (SELECT 1)), (NOT EXISTS (SELECT 2))");
  EXPECT_EQ(
      Canon("SELECT a > ALL (SELECT b FROM t), a = ANY (SELECT b FROM t)"),
      "SELECT (`a` > ALL (SELECT `b` FROM `t`)), (`a` = ANY (SELECT `b` FROM "
      "`t`))");
}

TEST(ParserTest, FunctionsCaseCast) {
  EXPECT_EQ(
      Canon("SELECT COUNT(*), count(DISTINCT a), SUM(b), coalesce(a, b, 1)"),
      "SELECT COUNT(*), COUNT(DISTINCT `a`), SUM(`b`), COALESCE(`a`, `b`, 1)");
  EXPECT_EQ(
      Canon("SELECT CASE WHEN a > 1 THEN 'x' WHEN a < 0 THEN 'y' ELSE 'z' END"),
      "SELECT (CASE WHEN (`a` > 1) THEN 'x' WHEN (`a` < 0) THEN 'y' ELSE 'z' "
      "END)");
  EXPECT_EQ(Canon("SELECT CASE a WHEN 1 THEN 2 END"),
            "SELECT (CASE `a` WHEN 1 THEN 2 END)");
  EXPECT_EQ(Canon("SELECT CAST(a AS SIGNED), CAST(b AS DECIMAL(10,2)), "
                  "CONVERT(c, CHAR(3))"),
            "SELECT CAST(`a` AS BIGINT), CAST(`b` AS DECIMAL(10,2)), CAST(`c` "
            "AS CHAR(3))");
  EXPECT_EQ(Canon("SELECT CAST(a AS UNSIGNED INTEGER)"),
            "SELECT CAST(`a` AS BIGINT UNSIGNED)");
  EXPECT_EQ(Canon("SELECT IF(a, LEFT(b, 2), RIGHT(b, 1)), REPLACE(s, 'a', "
                  "'b'), MOD(5, 3)"),
            "SELECT IF(`a`, LEFT(`b`, 2), RIGHT(`b`, 1)), REPLACE(`s`, 'a', "
            "'b'), MOD(5, 3)");
  EXPECT_EQ(Canon("SELECT TRIM(LEADING 'x' FROM s), TRIM(s), SUBSTRING(s FROM "
                  "2 FOR 3)"),
            "SELECT LTRIM(`s`, 'x'), TRIM(`s`), SUBSTRING(`s`, 2, 3)");
  EXPECT_EQ(Canon("SELECT EXTRACT(YEAR FROM d), POSITION('a' IN s)"),
            "SELECT EXTRACT(YEAR FROM `d`), LOCATE('a', `s`)");
  EXPECT_EQ(
      Canon("SELECT GROUP_CONCAT(DISTINCT a ORDER BY b DESC SEPARATOR ';')"),
      "SELECT GROUP_CONCAT(DISTINCT `a` ORDER BY `b` DESC SEPARATOR ';')");
  EXPECT_EQ(Canon("SELECT NOW(), CURRENT_TIMESTAMP, CURDATE()"),
            "SELECT NOW(), CURRENT_TIMESTAMP, CURDATE()");
}

TEST(ParserTest, Literals) {
  EXPECT_EQ(
      Canon("SELECT NULL, TRUE, false, 'a' 'b', X'0A', 0x0b, b'1', 1.50, 2e3"),
      "SELECT NULL, TRUE, FALSE, 'ab', X'0a', X'0b', b'1', 1.50, 2e3");
  EXPECT_EQ(Canon("SELECT DATE '2024-01-02', TIME '10:00:00', TIMESTAMP "
                  "'2024-01-02 10:00:00'"),
            "SELECT DATE '2024-01-02', TIME '10:00:00', TIMESTAMP '2024-01-02 "
            "10:00:00'");
  EXPECT_EQ(Canon("SELECT d + INTERVAL 1 DAY, DATE_ADD(d, INTERVAL '1:30' "
                  "HOUR_MINUTE)"),
            "SELECT (`d` + INTERVAL 1 DAY), DATE_ADD(`d`, INTERVAL '1:30' "
            "HOUR_MINUTE)");
  EXPECT_EQ(Canon("SELECT -9223372036854775808, _binary'x', _utf8mb4'y'"),
            "SELECT -9223372036854775808, _binary'x', 'y'");
  EXPECT_EQ(Canon("SELECT 'it''s', 'back\\\\slash'"),
            "SELECT 'it\\'s', 'back\\\\slash'");
}

TEST(ParserTest, Placeholders) {
  auto r = Parse("SELECT c FROM sbtest1 WHERE id BETWEEN ? AND ? LIMIT ?");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->param_count, 3u);
}

TEST(ParserTest, SelectClauses) {
  EXPECT_EQ(
      Canon("select distinct a as x, b y, t.*, s.t.* from s.t as u where a > 1 "
            "group by a, b with rollup having count(*) > 2 order by x desc, 2 "
            "limit 10 offset 5"),
      "SELECT DISTINCT `a` AS `x`, `b` AS `y`, `t`.*, `s`.`t`.* FROM `s`.`t` "
      "AS `u` "
      "WHERE (`a` > 1) GROUP BY `a`, `b` WITH ROLLUP HAVING (COUNT(*) > 2) "
      "ORDER BY `x` DESC, 2 LIMIT 10 OFFSET 5");
  EXPECT_EQ(Canon("SELECT * FROM t LIMIT 5, 10"),
            "SELECT * FROM `t` LIMIT 10 OFFSET 5");
  EXPECT_EQ(Canon("SELECT 1 FROM DUAL"), "SELECT 1");
  // Locking reads: the strongest clause wins; OF lists are accepted.
  EXPECT_EQ(Canon("SELECT a FROM t WHERE a = 1 FOR UPDATE"),
            "SELECT `a` FROM `t` WHERE (`a` = 1) FOR UPDATE");
  EXPECT_EQ(Canon("SELECT a FROM t LOCK IN SHARE MODE"),
            "SELECT `a` FROM `t` FOR SHARE");
  EXPECT_EQ(Canon("SELECT a FROM t FOR SHARE OF t SKIP LOCKED"),
            "SELECT `a` FROM `t` FOR SHARE SKIP LOCKED");
  EXPECT_EQ(Canon("SELECT a FROM t ORDER BY a LIMIT 1 FOR SHARE OF t FOR "
                  "UPDATE OF u NOWAIT"),
            "SELECT `a` FROM `t` ORDER BY `a` LIMIT 1 FOR UPDATE NOWAIT");
  EXPECT_FALSE(Parse("SELECT a FROM t LOCK IN SHARE MODE NOWAIT").ok());
  EXPECT_FALSE(Parse("SELECT a FROM t FOR UPDATE SKIP").ok());
  EXPECT_EQ(Canon("SELECT a 'alias'"), "SELECT `a` AS `alias`");
  EXPECT_EQ(Canon("SELECT c FROM sbtest1 WHERE id=? FOR UPDATE"),
            "SELECT `c` FROM `sbtest1` WHERE (`id` = ?) FOR UPDATE");
}

TEST(ParserTest, Joins) {
  EXPECT_EQ(
      Canon("SELECT * FROM a, b JOIN c ON b.x = c.x LEFT JOIN d USING (y)"),
      "SELECT * FROM (`a` CROSS JOIN ((`b` JOIN `c` ON (`b`.`x` = `c`.`x`)) "
      "LEFT JOIN `d` USING (`y`)))");
  EXPECT_EQ(Canon("SELECT * FROM a RIGHT OUTER JOIN b ON 1 CROSS JOIN c "
                  "NATURAL JOIN d"),
            "SELECT * FROM (((`a` RIGHT JOIN `b` ON 1) CROSS JOIN `c`) NATURAL "
            "JOIN `d`)");
  EXPECT_EQ(
      Canon("SELECT * FROM (a JOIN b ON a.i = b.i) INNER JOIN c ON TRUE"),
      "SELECT * FROM ((`a` JOIN `b` ON (`a`.`i` = `b`.`i`)) JOIN `c` ON TRUE)");
  EXPECT_EQ(
      Canon("SELECT * FROM (SELECT 1, 2) AS t (a, b) JOIN (SELECT 3) u"),
      "SELECT * FROM ((SELECT 1, 2) AS `t` (`a`, `b`) JOIN (SELECT 3) AS `u`)");
  EXPECT_EQ(Canon("SELECT * FROM t USE INDEX (k1) WHERE a = 1"),
            "SELECT * FROM `t` WHERE (`a` = 1)");
}

TEST(ParserTest, SetOperationsAndCte) {
  EXPECT_EQ(
      Canon("SELECT 1 UNION SELECT 2 UNION ALL SELECT 3 ORDER BY 1 LIMIT 2"),
      "((SELECT 1) UNION (SELECT 2)) UNION ALL (SELECT 3) ORDER BY 1 LIMIT 2");
  // INTERSECT binds tighter than UNION and EXCEPT.
  EXPECT_EQ(
      Canon("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3 EXCEPT SELECT 4"),
      "((SELECT 1) UNION ((SELECT 2) INTERSECT (SELECT 3))) EXCEPT (SELECT 4)");
  EXPECT_EQ(
      Canon("(SELECT a FROM t ORDER BY a LIMIT 3) ORDER BY a DESC"),
      "SELECT * FROM (SELECT `a` FROM `t` ORDER BY `a` LIMIT 3) AS `__derived` "
      "ORDER BY `a` DESC");
  EXPECT_EQ(
      Canon("WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c "
            "WHERE n < 5) SELECT * FROM c"),
      "WITH RECURSIVE `c` (`n`) AS ((SELECT 1) UNION ALL (SELECT (`n` + 1) "
      "FROM `c` "
      "WHERE (`n` < 5))) SELECT * FROM `c`");
}

TEST(ParserTest, Subqueries) {
  // Found by sql_fuzz: a parenthesised expression that starts with a
  // parenthesised subquery.
  EXPECT_EQ(Canon("SELECT a FROM t1 ORDER BY(SELECT avg(c) FROM t1) OR 1"),
            "SELECT `a` FROM `t1` ORDER BY ((SELECT AVG(`c`) FROM `t1`) OR 1)");
  EXPECT_EQ(Canon("SELECT ((SELECT 1) + 2) * 3"),
            "SELECT (((SELECT 1) + 2) * 3)");
  EXPECT_EQ(Canon("SELECT a IN ((SELECT 1), 2), b IN ((SELECT 1))"),
            "SELECT (`a` IN ((SELECT 1), 2)), (`b` IN (SELECT 1))");
  EXPECT_EQ(Canon("SELECT (SELECT MAX(b) FROM t2 WHERE t2.a = t1.a) FROM t1"),
            "SELECT (SELECT MAX(`b`) FROM `t2` WHERE (`t2`.`a` = `t1`.`a`)) "
            "FROM `t1`");
  EXPECT_EQ(Canon("SELECT * FROM t WHERE (a, b) IN ((1, 2), (3, 4))"),
            "SELECT * FROM `t` WHERE ((`a`, `b`) IN ((1, 2), (3, 4)))");
}

TEST(ParserTest, Dml) {
  EXPECT_EQ(Canon("INSERT INTO t1(e,c,b,d,a) "
                  "VALUES(103,102,100,101,104),(1,2,3,4,NULL)"),
            "INSERT INTO `t1` (`e`, `c`, `b`, `d`, `a`) VALUES (103, 102, 100, "
            "101, 104), "
            "(1, 2, 3, 4, NULL)");
  EXPECT_EQ(
      Canon(
          "INSERT IGNORE INTO db.t SELECT * FROM u ON DUPLICATE KEY UPDATE a = "
          "VALUES(a) + 1"),
      "INSERT IGNORE INTO `db`.`t` SELECT * FROM `u` ON DUPLICATE KEY UPDATE "
      "`a` = "
      "(VALUES(`a`) + 1)");
  EXPECT_EQ(Canon("REPLACE INTO t VALUES (DEFAULT, 'x')"),
            "REPLACE INTO `t` VALUES (DEFAULT, 'x')");
  EXPECT_EQ(Canon("INSERT INTO t SET a = 1, b = 'x'"),
            "INSERT INTO `t` (`a`, `b`) VALUES (1, 'x')");
  EXPECT_EQ(Canon("UPDATE sbtest1 SET k=k+1 WHERE id=? ORDER BY id LIMIT 1"),
            "UPDATE `sbtest1` SET `k` = (`k` + 1) WHERE (`id` = ?) ORDER BY "
            "`id` LIMIT 1");
  EXPECT_EQ(Canon("DELETE FROM sbtest1 WHERE id=?"),
            "DELETE FROM `sbtest1` WHERE (`id` = ?)");
}

TEST(ParserTest, Ddl) {
  EXPECT_EQ(
      Canon(
          "CREATE TABLE sbtest1( id INTEGER NOT NULL AUTO_INCREMENT, k INTEGER "
          "DEFAULT '0' NOT NULL, c CHAR(120) DEFAULT '' NOT NULL, pad CHAR(60) "
          "DEFAULT '' NOT NULL, PRIMARY KEY (id) ) /*! ENGINE = innodb */"),
      "CREATE TABLE `sbtest1` (`id` INTEGER NOT NULL AUTO_INCREMENT, `k` "
      "INTEGER NOT "
      "NULL DEFAULT '0', `c` CHAR(120) NOT NULL DEFAULT '', `pad` CHAR(60) NOT "
      "NULL "
      "DEFAULT '', PRIMARY KEY (`id`))");
  EXPECT_EQ(Canon("create table if not exists t (a decimal(10,2) unsigned, b "
                  "varchar(20) "
                  "character set utf8mb4 collate utf8mb4_bin, e enum('x','y'), "
                  "ts timestamp "
                  "default current_timestamp on update current_timestamp, "
                  "unique key uk (b), "
                  "key (a desc)) engine=InnoDB default charset=utf8mb4 "
                  "partition by hash(a) "
                  "partitions 4"),
            "CREATE TABLE IF NOT EXISTS `t` (`a` DECIMAL(10,2) UNSIGNED, `b` "
            "VARCHAR(20) "
            "CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, `e` ENUM('x','y'), "
            "`ts` TIMESTAMP "
            "DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, UNIQUE KEY "
            "`uk` (`b`), "
            "KEY (`a` DESC)) PARTITION BY HASH(`a`) PARTITIONS 4");
  EXPECT_EQ(Canon("CREATE TABLE d (id INT PRIMARY KEY) BROADCAST"),
            "CREATE TABLE `d` (`id` INT PRIMARY KEY) BROADCAST");
  EXPECT_EQ(Canon("CREATE TABLE c AS SELECT * FROM t"),
            "CREATE TABLE `c` AS SELECT * FROM `t`");
  EXPECT_EQ(Canon("CREATE TABLE c LIKE t"), "CREATE TABLE `c` LIKE `t`");
  EXPECT_EQ(Canon("CREATE INDEX k_1 ON sbtest1(k)"),
            "CREATE INDEX `k_1` ON `sbtest1` (`k`)");
  EXPECT_EQ(Canon("CREATE UNIQUE INDEX t1i0 ON t1(a1,b1 DESC)"),
            "CREATE UNIQUE INDEX `t1i0` ON `t1` (`a1`, `b1` DESC)");
  // GLOBAL (cn/README.md "global indexes"), before or after UNIQUE; a
  // column may still be named `global`.
  EXPECT_EQ(Canon("CREATE GLOBAL UNIQUE INDEX g ON t (a)"),
            "CREATE UNIQUE GLOBAL INDEX `g` ON `t` (`a`)");
  EXPECT_EQ(Canon("CREATE GLOBAL INDEX g ON t (a)"),
            "CREATE GLOBAL INDEX `g` ON `t` (`a`)");
  EXPECT_EQ(Canon("CREATE TABLE t (id INT PRIMARY KEY, global INT, GLOBAL "
                  "KEY g (global), UNIQUE GLOBAL INDEX u (id, global))"),
            "CREATE TABLE `t` (`id` INT PRIMARY KEY, `global` INT, GLOBAL KEY "
            "`g` (`global`), GLOBAL UNIQUE KEY `u` (`id`, `global`))");
  EXPECT_EQ(Canon("ALTER TABLE t ADD GLOBAL INDEX g (a)"),
            "ALTER TABLE `t` ADD GLOBAL KEY `g` (`a`)");
  EXPECT_FALSE(Parse("CREATE GLOBAL TABLE t (a INT)").ok());
  EXPECT_EQ(Canon("DROP INDEX k ON t"), "DROP INDEX `k` ON `t`");
  EXPECT_EQ(Canon("drop table if exists a, b.c"),
            "DROP TABLE IF EXISTS `a`, `b`.`c`");
  EXPECT_EQ(Canon("TRUNCATE t"), "TRUNCATE TABLE `t`");
  EXPECT_EQ(Canon("ALTER TABLE t ADD COLUMN x INT DEFAULT 5, DROP COLUMN y, "
                  "ADD INDEX i (x), "
                  "DROP INDEX j"),
            "ALTER TABLE `t` ADD COLUMN `x` INT DEFAULT 5, DROP COLUMN `y`, "
            "ADD KEY `i` (`x`), "
            "DROP INDEX `j`");
  EXPECT_EQ(Canon("ALTER TABLE t MODIFY x BIGINT NOT NULL FIRST, CHANGE COLUMN "
                  "y z VARCHAR(5) AFTER x, RENAME COLUMN a TO b, ADD w INT "
                  "AFTER `b`"),
            "ALTER TABLE `t` MODIFY COLUMN `x` BIGINT NOT NULL FIRST, CHANGE "
            "COLUMN `y` `z` VARCHAR(5) AFTER `x`, RENAME COLUMN `a` TO `b`, "
            "ADD COLUMN `w` INT AFTER `b`");
  EXPECT_FALSE(Parse("ALTER TABLE t RENAME COLUMN a b").ok());
  EXPECT_EQ(Canon("RENAME TABLE a TO b, d.c TO e.c"),
            "RENAME TABLE `a` TO `b`, `d`.`c` TO `e`.`c`");
  EXPECT_EQ(Canon("ALTER TABLE t ADD x INT, RENAME AS d.u"),
            "ALTER TABLE `t` ADD COLUMN `x` INT, RENAME TO `d`.`u`");
  EXPECT_EQ(Canon("ALTER TABLE t RENAME u"), "ALTER TABLE `t` RENAME TO `u`");
  EXPECT_FALSE(Parse("RENAME TABLE a b").ok());
  EXPECT_FALSE(Parse("ALTER TABLE t RENAME INDEX a TO b").ok());
  EXPECT_FALSE(Parse("ALTER TABLE t CHANGE a INT").ok());
  EXPECT_EQ(Canon("CREATE DATABASE IF NOT EXISTS sbtest"),
            "CREATE DATABASE IF NOT EXISTS `sbtest`");
  EXPECT_EQ(Canon("DROP SCHEMA s"), "DROP DATABASE `s`");
  EXPECT_EQ(Canon("CREATE OR REPLACE VIEW v (a) AS SELECT 1"),
            "CREATE OR REPLACE VIEW `v` (`a`) AS SELECT 1");
  EXPECT_EQ(Canon("DROP VIEW IF EXISTS v1"), "DROP VIEW IF EXISTS `v1`");
}

TEST(ParserTest, SessionAndTransactionStatements) {
  EXPECT_EQ(Canon("BEGIN"), "START TRANSACTION");
  EXPECT_EQ(Canon("start transaction read only"), "START TRANSACTION");
  EXPECT_EQ(Canon("COMMIT"), "COMMIT");
  EXPECT_EQ(Canon("ROLLBACK WORK"), "ROLLBACK");
  EXPECT_EQ(Canon("savepoint sa_1"), "SAVEPOINT `sa_1`");
  EXPECT_EQ(Canon("ROLLBACK WORK TO SAVEPOINT a"), "ROLLBACK TO SAVEPOINT `a`");
  EXPECT_EQ(Canon("ROLLBACK TO `b c`"), "ROLLBACK TO SAVEPOINT `b c`");
  EXPECT_EQ(Canon("RELEASE SAVEPOINT a"), "RELEASE SAVEPOINT `a`");
  EXPECT_EQ(
      Canon("SET autocommit=0, @@session.sql_mode = 'ANSI', @x := 5"),
      "SET @@session.autocommit = 0, @@session.sql_mode = 'ANSI', @`x` = 5");
  EXPECT_EQ(Canon("SET NAMES utf8mb4 COLLATE utf8mb4_general_ci"),
            "SET NAMES utf8mb4 COLLATE utf8mb4_general_ci");
  EXPECT_EQ(Canon("USE `db`"), "USE `db`");
  EXPECT_EQ(Canon("EXPLAIN SELECT 1"), "EXPLAIN SELECT 1");
  EXPECT_EQ(Canon("EXPLAIN ANALYZE SELECT * FROM t"),
            "EXPLAIN ANALYZE SELECT * FROM `t`");
  EXPECT_EQ(Canon("SELECT @@version_comment LIMIT 1"),
            "SELECT @@version_comment LIMIT 1");
}

TEST(ParserTest, OtherStatementsParse) {
  for (const char* sql :
       {"SHOW DATABASES",
        "SHOW FULL TABLES FROM db LIKE 't%'",
        "SHOW COLUMNS FROM t",
        "SHOW CREATE TABLE db.t",
        "SHOW INDEX FROM t",
        "SHOW VARIABLES LIKE 'x'",
        "SHOW WARNINGS",
        "SHOW PROCESSLIST",
        "DESCRIBE t",
        "XA START 'x1'",
        "XA END 'x1'",
        "XA PREPARE 'x1'",
        "XA COMMIT 'x1', 'b', 1",
        "XA ROLLBACK 'x'",
        "XA RECOVER",
        "XA COMMIT 'x' ONE PHASE",
        "CREATE USER 'u'@'%' IDENTIFIED BY 'p'",
        "DROP USER IF EXISTS u",
        "GRANT SELECT, INSERT ON db.* TO 'u'@'localhost'",
        "GRANT ALL PRIVILEGES ON *.* TO u WITH GRANT OPTION",
        "REVOKE ALL ON db.t FROM u",
        "SET TRANSACTION ISOLATION LEVEL READ COMMITTED",
        "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"}) {
    // Each prints as SQL that parses back to the same print (these printed
    // as a comment before, which the fuzz target's round trip refused).
    EXPECT_NE(Canon(sql), "<error>");
  }
  EXPECT_EQ(Canon("show full tables in db where `Tables_in_db` like 'a%'"),
            "SHOW FULL TABLES FROM `db` WHERE (`Tables_in_db` LIKE 'a%')");
  EXPECT_EQ(Canon("KILL /* c */ QUERY 42"), "KILL QUERY 42");
  EXPECT_EQ(Canon("kill connection 7"), "KILL 7");
  EXPECT_EQ(Canon("XA START 'g', '', 5"), "XA START 'g', '', 5");
  EXPECT_EQ(Canon("GRANT ALL PRIVILEGES ON *.* TO u WITH GRANT OPTION"),
            "GRANT ALL ON *.* TO 'u'@'%' WITH GRANT OPTION");
  // Printed statements never carry a password.
  EXPECT_EQ(Canon("CREATE USER 'a@b'@'h' IDENTIFIED BY 'p'"),
            "CREATE USER 'a@b'@'h' IDENTIFIED BY '<secret>'");
  EXPECT_EQ(Canon("create user if not exists u@localhost identified with "
                  "mysql_native_password as '*ABC', v account lock password "
                  "expire"),
            "CREATE USER IF NOT EXISTS 'u'@'localhost' IDENTIFIED WITH "
            "mysql_native_password AS '<secret>', 'v'@'%' ACCOUNT LOCK "
            "PASSWORD EXPIRE");
  EXPECT_EQ(Canon("ALTER USER USER() IDENTIFIED BY 'x'"),
            "ALTER USER CURRENT_USER() IDENTIFIED BY '<secret>'");
  EXPECT_EQ(Canon("RENAME USER a@'%' TO b@localhost"),
            "RENAME USER 'a'@'%' TO 'b'@'localhost'");
  EXPECT_EQ(Canon("SET PASSWORD FOR 'u'@'h' = 'pw'"),
            "SET PASSWORD FOR 'u'@'h' = '<secret>'");
  EXPECT_EQ(Canon("SET PASSWORD = 'pw'"), "SET PASSWORD = '<secret>'");
  EXPECT_EQ(Canon("SHOW GRANTS FOR 'u'@'h'"), "SHOW GRANTS FOR 'u'@'h'");
  EXPECT_EQ(Canon("SHOW GRANTS FOR CURRENT_USER"),
            "SHOW GRANTS FOR CURRENT_USER()");
  EXPECT_EQ(Canon("REVOKE ALL PRIVILEGES, GRANT OPTION FROM u"),
            "REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'u'@'%'");
  EXPECT_EQ(Canon("GRANT SELECT (a, b), UPDATE ON t TO u"),
            "GRANT SELECT (`a`, `b`), UPDATE ON `t` TO 'u'@'%'");
  EXPECT_EQ(Canon("FLUSH PRIVILEGES"), "FLUSH PRIVILEGES");
  // Roles.
  EXPECT_EQ(Canon("CREATE ROLE IF NOT EXISTS app_read, 'w'@'h'"),
            "CREATE ROLE IF NOT EXISTS 'app_read'@'%', 'w'@'h'");
  EXPECT_EQ(Canon("DROP ROLE IF EXISTS r"), "DROP ROLE IF EXISTS 'r'@'%'");
  EXPECT_EQ(Canon("GRANT r1, `r2`@'%' TO u WITH ADMIN OPTION"),
            "GRANT 'r1'@'%', 'r2'@'%' TO 'u'@'%' WITH ADMIN OPTION");
  EXPECT_EQ(Canon("REVOKE r1 FROM u, v"),
            "REVOKE 'r1'@'%' FROM 'u'@'%', 'v'@'%'");
  EXPECT_EQ(Canon("SET ROLE ALL EXCEPT r1"), "SET ROLE ALL EXCEPT 'r1'@'%'");
  EXPECT_EQ(Canon("SET ROLE DEFAULT"), "SET ROLE DEFAULT");
  EXPECT_EQ(Canon("SET ROLE NONE"), "SET ROLE NONE");
  EXPECT_EQ(Canon("SET ROLE r1, r2"), "SET ROLE 'r1'@'%', 'r2'@'%'");
  EXPECT_EQ(Canon("SET DEFAULT ROLE ALL TO u"),
            "SET DEFAULT ROLE ALL TO 'u'@'%'");
  EXPECT_EQ(Canon("ALTER USER u DEFAULT ROLE r1 ACCOUNT UNLOCK"),
            "ALTER USER 'u'@'%' DEFAULT ROLE 'r1'@'%' ACCOUNT UNLOCK");
  EXPECT_EQ(Canon("SHOW GRANTS FOR u USING r1, r2"),
            "SHOW GRANTS FOR 'u'@'%' USING 'r1'@'%', 'r2'@'%'");
  EXPECT_FALSE(Parse("SET DEFAULT ROLE DEFAULT TO u").ok());
  EXPECT_FALSE(Parse("CREATE ROLE CURRENT_USER").ok());
  // A role grant is not a privilege grant: ON tells them apart.
  auto rg = Parse("GRANT SELECT TO u");
  ASSERT_TRUE(rg.ok());
  EXPECT_EQ(static_cast<const AccountStatement&>(**rg).roles.size(), 1u);
  auto xa = Parse("XA COMMIT 'g', 'b', 7");
  ASSERT_TRUE(xa.ok());
  const auto& x = static_cast<const XaStatement&>(**xa);
  EXPECT_EQ(x.gtrid, "g");
  EXPECT_EQ(x.bqual, "b");
  EXPECT_EQ(x.format_id, 7);
  auto grant = Parse("GRANT SELECT, INSERT ON db.* TO 'u'@'localhost'");
  const auto& g = static_cast<const AccountStatement&>(**grant);
  ASSERT_EQ(g.privileges.size(), 2u);
  EXPECT_EQ(g.privileges[1].name, "INSERT");
  EXPECT_EQ(g.on.schema, "db");
  EXPECT_EQ(g.on.name, "*");
  ASSERT_EQ(g.users.size(), 1u);
  EXPECT_EQ(g.users[0].user, "u");
  EXPECT_EQ(g.users[0].host, "localhost");
}

TEST(ParserTest, Triggers) {
  EXPECT_EQ(
      Canon("CREATE TRIGGER t1r1 AFTER UPDATE ON t1 FOR EACH ROW BEGIN END;"),
      "CREATE TRIGGER `t1r1` AFTER UPDATE ON `t1` FOR EACH ROW BEGIN END");
  auto r =
      Parse("CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& t = static_cast<const TriggerStatement&>(**r);
  EXPECT_TRUE(t.before);
  EXPECT_EQ(t.event, "INSERT");
  EXPECT_EQ(t.body, "SET NEW.a = 1");
  EXPECT_FALSE(t.empty_body);
  EXPECT_EQ(Canon("DROP TRIGGER IF EXISTS s.tr"),
            "DROP TRIGGER IF EXISTS `s`.`tr`");
  EXPECT_EQ(ParseError("CREATE TRIGGER tr UPDATE ON t BEGIN SELECT 1; END")
                .sql_code(),
            1064u);
  EXPECT_EQ(ParseError("CREATE TRIGGER tr AFTER UPDATE ON t FOR EACH ROW BEGIN")
                .sql_code(),
            1064u);
}

TEST(ParserTest, Script) {
  auto r = ParseScript(
      "CREATE TABLE t (a INT); INSERT INTO t VALUES (?); ; SELECT ?");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[1]->param_count, 1u);
  EXPECT_EQ((*r)[2]->param_count, 1u);
}

TEST(ParserTest, SyntaxErrorsAreMysql1064) {
  Status st = ParseError("SELECT * FORM t");
  EXPECT_EQ(st.sql_code(), 1064u);
  EXPECT_EQ(st.sql_state(), "42000");
  EXPECT_EQ(st.message(),
            "You have an error in your SQL syntax; check the manual that "
            "corresponds to your "
            "MySQL server version for the right syntax to use near 'FORM t' at "
            "line 1");
  st = ParseError("SELECT a,\nFROM t");
  EXPECT_NE(st.message().find("near 'FROM t' at line 2"), std::string::npos)
      << st.message();
  st = ParseError("SELECT (1 + 2");
  EXPECT_NE(st.message().find("near '' at line 1"), std::string::npos)
      << st.message();
  for (const char* bad :
       {"SELECT", "SELECT 1 +", "SELECT * FROM", "SELECT * FROM t WHERE",
        "INSERT INTO t VALUES", "CREATE TABLE t", "SELECT a FROM t t2 t3",
        "UPDATE t", "DELETE t", "SELECT CASE END", "SELECT 1 2", "GARBAGE",
        "SELECT select", "SELECT * FROM t LEFT JOIN u", "SELECT 1; SELECT 2"}) {
    EXPECT_EQ(ParseError(bad).sql_code(), 1064u) << bad;
  }
  EXPECT_EQ(ParseError("").sql_code(), 1065u);
  st = ParseError("SELECT * FROM (SELECT 1)");
  EXPECT_EQ(st.sql_code(), 1248u);
  EXPECT_EQ(st.message(), "Every derived table must have its own alias");
  EXPECT_EQ(ParseError(" ; ").sql_code(), 1065u);
}

TEST(ParserTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '(');
  EXPECT_EQ(ParseError("SELECT " + deep).sql_code(), 1436u);
  std::string nots;
  for (int i = 0; i < 50000; ++i) nots += "NOT ";
  EXPECT_EQ(ParseError("SELECT " + nots + "1").sql_code(), 1436u);
  std::string minus(50000, '-');
  EXPECT_EQ(ParseError("SELECT " + minus + "1").sql_code(), 1436u);
  std::string subq;
  for (int i = 0; i < 5000; ++i) subq += "SELECT * FROM (";
  EXPECT_EQ(ParseError(subq).sql_code(), 1436u);
  // Legitimately deep nesting parses: 30 levels fit the stack budget in
  // every build (sanitizer frames are several times larger).
  std::string ok_deep =
      "SELECT " + std::string(30, '(') + "1" + std::string(30, ')');
  EXPECT_TRUE(Parse(ok_deep).ok());
  std::string too_deep =
      "SELECT " + std::string(600, '(') + "1" + std::string(600, ')');
  EXPECT_EQ(ParseError(too_deep).sql_code(), 1436u);
  // Ambiguous "((SELECT" prefixes are resolved by lookahead, not
  // backtracking: deep nests of them stay linear (this took 2^depth steps
  // with backtracking).
  std::string nest;
  for (int i = 0; i < 18; ++i) nest += "((SELECT 1) OR ";
  nest += "1";
  for (int i = 0; i < 18; ++i) nest += ")";
  EXPECT_TRUE(Parse("SELECT " + nest).ok());
  // A left-associative chain is a tree as tall as it is long: within the
  // budget it parses, beyond it is 1436 (and freeing it does not recurse).
  std::string sum = "SELECT 1";
  for (int i = 0; i < 400; ++i) sum += " + 1";
  EXPECT_TRUE(Parse(sum).ok());
  for (int i = 0; i < 100000; ++i) sum += " + 1";
  EXPECT_EQ(ParseError(sum).sql_code(), 1436u);
  std::string cmp = "SELECT 1";
  for (int i = 0; i < 100000; ++i) cmp += " = 1 IS NULL";
  EXPECT_EQ(ParseError(cmp).sql_code(), 1436u);
  std::string between = "SELECT 1";
  for (int i = 0; i < 100000; ++i) between += " BETWEEN 1 AND 1";
  EXPECT_EQ(ParseError(between).sql_code(), 1436u);
}

// Lists that are long but flat are one node each, whatever their length.
TEST(ParserTest, LongFlatListsParse) {
  std::string ors = "SELECT 0", ands = "SELECT 1", in = "SELECT 5 IN (0";
  for (int i = 0; i < 50000; ++i) {
    ors += " OR 0";
    ands += " AND 1";
    in += "," + std::to_string(i);
  }
  in += ")";
  for (const std::string& sql : {ors, ands, in}) {
    auto r = Parse(sql);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  auto stmt = Parse(ors);
  const auto& q = *static_cast<const SelectStatement&>(**stmt).query;
  EXPECT_EQ(q.items[0].expr->args.size(), 50001u);
  std::string unions = "SELECT 1";
  for (int i = 0; i < 20000; ++i) unions += " UNION ALL SELECT 1";
  auto u = Parse(unions);
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(static_cast<const SelectStatement&>(**u).query->operands.size(),
            20001u);
  // UNION DISTINCT and UNION ALL alternating cannot be flattened: each
  // step is a level, counted against the budget.
  std::string mixed = "SELECT 1";
  for (int i = 0; i < 5000; ++i) mixed += " UNION ALL SELECT 1 UNION SELECT 2";
  EXPECT_EQ(ParseError(mixed).sql_code(), 1436u);
  // A join of 64 tables parses (the binder refuses more than 61 with
  // MySQL's 1116); a chain of 5,000 is past the nesting budget.
  std::string joins = "SELECT 1 FROM t0";
  std::string commas = joins;
  for (int i = 1; i < 64; ++i) {
    joins += " JOIN t" + std::to_string(i);
    commas += ", t" + std::to_string(i);
  }
  EXPECT_TRUE(Parse(joins).ok());
  EXPECT_TRUE(Parse(commas).ok());
  for (int i = 64; i < 5000; ++i) {
    joins += " JOIN t" + std::to_string(i);
    commas += ", t" + std::to_string(i);
  }
  EXPECT_EQ(ParseError(joins).sql_code(), 1436u);
  EXPECT_EQ(ParseError(commas).sql_code(), 1436u);
}

}  // namespace
}  // namespace xp::sql
