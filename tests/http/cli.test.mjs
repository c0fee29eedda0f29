// cli.test.mjs — the operator commands, black-box: migrate, org add, user
// add|passwd|role, token create, backup, test-request, --help, and the
// configuration order (file < environment < command line).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, tmpDir, startServer, stopAll, Client, signinApi } from './lib.mjs';

/** Run lectern; returns {status, stdout, stderr}. */
function run(args, { input, env } = {}) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', input, env: { ...process.env, ...(env || {}) }, timeout: 30000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('--help lists every command; COMMAND --help shows its usage; unknown commands fail clearly', () => {
  const h = run(['--help']);
  assert.equal(h.status, 0);
  for (const c of ['serve', 'migrate', 'org add', 'user add', 'user passwd', 'user role', 'token create', 'demo', 'backup'])
    assert.ok(h.stdout.includes(`  ${c} `), `--help lists ${c}`);
  const u = run(['user', 'add', '--help']);
  assert.equal(u.status, 0);
  assert.match(u.stdout, /Usage: lectern user add EMAIL NAME/);
  const bad = run(['frobnicate']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown command "frobnicate"/);
});

test('migrate, org add, user add (password on stdin), role, passwd, token create', async () => {
  const data = tmpDir('cli');
  const m = run(['migrate', '--data', data]);
  assert.equal(m.status, 0, m.stderr);
  assert.match(m.stdout, /schema version \d+/);
  assert.match(run(['migrate', '--data', data]).stdout, /\(0 migrations applied\)/);
  assert.equal(run(['org', 'add', 'acme', 'ACME Formation', '--data', data]).status, 0);
  const dup = run(['org', 'add', 'acme', 'Again', '--data', data]);
  assert.equal(dup.status, 1);
  assert.match(dup.stderr, /taken/);
  assert.match(run(['org', 'add', 'Bad Slug', 'X', '--data', data]).stderr, /short name/);
  const add = run(['user', 'add', 'zoe@acme.test', 'Zoé Martin', '--org', 'acme', '--role', 'admin', '--data', data],
                  { input: 'a long enough password\n' });
  assert.equal(add.status, 0, add.stderr);
  assert.match(run(['user', 'add', 'short@acme.test', 'Short', '--password', 'short', '--data', data]).stderr, /at least 10/);
  assert.equal(run(['user', 'role', 'zoe@acme.test', '--org', 'acme', '--role', 'trainer', '--data', data]).status, 0);
  assert.match(run(['user', 'role', 'zoe@acme.test', '--org', 'acme', '--role', 'boss', '--data', data]).stderr, /role/);
  assert.equal(run(['user', 'role', 'zoe@acme.test', '--org', 'acme', '--role', 'admin', '--data', data]).status, 0);
  const tok = run(['token', 'create', '--org', 'acme', '--user', 'zoe@acme.test', '--role', 'admin', '--data', data]);
  assert.equal(tok.status, 0, tok.stderr);
  const token = tok.stdout.trim();
  assert.match(token, /^lct_[A-Za-z0-9_-]{43}$/);
  const srv = await startServer({ data });
  try {
    const members = await new Client(srv, { bearer: token }).get('/api/v1/orgs/acme/members');
    assert.equal(members.status, 200);
    assert.equal(members.json().items[0].name, 'Zoé Martin');
    await signinApi(srv, 'zoe@acme.test', 'a long enough password');
    assert.equal(run(['user', 'passwd', 'zoe@acme.test', '--password', 'another long password', '--data', data]).status, 0);
    await signinApi(srv, 'zoe@acme.test', 'another long password');
  } finally {
    await stopAll(srv);
  }
  assert.match(run(['user', 'passwd', 'nobody@acme.test', '--password', 'whatever long', '--data', data]).stderr, /no account/);
});

test('backup copies a live SQLite database that opens and holds the data; PostgreSQL is told to use pg_dump', async () => {
  const data = tmpDir('backup');
  assert.equal(run(['demo', '--data', data]).status, 0);
  const srv = await startServer({ data });
  const file = path.join(data, 'copy.db');
  try {
    const b = run(['backup', file, '--data', data]);
    assert.equal(b.status, 0, b.stderr);
    assert.match(b.stderr, /backup: \d+ \/ \d+ pages/);
  } finally {
    await stopAll(srv);
  }
  // The copy is a database of its own: serve it and sign in.
  const copyDir = tmpDir('restored');
  fs.copyFileSync(file, path.join(copyDir, 'lectern.db'));
  const restored = await startServer({ data: copyDir });
  try {
    await signinApi(restored, 'admin@lectern.test', 'demo-admin-pass');
  } finally {
    await stopAll(restored);
  }
  const pg = run(['backup', 'x.dump', '--db', 'postgres://127.0.0.1:1/none']);
  assert.equal(pg.status, 1);
  assert.match(pg.stderr, /pg_dump/);
});

test('test-request runs a raw request through the handlers without a socket', () => {
  const data = tmpDir('treq');
  assert.equal(run(['demo', '--data', data]).status, 0);
  const req = path.join(data, 'req.txt');
  fs.writeFileSync(req, 'GET /o/demo/admin/users?q=elodie HTTP/1.1\r\nHost: x\r\n\r\n');
  const anon = run(['test-request', req, '--data', data, '--access-log', 'off']);
  assert.equal(anon.status, 0);
  assert.match(anon.stdout, /^HTTP\/1\.1 303/);
  const admin = run(['test-request', req, '--data', data, '--as', 'admin@lectern.test', '--access-log', 'off']);
  assert.match(admin.stdout, /^HTTP\/1\.1 200/);
  assert.match(admin.stdout, /Élodie Learner/);
  assert.doesNotMatch(admin.stdout, /François Learner/);
  fs.writeFileSync(req, 'not a request');
  const bad = run(['test-request', req, '--data', data]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /not an HTTP request/);
});

test('configuration: the file, then LECTERN_* variables, then options; a bad line is named', async () => {
  const data = tmpDir('conf');
  assert.equal(run(['demo', '--data', data]).status, 0);
  fs.writeFileSync(path.join(data, 'lectern.conf'), '# site settings\nlisten = 127.0.0.1:1\nthreads = 2\n');
  // The file's listen address is overridden by the command line (port 0).
  const srv = await startServer({ data });
  try {
    assert.equal((await new Client(srv).get('/healthz')).status, 200);
  } finally {
    await stopAll(srv);
  }
  fs.writeFileSync(path.join(data, 'lectern.conf'), 'threads = 2\nnonsense here\n');
  const bad = run(['migrate', '--data', data]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /lectern\.conf:2/);
  fs.writeFileSync(path.join(data, 'lectern.conf'), 'db = sqlite:/nonexistent-dir/x.db\n');
  // The environment wins over the file.
  const env = run(['migrate', '--data', data], { env: { LECTERN_DB: `sqlite:${path.join(data, 'lectern.db')}` } });
  assert.equal(env.status, 0, env.stderr);
  const file = run(['migrate', '--data', data]);
  assert.equal(file.status, 1);
  assert.match(file.stderr, /nonexistent-dir/);
});
