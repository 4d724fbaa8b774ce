// @mysql/xdevapi (unmodified, from npm) against an XProtocol server built on
// our library with the fake SQL dispatcher. XP_PORT names the server's port.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const mysqlx = require('@mysql/xdevapi');

const port = Number(process.env.XP_PORT);
if (!port) throw new Error('XP_PORT is not set');
const uri = (user, pw, extra = '') =>
  `mysqlx://${user}:${pw}@127.0.0.1:${port}/shop?ssl-mode=DISABLED${extra}`;

async function rows(session, sql, ...args) {
  let q = session.sql(sql);
  if (args.length) q = q.bind(...args);
  const res = await q.execute();
  return { res, rows: res.fetchAll(), columns: res.getColumns() };
}

test('logs in with MYSQL41 and runs SQL', async () => {
  const s = await mysqlx.getSession(uri('alice', 'secret', '&auth=MYSQL41'));
  const { rows: r } = await rows(s, 'SELECT DATABASE()');
  assert.deepEqual(r, [['shop']]);  // the authzid selected the schema
  await s.close();
});

test('logs in with SHA256_MEMORY', async () => {
  const s = await mysqlx.getSession(uri('alice', 'secret', '&auth=SHA256_MEMORY'));
  const { rows: r } = await rows(s, 'SELECT * FROM people WHERE id = ?', 2);
  assert.deepEqual(r, [[2, 'grace']]);
  await s.close();
});

test('wrong password is refused with 1045, the retry fails too, then a good login works', async () => {
  // No auth= given: the connector tries MYSQL41, gets 1045 and retries with
  // SHA256_MEMORY on the same connection, which must still be open.
  await assert.rejects(mysqlx.getSession(uri('alice', 'wrong')), (err) => {
    assert.equal(err.info.code, 1045);
    assert.equal(err.info.sqlState, '28000');
    return true;
  });
  await assert.rejects(
    mysqlx.getSession(uri('alice', 'wrong', '&auth=MYSQL41')),
    (err) => err.info.code === 1045 && /Access denied for user 'alice'/.test(err.info.msg));
  const s = await mysqlx.getSession(uri('alice', 'secret'));
  assert.deepEqual((await rows(s, 'SELECT DATABASE()')).rows, [['shop']]);
  await s.close();
});

test('bound values round-trip with their types', async () => {
  const s = await mysqlx.getSession(uri('alice', 'secret'));
  const { rows: r } = await rows(s, 'SELECT ?, ?, ?, ?, ?, ?, ?',
    42, -7, 'tëxt', 3.5, true, null, Buffer.from([0, 255]));
  assert.equal(r.length, 1);
  const [a, b, c, d, e, f, g] = r[0];
  assert.equal(a, 42);
  assert.equal(b, -7);
  assert.equal(c, 'tëxt');
  assert.equal(d, 3.5);
  assert.equal(e, 1);
  assert.equal(f, null);
  assert.deepEqual(g, Buffer.from([0, 255]));
  // An injection attempt is a value, not SQL.
  const inj = await rows(s, 'SELECT ?', "x'; DROP TABLE people; --");
  assert.deepEqual(inj.rows, [["x'; DROP TABLE people; --"]]);
  await s.close();
});

test('every column type is decoded correctly', async () => {
  const s = await mysqlx.getSession(uri('alice', 'secret'));
  const { rows: r, columns } = await rows(s, 'SELECT * FROM types');
  assert.deepEqual(columns.map((c) => c.getColumnName()), [
    'tiny_col', 'int_col', 'bigint_col', 'ubigint_col', 'double_col', 'float_col',
    'decimal_col', 'varchar_col', 'blob_col', 'date_col', 'datetime_col',
    'time_col', 'set_col', 'enum_col', 'bit_col']);
  assert.equal(columns[0].getTableName(), 'types');
  assert.equal(columns[0].getSchemaName(), 'shop');
  assert.equal(r.length, 3);

  const [t, i, big, ubig, dbl, flt, dec, vc, blob, date, dt, time, set, en, bit] = r[0];
  assert.equal(t, -128);
  assert.equal(i, 2147483647);
  assert.equal(big, -9007199254740991);
  assert.equal(String(ubig), '18446744073709551615');
  assert.equal(dbl, 2.5);
  assert.equal(flt, -1.25);
  assert.equal(dec, -12345.67);
  assert.equal(vc, 'héllo wörld');
  assert.deepEqual(blob, Buffer.from([0x00, 0x01, 0xfe, 0xff]));
  assert.equal(date.toISOString(), '2026-11-22T00:00:00.000Z');
  assert.equal(dt.toISOString(), '1999-12-31T23:59:58.123Z');
  assert.equal(time, '-838:59:58.000000');
  assert.deepEqual(set, ['a', 'c']);
  assert.equal(en, 'medium');
  assert.equal(String(bit), '165');

  const r2 = r[1];
  assert.equal(r2[0], 0);
  assert.equal(r2[1], -2147483648);
  assert.equal(r2[2], 9007199254740991);
  assert.equal(Number(r2[3]), 0);
  assert.equal(r2[4], -0.5);
  assert.equal(r2[5], 0);
  assert.equal(r2[6], 0.05);
  assert.equal(r2[7], '');
  assert.deepEqual(r2[8], Buffer.alloc(0));
  assert.equal(r2[9].toISOString(), '1970-01-01T00:00:00.000Z');
  assert.equal(r2[10].toISOString(), '2000-02-29T12:00:00.000Z');
  assert.equal(r2[11], '+01:02:03.000000');
  assert.deepEqual(r2[12], []);
  assert.equal(r2[13], 'small');
  assert.equal(String(r2[14]), '0');

  assert.deepEqual(r[2], new Array(15).fill(null));
  await s.close();
});

test('errors carry code and SQL state; the session goes on', async () => {
  const s = await mysqlx.getSession(uri('alice', 'secret'));
  await assert.rejects(s.sql('SELECT * FROM missing').execute(), (err) => {
    assert.equal(err.info.code, 1146);
    assert.equal(err.info.sqlState, '42S02');
    assert.match(err.message, /Table 'shop.missing' doesn't exist/);
    return true;
  });
  await assert.rejects(s.sql('SELEKT nonsense').execute(), (err) => {
    assert.equal(err.info.code, 1064);
    assert.equal(err.info.sqlState, '42000');
    return true;
  });
  assert.deepEqual((await rows(s, 'SELECT * FROM people WHERE id = ?', 1)).rows, [[1, 'ada']]);
  await s.close();
});

test('notices: rows affected, insert id, warnings; multiple result sets', async () => {
  const s = await mysqlx.getSession(uri('alice', 'secret'));
  const ins = await s.sql("INSERT INTO people VALUES (4, 'barbara')").execute();
  assert.equal(ins.getAffectedItemsCount(), 1);
  assert.equal(ins.getAutoIncrementValue(), 4);
  const w = await s.sql('SELECT warning()').execute();
  assert.equal(w.getWarningsCount(), 1);
  assert.equal(w.getWarnings()[0].code, 1292);
  const multi = await s.sql('CALL two_results()').execute();
  assert.deepEqual(multi.fetchAll(), [['one']]);
  assert.equal(multi.nextResult(), true);
  assert.deepEqual(multi.fetchAll(), [['two']]);
  await s.close();
});

test('transactions', async () => {
  const s = await mysqlx.getSession(uri('alice', 'secret'));
  await s.startTransaction();
  await s.sql("INSERT INTO people VALUES (5, 'x')").execute();
  await s.commit();
  await s.startTransaction();
  await s.rollback();
  await s.close();
});

test('pooled client reuses connections through Expect + Session.Reset', async () => {
  const client = mysqlx.getClient(uri('alice', 'secret'), { pooling: { enabled: true, maxSize: 2 } });
  for (let round = 0; round < 5; ++round) {
    const s = await client.getSession();
    assert.deepEqual((await rows(s, 'SELECT * FROM people WHERE id = ?', 3)).rows, [[3, 'edsger']]);
    await s.close();  // back to the pool: the connector resets the session
  }
  const a = await client.getSession();
  const b = await client.getSession();
  assert.deepEqual((await rows(a, 'SELECT DATABASE()')).rows, [['shop']]);
  assert.deepEqual((await rows(b, 'SELECT DATABASE()')).rows, [['shop']]);
  await a.close();
  await b.close();
  await client.close();
});

test('a large result streams intact', async () => {
  const s = await mysqlx.getSession(uri('alice', 'secret'));
  const { rows: r } = await rows(s, 'SELECT * FROM big');
  assert.equal(r.length, 20000);
  assert.deepEqual(r[19999], [20000, 'row 20000 of the big table, padded for compression']);
  await s.close();
});
