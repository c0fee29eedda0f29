// audit_pack.test.mjs — a learner's audit pack (docs/evidence.md "Audit
// packs") against the real binary: Élodie's pack of the demo's first course
// run, after another learner's activity interleaved in the ledger, checked by
// the pack's own verify.py (Python 3, the signature with the cryptography
// module and again with the openssl command); nobody else's data in it; a
// changed entry found; who may download it.  Run on SQLite and PostgreSQL
// (scripts/test.sh).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { startServer, stopAll, demoStore, DEMO, Client, signinApi, signinForm, apiError, cli, tmpDir } from './lib.mjs';

const PY = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
let store, srv, admin, auditor, trainer, elodie, francois, otherAdmin, runId, elodieId;

before(async () => {
  store = demoStore('auditpack');
  cli(store, 'user', 'add', 'audit@lectern.test', 'Aude Auditrice', '--password', 'auditor-pass', '--org', 'demo', '--role', 'auditor');
  cli(store, 'org', 'add', 'other', 'Other');
  cli(store, 'user', 'add', 'boss@other.test', 'Other Boss', '--password', 'other-boss-pass', '--org', 'other', '--role', 'admin');
  srv = await startServer(store);
  admin = await signinApi(srv, DEMO.admin.email, DEMO.admin.password);
  auditor = await signinApi(srv, 'audit@lectern.test', 'auditor-pass');
  trainer = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  elodie = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  francois = await signinApi(srv, DEMO.francois.email, DEMO.francois.password);
  otherAdmin = await signinApi(srv, 'boss@other.test', 'other-boss-pass');
  const safe = (await new Client(srv).get('/api/v1/courses')).json().items.find((c) => c.code === 'SAFE-101');
  runId = (await new Client(srv).get(`/api/v1/courses/${safe.id}`)).json().runs[0].id;
  elodieId = (await elodie.get('/api/v1/me')).json().id;
  // François's activity in the same run, in the ledger between Élodie's entries
  assert.equal((await francois.api('POST', `/api/v1/runs/${runId}/enrolment`)).status, 201);
  assert.equal((await trainer.api('POST', `/api/v1/orgs/demo/runs/${runId}/survey`, {})).status, 201);
  const answers = { overall: 5, objectives: 4, content: 4, assistance: 4, organisation: 5, recommend: 'yes', improve: 'Rien à signaler' };
  assert.equal((await francois.api('POST', `/api/v1/runs/${runId}/survey/responses`, { answers: { ...answers, improve: 'Secret de François' } })).status, 201);
  assert.equal((await elodie.api('POST', `/api/v1/runs/${runId}/survey/responses`, { answers })).status, 201);
  // a statement about Élodie under an account whose name is her address (not an mbox), and one about François
  const token = cli(store, 'token', 'create', '--org', 'demo', '--user', DEMO.trainer.email, '--role', 'trainer', '--name', 'lrs').trim();
  const sts = [DEMO.elodie.email, DEMO.francois.email].map((email) => ({
    actor: { account: { homePage: 'https://mooc.example', name: email } },
    verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
    object: { id: 'https://mooc.example/courses/data-protection/module-3' }, result: { duration: 'PT7M' } }));
  const res = await new Client(srv, { bearer: token }).req('POST', '/xapi/statements',
    { json: sts, headers: { 'x-experience-api-version': '1.0.3' } });
  assert.equal(res.status, 200, res.text);
});

after(async () => { await stopAll(srv); });

/** Download a pack, unpack it with Python's zipfile, and return its folder. */
async function unpack(who, learner) {
  const res = await fetch(`${srv.url}/api/v1/orgs/demo/runs/${runId}/learners/${learner}/audit-pack`, { headers: { cookie: who.cookieHeader() } });
  assert.equal(res.status, 200, await res.clone().text());
  assert.match(res.headers.get('content-type'), /^application\/zip/);
  assert.match(res.headers.get('content-disposition'), /^attachment; filename="audit-pack-demo-run\d+-learner\d+\.zip"/);
  const dir = tmpDir('pack');
  fs.writeFileSync(path.join(dir, 'pack.zip'), Buffer.from(await res.arrayBuffer()));
  execFileSync(PY, ['-m', 'zipfile', '-e', path.join(dir, 'pack.zip'), path.join(dir, 'x')]);
  return path.join(dir, 'x');
}

const verify = (dir, args = []) => spawnSync(PY, [...args, path.join(dir, 'verify.py'), dir], { encoding: 'utf8' });

test('Élodie\'s pack verifies offline; the other learner is in it by digests only', async () => {
  const dir = await unpack(admin, elodieId);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['README.txt', 'connection-record.pdf', 'course.json', 'evidence.json', 'external.json',
                                                'verify.py', 'xapi-statements.json']);
  let out = verify(dir);
  assert.equal(out.status, 0, out.stdout + out.stderr);
  assert.match(out.stdout, /signature verified with the cryptography module/);
  assert.match(out.stdout, /VERIFIED$/m);
  assert.match(out.stdout, /xAPI statements: 4, each the one its ledger entry names/);     // 3 of the demo's, 1 by account
  // without site packages: the signature with the openssl command
  out = verify(dir, ['-S']);
  assert.equal(out.status, 0, out.stdout + out.stderr);
  assert.match(out.stdout, /signature verified with the openssl command/);

  const text = fs.readFileSync(path.join(dir, 'evidence.json'), 'utf8');
  const pack = JSON.parse(text);
  assert.equal(pack.learner.email, DEMO.elodie.email);
  const kinds = pack.learner_entries.map((e) => e.kind);
  for (const k of ['enrolment.created', 'unit.completed', 'connection.session', 'xapi.statement', 'survey.response']) assert.ok(kinds.includes(k), k);
  // François's enrolment and answers are in the chain, as digests: neither his name, address, id nor words
  assert.ok(!text.includes('François') && !text.includes(DEMO.francois.email) && !text.includes('Secret de François'));
  assert.ok(!fs.readFileSync(path.join(dir, 'xapi-statements.json'), 'utf8').includes(DEMO.francois.email));
  const digests = pack.ledger.chain.filter((e) => e.digest).length;
  assert.ok(digests >= 3, `${digests} entries by digest`);
  assert.ok(pack.ledger.chain.every((e) => e.digest || e.mine), 'every entry in full is hers (a chain of format 2)');
  assert.match(fs.readFileSync(path.join(dir, 'README.txt'), 'utf8'), /Article D6313-3-1/);
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'external.json'), 'utf8')).activities[0].title, 'Data protection basics');
  // the published key is the one the pack names
  assert.equal(pack.ledger.checkpoint.public_key, (await new Client(srv).get('/api/v1/orgs/demo/ledger/key')).json().public_key);
});

test('a changed entry, a changed document or a forged digest is found', async () => {
  const dir = await unpack(auditor, elodieId);
  const file = path.join(dir, 'evidence.json');
  const good = fs.readFileSync(file, 'utf8');
  const pack = JSON.parse(good);
  const mine = pack.ledger.chain.find((e) => e.mine && e.bytes.includes('connection.session'));
  mine.bytes = mine.bytes.replace(/"active_ms":(\d+)/, (m, n) => `"active_ms":${Number(n) + 60000}`);
  fs.writeFileSync(file, JSON.stringify(pack));
  let out = verify(dir);
  assert.equal(out.status, 1);
  assert.match(out.stdout, /FAILED: the chain does not end at the checkpoint's hash/);
  const other = JSON.parse(good);
  const d = other.ledger.chain.find((e) => e.digest);
  d.digest = d.digest.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  fs.writeFileSync(file, JSON.stringify(other));
  assert.equal(verify(dir).status, 1);
  // a statement's stored body changed: its entry names another
  const stFile = path.join(dir, 'xapi-statements.json');
  const stGood = fs.readFileSync(stFile, 'utf8');
  const stmts = JSON.parse(stGood);
  stmts[0].body = stmts[0].body.replace('PT25M', 'PT55M');
  fs.writeFileSync(stFile, JSON.stringify(stmts));
  fs.writeFileSync(file, good);
  const listed = JSON.parse(good).documents.find((d) => d.file === 'xapi-statements.json');
  listed.sha256 = crypto.createHash('sha256').update(fs.readFileSync(stFile)).digest('hex');     // a forger updates the list too
  const relisted = JSON.parse(good);
  relisted.documents = relisted.documents.map((d) => (d.file === 'xapi-statements.json' ? listed : d));
  fs.writeFileSync(file, JSON.stringify(relisted));
  out = verify(dir);
  assert.equal(out.status, 1);
  assert.match(out.stdout, /FAILED: xAPI statement .* is not the one its ledger entry names/);
  fs.writeFileSync(stFile, stGood);
  fs.writeFileSync(file, good);
  fs.appendFileSync(path.join(dir, 'course.json'), ' ');
  out = verify(dir);
  assert.equal(out.status, 1);
  assert.match(out.stdout, /course\.json is not the file the pack lists/);
});

test('who may download a pack: the run\'s trainers, administrators and auditors of the organisation', async () => {
  const p = `/api/v1/orgs/demo/runs/${runId}/learners/${elodieId}/audit-pack`;
  assert.equal((await trainer.get(p)).status, 200);
  apiError(await elodie.get(p), 404, 'not_found');
  assert.ok([403, 404].includes((await otherAdmin.get(p)).status));
  apiError(await admin.get(`/api/v1/orgs/demo/runs/${runId}/learners/999999/audit-pack`), 404, 'not_found');
  // from the learner's page in the run
  const page = await signinForm(srv, DEMO.admin.email, DEMO.admin.password);
  const learner = await page.get(`/o/demo/runs/${runId}/learners/${elodieId}`);
  assert.match(learner.text, new RegExp(`href="/o/demo/runs/${runId}/learners/${elodieId}/audit-pack\\.zip"`));
  const zip = await page.get(`/o/demo/runs/${runId}/learners/${elodieId}/audit-pack.zip`);
  assert.equal(zip.status, 200);
});

test('a pack over a programme: the learner\'s runs of its courses, the programme\'s description, verified offline', async () => {
  const progs = (await admin.get('/api/v1/orgs/demo/programmes')).json().items;
  const induction = progs.find((p) => p.title === 'New colleague induction');
  const res = await fetch(`${srv.url}/api/v1/orgs/demo/programmes/${induction.id}/learners/${elodieId}/audit-pack`,
    { headers: { cookie: auditor.cookieHeader() } });
  assert.equal(res.status, 200, await res.clone().text());
  const dir = tmpDir('ppack');
  fs.writeFileSync(path.join(dir, 'p.zip'), Buffer.from(await res.arrayBuffer()));
  execFileSync(PY, ['-m', 'zipfile', '-e', path.join(dir, 'p.zip'), path.join(dir, 'x')]);
  const x = path.join(dir, 'x');
  assert.ok(fs.existsSync(path.join(x, 'programme.json')) && fs.existsSync(path.join(x, 'courses.json')));
  const out = verify(x);
  assert.equal(out.status, 0, out.stdout + out.stderr);
  const pack = JSON.parse(fs.readFileSync(path.join(x, 'evidence.json'), 'utf8'));
  assert.deepEqual([pack.programme.title, pack.runs.map((r) => r.id)], ['New colleague induction', [runId]]);
  assert.equal(JSON.parse(fs.readFileSync(path.join(x, 'programme.json'), 'utf8')).response_hours, 24);
  // a learner of none of its runs, or a learner asking: refused
  const other = (await admin.get('/api/v1/me')).json().id;
  apiError(await admin.get(`/api/v1/orgs/demo/programmes/${induction.id}/learners/${other}/audit-pack`), 404, 'not_found');
  assert.equal((await elodie.get(`/api/v1/orgs/demo/programmes/${induction.id}/learners/${elodieId}/audit-pack`)).status, 403);
  const page = await signinForm(srv, DEMO.admin.email, DEMO.admin.password);
  assert.match((await page.get(`/o/demo/programmes/${induction.id}/learners/${elodieId}/record`)).text,
    new RegExp(`href="/o/demo/programmes/${induction.id}/learners/${elodieId}/audit-pack\\.zip"`));
});
