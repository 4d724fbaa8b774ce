// @mysql/xdevapi (unmodified, from npm) against a real xdn: SQL over
// RocksDB. XP_PORT names the data node's port; the account is alice/secret.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const real = require('@mysql/xdevapi');

// Every session and client opened here is closed after the tests, even
// when one fails half-way (an open socket would keep node running).
const opened = [];
const mysqlx = {
  getSession: async (...a) => { const s = await real.getSession(...a); opened.push(s); return s; },
  getClient: (...a) => { const c = real.getClient(...a); opened.push(c); return c; },
};
test.after(async () => {
  for (const o of opened.reverse()) { try { await o.close(); } catch (_) { /* closed */ } }
});

const port = Number(process.env.XP_PORT);
if (!port) throw new Error('XP_PORT is not set');
const uri = (schema = 'shop', extra = '', pw = 'secret') =>
  `mysqlx://alice:${pw}@127.0.0.1:${port}/${schema}?ssl-mode=DISABLED${extra}`;

async function rows(session, sql, ...args) {
  let q = session.sql(sql);
  if (args.length) q = q.bind(...args);
  const res = await q.execute();
  return { res, rows: res.fetchAll(), columns: res.getColumns() };
}

test.before(async () => {
  const s = await mysqlx.getSession(
    `mysqlx://alice:secret@127.0.0.1:${port}?ssl-mode=DISABLED`);
  await s.sql('CREATE DATABASE IF NOT EXISTS shop').execute();
  await s.close();
});

test('logs in with MYSQL41 and SHA256_MEMORY; a wrong password is 1045', async () => {
  for (const auth of ['MYSQL41', 'SHA256_MEMORY']) {
    const s = await mysqlx.getSession(uri('shop', `&auth=${auth}`));
    assert.deepEqual((await rows(s, 'SELECT DATABASE()')).rows, [['shop']]);
    await s.close();
  }
  await assert.rejects(mysqlx.getSession(uri('shop', '', 'wrong')),
    (err) => err.info.code === 1045 && err.info.sqlState === '28000');
});

test('PLAIN is refused without TLS (the password would cross in clear)', async () => {
  await assert.rejects(mysqlx.getSession(uri('shop', '&auth=PLAIN')),
    (err) => err.info.code === 1251 && /PLAIN needs TLS/.test(err.info.msg));
});

test('DDL, DML with bound values, and every column type round-trips', async () => {
  const s = await mysqlx.getSession(uri());
  await s.sql('DROP TABLE IF EXISTS types').execute();
  await s.sql(`CREATE TABLE types (
      id INT PRIMARY KEY AUTO_INCREMENT, ti TINYINT, i INT, bi BIGINT,
      ubi BIGINT UNSIGNED, d DOUBLE, f FLOAT, dec1 DECIMAL(10,2),
      vc VARCHAR(20), txt TEXT, vb VARBINARY(8), dt DATE, dtm DATETIME,
      tm TIME, b BOOLEAN)`).execute();
  const ins = await s.sql(`INSERT INTO types (ti, i, bi, ubi, d, f, dec1, vc,
      txt, vb, dt, dtm, tm, b) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .bind(-128, 2147483647, -9007199254740991, '18446744073709551615', 2.5,
      -1.25, '-12345.67', 'héllo wörld', 'long text', Buffer.from([0, 1, 254, 255]),
      '2026-11-22', '1999-12-31 23:59:58', '-838:59:58', true)
    .execute();
  assert.equal(ins.getAffectedItemsCount(), 1);
  assert.equal(ins.getAutoIncrementValue(), 1);
  await s.sql('INSERT INTO types (id) VALUES (NULL)').execute();  // all NULL

  const { rows: r, columns } = await rows(s, 'SELECT ti, i, bi, ubi, d, f, dec1, vc, txt, vb, dt, dtm, tm, b FROM types ORDER BY id');
  assert.deepEqual(columns.map((c) => c.getColumnName()),
    ['ti', 'i', 'bi', 'ubi', 'd', 'f', 'dec1', 'vc', 'txt', 'vb', 'dt', 'dtm', 'tm', 'b']);
  const [ti, i, bi, ubi, d, f, dec, vc, txt, vb, dt, dtm, tm, b] = r[0];
  assert.equal(ti, -128);
  assert.equal(i, 2147483647);
  assert.equal(bi, -9007199254740991);
  assert.equal(String(ubi), '18446744073709551615');
  assert.equal(d, 2.5);
  assert.equal(f, -1.25);
  assert.equal(dec, -12345.67);
  assert.equal(vc, 'héllo wörld');
  assert.equal(txt, 'long text');
  assert.deepEqual(vb, Buffer.from([0, 1, 254, 255]));
  assert.equal(dt.toISOString(), '2026-11-22T00:00:00.000Z');
  assert.equal(dtm.toISOString(), '1999-12-31T23:59:58.000Z');
  assert.equal(tm, '-838:59:58.000000');
  assert.equal(b, 1);
  assert.deepEqual(r[1], new Array(14).fill(null));

  // Bound values are values, never SQL.
  const inj = await rows(s, 'SELECT vc FROM types WHERE vc = ?', "x' OR '1'='1");
  assert.deepEqual(inj.rows, []);
  const upd = await s.sql('UPDATE types SET i = i - ? WHERE id = ?').bind(7, 1).execute();
  assert.equal(upd.getAffectedItemsCount(), 1);
  assert.deepEqual((await rows(s, 'SELECT i FROM types WHERE id = ?', 1)).rows, [[2147483640]]);
  const del = await s.sql('DELETE FROM types WHERE id = ?').bind(2).execute();
  assert.equal(del.getAffectedItemsCount(), 1);
  await s.close();
});

test('errors carry MySQL codes and SQL states; the session goes on', async () => {
  const s = await mysqlx.getSession(uri());
  await s.sql('DROP TABLE IF EXISTS people').execute();
  await s.sql('CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(10))').execute();
  await s.sql("INSERT INTO people VALUES (1, 'ada')").execute();
  await assert.rejects(s.sql('SELECT * FROM missing').execute(), (err) => {
    assert.equal(err.info.code, 1146);
    assert.equal(err.info.sqlState, '42S02');
    assert.match(err.message, /Table 'shop.missing' doesn't exist/);
    return true;
  });
  await assert.rejects(s.sql("INSERT INTO people VALUES (1, 'again')").execute(), (err) => {
    assert.equal(err.info.code, 1062);
    assert.equal(err.info.sqlState, '23000');
    assert.match(err.message, /Duplicate entry '1' for key 'people.PRIMARY'/);
    return true;
  });
  await assert.rejects(s.sql('SELEKT nonsense').execute(), (err) => {
    assert.equal(err.info.code, 1064);
    assert.equal(err.info.sqlState, '42000');
    return true;
  });
  assert.deepEqual((await rows(s, 'SELECT name FROM people WHERE id = ?', 1)).rows, [['ada']]);
  await s.close();
});

test('transactions: rollback discards, commit publishes, others see only commits', async () => {
  const a = await mysqlx.getSession(uri());
  const b = await mysqlx.getSession(uri());
  await a.sql('DROP TABLE IF EXISTS acct').execute();
  await a.sql('CREATE TABLE acct (id INT PRIMARY KEY, v INT)').execute();
  await a.startTransaction();
  await a.sql('INSERT INTO acct VALUES (1, 10)').execute();
  await a.rollback();
  assert.deepEqual((await rows(a, 'SELECT COUNT(*) FROM acct')).rows, [[0]]);
  await a.startTransaction();
  await a.sql('INSERT INTO acct VALUES (2, 20)').execute();
  assert.deepEqual((await rows(b, 'SELECT COUNT(*) FROM acct')).rows, [[0]]);
  await a.commit();
  assert.deepEqual((await rows(b, 'SELECT v FROM acct')).rows, [[20]]);
  await a.close();
  await b.close();
});

test('a pooled client reuses connections through Expect + Session.Reset', async () => {
  const client = mysqlx.getClient(uri(), { pooling: { enabled: true, maxSize: 2 } });
  for (let round = 0; round < 5; ++round) {
    const s = await client.getSession();
    // Session state never leaks into the next user of the connection.
    assert.deepEqual((await rows(s, 'SELECT @leak')).rows, [[null]]);
    await s.sql('SET @leak = 1').execute();
    assert.deepEqual((await rows(s, 'SELECT DATABASE()')).rows, [['shop']]);
    await s.close();
  }
  const x = await client.getSession();
  const y = await client.getSession();
  assert.deepEqual((await rows(x, 'SELECT 1 + ?', 1)).rows, [[2]]);
  assert.deepEqual((await rows(y, 'SELECT 2 + ?', 1)).rows, [[3]]);
  await x.close();
  await y.close();
  await client.close();
});
