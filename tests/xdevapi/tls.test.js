// @mysql/xdevapi (unmodified, from npm) against an xdn that requires TLS
// (--ssl_dir=WORK/tls --require_secure_transport): the connector's default
// getSession (TLS, then PLAIN), certificate checks against the generated
// CA, and clear-text logins refused. XP_PORT names the port, XP_WORK the
// server's work directory; the account is alice/secret.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const real = require('@mysql/xdevapi');

const opened = [];
const getSession = async (...a) => { const s = await real.getSession(...a); opened.push(s); return s; };
test.after(async () => {
  for (const o of opened.reverse()) { try { await o.close(); } catch (_) { /* closed */ } }
});

const port = Number(process.env.XP_PORT);
if (!port || !process.env.XP_WORK) throw new Error('XP_PORT and XP_WORK must be set');
const ca = path.join(process.env.XP_WORK, 'tls', 'ca.pem');

async function one(session, sql) {
  return (await session.sql(sql).execute()).fetchAll();
}

test('the default getSession starts TLS and logs in with PLAIN', async () => {
  // No ssl-mode: the connector's default is REQUIRED, and over TLS its
  // default mechanism is PLAIN.
  const s = await getSession(`mysqlx://alice:secret@127.0.0.1:${port}`);
  await one(s, 'CREATE DATABASE IF NOT EXISTS tls_db');
  await one(s, 'CREATE TABLE IF NOT EXISTS tls_db.t (id INT PRIMARY KEY, v VARCHAR(20))');
  await s.sql('INSERT INTO tls_db.t VALUES (?, ?)').bind(1, 'über TLS').execute();
  assert.deepEqual(await one(s, 'SELECT v FROM tls_db.t WHERE id = 1'), [['über TLS']]);
  await one(s, 'DELETE FROM tls_db.t');
});

test('every mechanism works over TLS, and the certificate verifies', async () => {
  for (const auth of ['PLAIN', 'MYSQL41', 'SHA256_MEMORY']) {
    const s = await getSession(`mysqlx://alice:secret@127.0.0.1:${port}?ssl-mode=REQUIRED&auth=${auth}`);
    assert.deepEqual(await one(s, 'SELECT 1 + 1'), [[2]]);
  }
  const verified = await getSession({
    host: 'localhost', port, user: 'alice', password: 'secret',
    tls: { enabled: true, ca },
  });
  assert.deepEqual(await one(verified, 'SELECT 2'), [[2]]);
});

test('a certificate checked against another CA is refused', async () => {
  const other = path.join(process.env.XP_WORK, 'other-ca.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt',
    'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=another CA', '-days', '1',
    '-keyout', path.join(process.env.XP_WORK, 'other-key.pem'), '-out', other],
  { stdio: 'ignore' });
  await assert.rejects(getSession({
    host: 'localhost', port, user: 'alice', password: 'secret',
    tls: { enabled: true, ca: other },
  }), (err) => /certificate/i.test(err.message));
  // The same connection checked against our CA goes through.
  const ok = await getSession({
    host: 'localhost', port, user: 'alice', password: 'secret',
    tls: { enabled: true, ca },
  });
  assert.deepEqual(await one(ok, 'SELECT 3'), [[3]]);
});

test('wrong password over TLS is 1045; clear text is refused with 3159', async () => {
  await assert.rejects(getSession(`mysqlx://alice:nope@127.0.0.1:${port}`),
    (err) => err.info && err.info.code === 1045);
  for (const auth of ['MYSQL41', 'PLAIN']) {
    await assert.rejects(
      getSession(`mysqlx://alice:secret@127.0.0.1:${port}?ssl-mode=DISABLED&auth=${auth}`),
      (err) => err.info && err.info.code === 3159);
  }
});
