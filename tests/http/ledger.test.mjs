// ledger.test.mjs — the evidence ledger from the outside: the signing key
// on the organisation's public page and as a .pub file, checkpoints on
// demand (administrators only), verification by API (administrators and
// auditors) and by `lectern verify`, an independent offline check of the
// chain and signature (docs/evidence.md), and tampering with the SQLite
// file caught by both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  BIN, DEMO, Client, cli, tmpDir, startServer, stopAll, signinApi, apiError, unescapeHtml,
} from './lib.mjs';

let srv, data, admin, auditor, learner, trainer, outsiderAdmin, outsiderToken;

before(async () => {
  // The demo's people in an organisation whose ledger starts empty (the demo
  // data itself appends enrolments and completions).
  data = tmpDir('ledger');
  cli({ data }, 'org', 'add', 'demo', 'Lectern Academy');
  for (const [who, name, role] of [[DEMO.admin, 'Amélie Admin', 'admin'], [DEMO.trainer, 'Théo Trainer', 'trainer'],
    [DEMO.elodie, 'Élodie Learner', 'learner']])
    cli({ data }, 'user', 'add', who.email, name, '--password', who.password, '--org', 'demo', '--role', role);
  cli({ data }, 'org', 'add', 'elsewhere', 'Elsewhere');
  cli({ data }, 'user', 'add', 'loner@lectern.test', 'Lone Wolf', '--password', 'loner-pass-1', '--org', 'elsewhere', '--role', 'admin');
  cli({ data }, 'user', 'add', 'audrey@lectern.test', 'Audrey Auditrice', '--password', 'auditor-pass-1', '--org', 'demo', '--role', 'auditor');
  outsiderToken = cli({ data }, 'token', 'create', '--org', 'elsewhere', '--user', 'loner@lectern.test').trim();
  srv = await startServer({ data });
  admin = await signinApi(srv, DEMO.admin.email, DEMO.admin.password);
  auditor = await signinApi(srv, 'audrey@lectern.test', 'auditor-pass-1');
  learner = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  trainer = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  outsiderAdmin = await signinApi(srv, 'loner@lectern.test', 'loner-pass-1');
});

after(async () => { await stopAll(srv); });

const dbFile = () => path.join(data, 'lectern.db');
const sqlite = (sql) => execFileSync('sqlite3', ['-json', dbFile(), sql], { encoding: 'utf8' });
const rows = (sql) => { const t = sqlite(sql).trim(); return t ? JSON.parse(t) : []; };

/** `lectern verify ARGS` → {status, stdout, stderr} (exit 1 is an answer, not a failure). */
function verifyCli(...args) {
  const r = spawnSync(BIN, ['verify', '--data', data, ...args], { encoding: 'utf8', timeout: 30000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** RFC 8785 for what the ledger holds (integers, strings, booleans, null, arrays, objects). */
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function be64(n) {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
}

test('no key yet: nothing on the page, the .pub file and the key API answer 404', async () => {
  const page = await new Client(srv).get('/o/demo');
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.text, /Evidence signing key/);
  const pub = await new Client(srv).get('/o/demo/evidence-key.pub');
  assert.equal(pub.status, 404);
  apiError(await new Client(srv).get('/api/v1/orgs/demo/ledger/key'), 404, 'not_found');
  apiError(await new Client(srv).get('/api/v1/orgs/nowhere/ledger/key'), 404);
});

test('checkpoint on demand: administrators only, never another organisation', async () => {
  apiError(await new Client(srv).req('POST', '/api/v1/orgs/demo/ledger/checkpoints', { json: {} }), 401);
  apiError(await learner.api('POST', '/api/v1/orgs/demo/ledger/checkpoints', {}), 403);
  apiError(await trainer.api('POST', '/api/v1/orgs/demo/ledger/checkpoints', {}), 403);
  apiError(await auditor.api('POST', '/api/v1/orgs/demo/ledger/checkpoints', {}), 403);
  apiError(await outsiderAdmin.api('POST', '/api/v1/orgs/demo/ledger/checkpoints', {}), 403);
  const byToken = await new Client(srv, { bearer: outsiderToken }).req('POST', '/api/v1/orgs/demo/ledger/checkpoints', { json: {} });
  assert.ok([403, 404].includes(byToken.status), `another organisation's token: ${byToken.status}`);
  // a cookie session without the CSRF header is refused
  apiError(await admin.req('POST', '/api/v1/orgs/demo/ledger/checkpoints', { json: {} }), 403, 'csrf');
  // nothing was signed by any of those
  assert.equal(rows("SELECT count(*) AS n FROM ledger_checkpoint")[0].n, 0);

  const res = await admin.api('POST', '/api/v1/orgs/demo/ledger/checkpoints', {});
  assert.equal(res.status, 201, res.text);
  const ck = res.json();
  assert.equal(ck.seq, 1, 'the key\'s introduction is entry 1');
  assert.match(ck.hash, /^[0-9a-f]{64}$/);
  assert.equal(Buffer.from(ck.signature, 'base64').length, 64);
  assert.equal(typeof ck.at_us, 'number');
  // another organisation's administrator checkpoints their own
  const own = await outsiderAdmin.api('POST', '/api/v1/orgs/elsewhere/ledger/checkpoints', {});
  assert.equal(own.status, 201, own.text);
});

test('the key is on the public page, as a .pub file and in the API; the checkpoint verifies offline with it', async () => {
  const keyRes = await new Client(srv).get('/api/v1/orgs/demo/ledger/key');
  assert.equal(keyRes.status, 200, keyRes.text);
  const k = keyRes.json();
  assert.equal(k.algorithm, 'Ed25519');
  assert.equal(Buffer.from(k.public_key, 'base64').length, 32);
  assert.equal(k.keys.length, 1);
  assert.equal(k.keys[0].valid_until, null);

  const page = await new Client(srv).get('/o/demo');
  assert.equal(page.status, 200);
  assert.match(page.text, /Evidence signing key/);
  assert.ok(unescapeHtml(page.text).includes(k.public_key), 'the key on the page');
  assert.match(page.text, /href="\/o\/demo\/evidence-key\.pub"/);

  const pub = await new Client(srv).get('/o/demo/evidence-key.pub');
  assert.equal(pub.status, 200);
  assert.match(pub.headers.get('content-type'), /^text\/plain/);
  const line = pub.text.split('\n').find((l) => l.startsWith('ed25519 '));
  assert.ok(line, pub.text);
  assert.equal(line.split(' ')[1], k.public_key);
  assert.match(line, /key-id=\d+ valid-from=\S+Z valid-until=current$/);
  // another organisation has its own key
  const other = (await new Client(srv).get('/api/v1/orgs/elsewhere/ledger/key')).json();
  assert.notEqual(other.public_key, k.public_key);

  // An auditor's offline check, from the database rows and the .pub key only.
  const orgId = rows("SELECT id FROM org WHERE slug = 'demo'")[0].id;
  const entries = rows(`SELECT seq, kind, subject, at, payload, prev_hash, hash FROM ledger_entry WHERE org_id = ${orgId} ORDER BY seq`);
  let prev = Buffer.alloc(32);
  for (const e of entries) {
    assert.equal(e.prev_hash, prev.toString('hex'));
    assert.equal(canonical(JSON.parse(e.payload)), e.payload, 'the payload is stored canonical');
    const bytes = canonical({ at: e.at, kind: e.kind, org: orgId, payload: JSON.parse(e.payload), seq: e.seq, subject: e.subject });
    // format 2 (a chain begun after migration 038): SHA-256(prev || SHA-256(entry))
    const digest = crypto.createHash('sha256').update(Buffer.from(bytes, 'utf8')).digest();
    const h = crypto.createHash('sha256').update(prev).update(digest).digest();
    assert.equal(h.toString('hex'), e.hash, `entry ${e.seq} recomputes`);
    prev = h;
  }
  const [c] = rows(`SELECT seq, hash, at, signature FROM ledger_checkpoint WHERE org_id = ${orgId}`);
  const msg = Buffer.concat([Buffer.from('lectern-checkpoint-v1', 'ascii'), be64(orgId), be64(c.seq), Buffer.from(c.hash, 'hex'), be64(c.at)]);
  assert.equal(msg.length, 77);
  const pubKey = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(line.split(' ')[1], 'base64').toString('base64url') }, format: 'jwk' });
  assert.ok(crypto.verify(null, msg, pubKey, Buffer.from(c.signature, 'base64')), 'the signature verifies with the published key');
});

test('verify by API: administrators and auditors; learners, trainers and other organisations are refused', async () => {
  for (const who of [admin, auditor]) {
    const res = await who.get('/api/v1/orgs/demo/ledger/verify');
    assert.equal(res.status, 200, res.text);
    const j = res.json();
    assert.equal(j.ok, true);
    assert.equal(j.first_bad, null);
    assert.ok(j.entries >= 1);
    assert.equal(j.checkpoints, 1);
    assert.match(j.head.hash, /^[0-9a-f]{64}$/);
  }
  apiError(await learner.get('/api/v1/orgs/demo/ledger/verify'), 403);
  apiError(await trainer.get('/api/v1/orgs/demo/ledger/verify'), 403);
  apiError(await outsiderAdmin.get('/api/v1/orgs/demo/ledger/verify'), 403);
  const byToken = await new Client(srv, { bearer: outsiderToken }).get('/api/v1/orgs/demo/ledger/verify');
  assert.ok([403, 404].includes(byToken.status), `another organisation's token: ${byToken.status}`);
  apiError(await new Client(srv).get('/api/v1/orgs/demo/ledger/verify'), 401);
  const ok = verifyCli();
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /^demo: ok — \d+ entr(y|ies) and 1 checkpoint verified/m);
  assert.match(ok.stdout, /^elsewhere: ok/m);
});

test('key rotation keeps the old key; the .pub file lists both', async () => {
  const r = spawnSync(BIN, ['key', 'rotate', '--org', 'demo', '--data', data], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const newKey = r.stdout.trim();
  const res = await admin.api('POST', '/api/v1/orgs/demo/ledger/checkpoints', {});
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json().seq, 2);
  const k = (await new Client(srv).get('/api/v1/orgs/demo/ledger/key')).json();
  assert.equal(k.public_key, newKey);
  assert.equal(k.keys.length, 2);
  assert.equal(k.keys[1].valid_until, k.keys[0].valid_from);
  const pub = (await new Client(srv).get('/o/demo/evidence-key.pub')).text;
  assert.equal(pub.split('\n').filter((l) => l.startsWith('ed25519 ')).length, 2);
  const show = spawnSync(BIN, ['key', 'show', '--org', 'demo', '--data', data], { encoding: 'utf8' });
  assert.equal(show.stdout.trim(), newKey);
  assert.equal(verifyCli('--org', 'demo').status, 0);
});

test('an entry changed in the SQLite file behind the application\'s back is caught by the API and by lectern verify', async () => {
  const orgId = rows("SELECT id FROM org WHERE slug = 'demo'")[0].id;
  const original = rows(`SELECT payload FROM ledger_entry WHERE org_id = ${orgId} AND seq = 1`)[0].payload;
  sqlite(`UPDATE ledger_entry SET payload = '{"algorithm":"Ed25519","key_id":1,"public_key":"forged","valid_from":0}' WHERE org_id = ${orgId} AND seq = 1`);

  const res = await auditor.get('/api/v1/orgs/demo/ledger/verify');
  assert.equal(res.status, 200);
  const j = res.json();
  assert.equal(j.ok, false);
  assert.equal(j.first_bad.seq, 1);
  assert.equal(j.first_bad.reason, 'hash_mismatch');
  assert.match(j.first_bad.detail, /entry 1/);

  const v = verifyCli();
  assert.equal(v.status, 1, v.stdout + v.stderr);
  assert.match(v.stdout, /^demo: FAILED at seq 1 \(hash_mismatch\)/m);
  assert.match(v.stdout, /^elsewhere: ok/m, 'other organisations still verify');
  assert.equal(verifyCli('--org', 'elsewhere').status, 0);

  // put it back: it verifies again
  sqlite(`UPDATE ledger_entry SET payload = '${original.replace(/'/g, "''")}' WHERE org_id = ${orgId} AND seq = 1`);
  assert.equal(verifyCli('--org', 'demo').status, 0);

  // the entry of the last checkpoint changed: caught, and no checkpoint is signed over it
  sqlite(`UPDATE ledger_entry SET at = at + 1 WHERE org_id = ${orgId} AND seq = 2`);
  apiError(await admin.api('POST', '/api/v1/orgs/demo/ledger/checkpoints', {}), 409, 'ledger_invalid');
  const cl = spawnSync(BIN, ['checkpoint', '--org', 'demo', '--data', data], { encoding: 'utf8' });
  assert.equal(cl.status, 1);
  assert.match(cl.stdout, /does not verify/);
  assert.match(verifyCli('--org', 'demo').stdout, /FAILED at seq 2 \(hash_mismatch\)/);

  // a deleted entry is named
  sqlite(`UPDATE ledger_entry SET at = at - 1 WHERE org_id = ${orgId} AND seq = 2`);
  sqlite(`DELETE FROM ledger_entry WHERE org_id = ${orgId} AND seq = 1`);
  const gone = verifyCli('--org', 'demo');
  assert.equal(gone.status, 1);
  assert.match(gone.stdout, /FAILED at seq 1 \(gap\)/);
});
