// xapi.test.mjs — external MOOCs (docs/external.md) against the real binary:
// the xAPI LRS (about, POST/PUT/GET statements, HTTP Basic with an API
// token, conflicts, voiding, queries and their "more" link, refusals that
// store nothing, one organisation's statements out of another's reach), then
// a run's external activity: declared by form and API, each learner's record
// and verdict from the statements, validated by a trainer (a note required
// when the record is not plausible), seen by the learner, and checked by
// `lectern verify`.  Run on SQLite and PostgreSQL (scripts/test.sh).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopAll, demoStore, DEMO, Client, signinApi, signinForm, apiError, cli, csrfFrom, multipart, unescapeHtml } from './lib.mjs';

let store, srv, trainer, admin, elodie, francois, auditor, runId, courseId;
let trainerToken, learnerToken, auditorToken, otherToken;

const ACT = 'https://mooc.example/courses/gdpr-basics';
const VERB = (v) => ({ id: `http://adlnet.gov/expapi/verbs/${v}`, display: { 'en-US': v } });
const stmt = (email, verb, object, extra = {}) =>
  ({ actor: { objectType: 'Agent', mbox: `mailto:${email}` }, verb: VERB(verb), object: { id: object }, ...extra });

before(async () => {
  store = demoStore('xapi');
  cli(store, 'user', 'add', 'audit@lectern.test', 'Aude Auditrice', '--password', 'auditor-pass', '--org', 'demo', '--role', 'auditor');
  cli(store, 'org', 'add', 'other', 'Other');
  cli(store, 'user', 'add', 'boss@other.test', 'Other Boss', '--password', 'other-boss-pass', '--org', 'other', '--role', 'admin');
  const token = (org, email, role) => cli(store, 'token', 'create', '--org', org, '--user', email, '--role', role, '--name', `${role} lrs`).trim();
  trainerToken = token('demo', DEMO.trainer.email, 'trainer');
  learnerToken = token('demo', DEMO.elodie.email, 'learner');
  auditorToken = token('demo', 'audit@lectern.test', 'auditor');
  otherToken = token('other', 'boss@other.test', 'admin');
  srv = await startServer(store);
  trainer = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  admin = await signinApi(srv, DEMO.admin.email, DEMO.admin.password);
  elodie = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  francois = await signinApi(srv, DEMO.francois.email, DEMO.francois.password);
  auditor = await signinApi(srv, 'audit@lectern.test', 'auditor-pass');
  const safe = (await new Client(srv).get('/api/v1/courses')).json().items.find((c) => c.code === 'SAFE-101');
  courseId = safe.id;
  runId = (await new Client(srv).get(`/api/v1/courses/${safe.id}`)).json().runs[0].id;
  assert.equal((await francois.api('POST', `/api/v1/runs/${runId}/enrolment`)).status, 201);
});

after(async () => { await stopAll(srv); });

/** An LRS call: HTTP Basic with the token as password, the xAPI version header. */
function lrs(method, path, { token = trainerToken, json, version = '1.0.3', headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Basic ${Buffer.from(`lms:${token}`).toString('base64')}`;
  if (version) h['x-experience-api-version'] = version;
  return new Client(srv).req(method, path, { json, headers: h });
}

test('the LRS: about, who may write and read, a statement stored and read back as stored', async () => {
  const about = await new Client(srv).get('/xapi/about');
  assert.equal(about.status, 200);
  assert.deepEqual(about.json().version, ['1.0.3']);
  assert.equal(about.headers.get('x-experience-api-version'), '1.0.3');

  const one = stmt(DEMO.elodie.email, 'experienced', `${ACT}/module-1`, { result: { duration: 'PT20M' } });
  apiError(await lrs('POST', '/xapi/statements', { json: one, version: null }), 400, 'bad_request');
  const anon = await lrs('POST', '/xapi/statements', { json: one, token: null });
  apiError(anon, 401, 'unauthenticated');
  assert.match(anon.headers.get('www-authenticate'), /^Basic /);
  apiError(await lrs('POST', '/xapi/statements', { json: one, token: 'lct_' + 'x'.repeat(43) }), 401, 'unauthenticated');
  apiError(await lrs('POST', '/xapi/statements', { json: one, token: learnerToken }), 403, 'forbidden');
  apiError(await lrs('POST', '/xapi/statements', { json: one, token: auditorToken }), 403, 'forbidden');

  const res = await lrs('POST', '/xapi/statements', { json: one });
  assert.equal(res.status, 200, res.text);
  const [id] = res.json();
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  // a bearer token works too; an auditor's reads
  const back = await new Client(srv, { bearer: auditorToken }).get(`/xapi/statements?statementId=${id}`,
    { headers: { 'x-experience-api-version': '1.0.3' } });
  assert.equal(back.status, 200, back.text);
  const s = back.json();
  assert.equal(s.id, id);
  assert.equal(s.actor.mbox, `mailto:${DEMO.elodie.email}`);
  assert.equal(s.result.duration, 'PT20M');
  assert.equal(s.version, '1.0.3');
  assert.match(s.stored, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(s.timestamp, s.stored);
  assert.equal(s.authority.name, 'trainer lrs');
  // another organisation's token does not see it
  apiError(await lrs('GET', `/xapi/statements?statementId=${id}`, { token: otherToken }), 404, 'not_found');
  apiError(await lrs('GET', `/xapi/statements?statementId=${id}`, { token: learnerToken }), 403, 'forbidden');
});

test('PUT with statementId: stored once, the same again is accepted, other content is a conflict', async () => {
  const id = 'A1B2C3D4-0000-4000-8000-00000000000A';
  const s = stmt(DEMO.francois.email, 'attempted', ACT, { timestamp: '2026-11-20T10:00:00+01:00' });
  let res = await lrs('PUT', `/xapi/statements?statementId=${id}`, { json: s });
  assert.equal(res.status, 204, res.text);
  res = await lrs('PUT', `/xapi/statements?statementId=${id}`, { json: s });
  assert.equal(res.status, 204, res.text);
  apiError(await lrs('PUT', `/xapi/statements?statementId=${id}`, { json: { ...s, verb: VERB('completed') } }), 409, 'conflict');
  apiError(await lrs('PUT', '/xapi/statements?statementId=nope', { json: s }), 400, 'bad_request');
  apiError(await lrs('PUT', `/xapi/statements?statementId=${id}`, { json: [s] }), 400, 'bad_request');
  const back = (await lrs('GET', `/xapi/statements?statementId=${id.toLowerCase()}`)).json();
  assert.equal(back.verb.id, VERB('attempted').id);
  assert.equal(back.timestamp, '2026-11-20T10:00:00+01:00');
});

test('a bad statement in a batch is named and nothing of the batch is stored', async () => {
  const count = async () => (await lrs('GET', '/xapi/statements?limit=0')).json().statements.length;
  const before = await count();
  const good = stmt(DEMO.elodie.email, 'experienced', ACT);
  const cases = [
    [{ ...good, actor: { mbox: 'elodie@lectern.test' } }, /statement 1: actor\.mbox/],
    [{ ...good, verb: { display: { en: 'x' } } }, /statement 1: verb\.id/],
    [{ ...good, object: { id: 'not an iri' } }, /statement 1: object\.id/],
    [{ ...good, result: { duration: '20 minutes' } }, /statement 1: result\.duration/],
    [{ ...good, timestamp: 'yesterday' }, /statement 1: timestamp/],
    [{ ...good, result: { score: { scaled: 1.5 } } }, /statement 1: result\.score\.scaled/],
  ];
  for (const [bad, why] of cases) {
    const res = await lrs('POST', '/xapi/statements', { json: [good, bad] });
    apiError(res, 400, 'bad_request');
    assert.match(res.json().error.message, why);
  }
  apiError(await lrs('POST', '/xapi/statements', { json: [{ ...good, id: '11111111-1111-4111-8111-111111111111' },
                                                        { ...good, id: '11111111-1111-4111-8111-111111111111' }] }), 400, 'bad_request');
  apiError(await lrs('POST', '/xapi/statements', { json: 'hello' }), 400, 'bad_json');
  assert.equal(await count(), before);
});

test('voiding, and queries by agent, verb and activity with a "more" link', async () => {
  const [target] = (await lrs('POST', '/xapi/statements', { json: stmt(DEMO.francois.email, 'experienced', `${ACT}/oops`) })).json();
  const voiding = { actor: { mbox: `mailto:${DEMO.trainer.email}` }, verb: { id: 'http://adlnet.gov/expapi/verbs/voided' },
                    object: { objectType: 'StatementRef', id: target } };
  assert.equal((await lrs('POST', '/xapi/statements', { json: voiding })).status, 200);
  apiError(await lrs('GET', `/xapi/statements?statementId=${target}`), 404, 'not_found');
  assert.equal((await lrs('GET', `/xapi/statements?voidedStatementId=${target}`)).json().id, target);

  const batch = [1, 2, 3, 4, 5].map((i) => stmt('nobody@elsewhere.test', 'experienced', `${ACT}/page-${i}`));
  assert.deepEqual((await lrs('POST', '/xapi/statements', { json: batch })).json().length, 5);
  const agent = encodeURIComponent(JSON.stringify({ mbox: 'mailto:NOBODY@elsewhere.test' }));
  let page = await lrs('GET', `/xapi/statements?agent=${agent}&limit=2&ascending=true`);
  assert.equal(page.status, 200, page.text);
  assert.ok(page.headers.get('x-experience-api-consistent-through'));
  const seen = [];
  for (;;) {
    const j = page.json();
    seen.push(...j.statements.map((s) => s.object.id));
    if (!j.more) break;
    assert.ok(j.statements.length === 2);
    page = await lrs('GET', j.more);
  }
  assert.deepEqual(seen, batch.map((s) => s.object.id));
  const byVerb = (await lrs('GET', `/xapi/statements?verb=${encodeURIComponent(VERB('attempted').id)}`)).json().statements;
  assert.ok(byVerb.length >= 1 && byVerb.every((s) => s.verb.id === VERB('attempted').id));
  const byAct = (await lrs('GET', `/xapi/statements?activity=${encodeURIComponent(`${ACT}/page-3`)}`)).json().statements;
  assert.equal(byAct.length, 1);
  apiError(await lrs('GET', '/xapi/statements?agent=%7Bnope'), 400, 'bad_request');
  apiError(await lrs('GET', '/xapi/statements?since=yesterday'), 400, 'bad_request');
  // the other organisation's LRS is empty
  assert.equal((await lrs('GET', '/xapi/statements', { token: otherToken })).json().statements.length, 0);
});

test('an external activity: declared, each learner\'s record and verdict, validated, seen by the learner, verified', async () => {
  // declared by form: a bad identifier is refused, naming it, with nothing written
  const page = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const list = await page.get(`/o/demo/runs/${runId}/external`);
  assert.equal(list.status, 200);
  assert.match(list.text, /\/xapi\//);
  const form = { _csrf: csrfFrom(list.text), title: 'GDPR basics', platform: 'MOOC Example', url: 'https://mooc.example/gdpr',
                 iri: 'not an iri', minutes: '90' };
  let res = await page.post(`/o/demo/runs/${runId}/external`, { form });
  assert.equal(res.status, 422);
  assert.match(res.text, /Give the activity&#39;s identifier/);
  const demo = (await trainer.get(`/api/v1/orgs/demo/runs/${runId}/external`)).json().items;
  assert.deepEqual(demo.map((a) => a.title), ['Data protection basics']);      // the demo's
  res = await page.post(`/o/demo/runs/${runId}/external`, { form: { ...form, iri: `${ACT}/` } });
  assert.equal(res.status, 303, res.text);
  const items = (await auditor.get(`/api/v1/orgs/demo/runs/${runId}/external`)).json().items;
  assert.equal(items.length, 2);
  const act = items.find((a) => a.title === 'GDPR basics');
  assert.deepEqual([act.iri, act.minutes], [ACT, 90]);
  // the same identifier twice is a conflict; through the API, fields are named
  apiError(await trainer.api('POST', `/api/v1/orgs/demo/runs/${runId}/external`, { title: 'x', platform: 'y', iri: ACT, minutes: 5 }), 409, 'conflict');
  const bad = await trainer.api('POST', `/api/v1/orgs/demo/runs/${runId}/external`, { title: 'x', platform: 'y', iri: `${ACT}-2`, minutes: 0 });
  apiError(bad, 422, 'invalid');
  assert.equal(bad.json().error.field, 'minutes');
  apiError(await elodie.api('POST', `/api/v1/orgs/demo/runs/${runId}/external`, { title: 'x', platform: 'y', iri: `${ACT}-3`, minutes: 5 }), 403, 'forbidden');

  // Élodie: two sessions of 25 and 35 minutes, then completed and passed; François: completed in 5 minutes
  const sts = [
    stmt(DEMO.elodie.email, 'experienced', `${ACT}/module-2`, { result: { duration: 'PT35M' }, timestamp: '2026-11-21T09:00:00Z' }),
    stmt(DEMO.elodie.email, 'passed', ACT, { result: { success: true, completion: true, score: { scaled: 0.85 } }, timestamp: '2026-11-21T10:00:00Z' }),
    stmt(DEMO.francois.email, 'completed', ACT, { result: { duration: 'PT5M', completion: true } }),
    stmt(DEMO.elodie.email, 'experienced', 'https://mooc.example/courses/gdpr-basics-advanced', { result: { duration: 'PT9H' } }),
  ];
  assert.equal((await lrs('POST', '/xapi/statements', { json: sts })).status, 200);
  const recs = (await trainer.get(`/api/v1/orgs/demo/runs/${runId}/external/${act.id}`)).json();
  const el = recs.learners.find((x) => x.email === DEMO.elodie.email);
  const fr = recs.learners.find((x) => x.email === DEMO.francois.email);
  // module-1 (20 min, first test) + module-2 (35 min); the sibling IRI "-advanced" does not count
  assert.deepEqual([el.statements, el.reported_ms, el.passed, el.score_milli, el.verdict], [3, 55 * 60000, true, 850, 'plausible']);
  assert.deepEqual([fr.statements, fr.reported_ms, fr.verdict], [2, 5 * 60000, 'too_fast']);
  assert.ok(recs.unknown_statements >= 5);

  // validating: François's record needs a note; Élodie's takes the reported time by default
  const vpath = `/api/v1/orgs/demo/runs/${runId}/external/${act.id}/validations`;
  const noNote = await trainer.api('POST', vpath, { user_id: fr.user_id });
  apiError(noNote, 422, 'invalid');
  assert.equal(noNote.json().error.field, 'note');
  apiError(await elodie.api('POST', vpath, { user_id: el.user_id }), 403, 'forbidden');
  apiError(await auditor.api('POST', vpath, { user_id: el.user_id }), 403, 'forbidden');
  const v = await trainer.api('POST', vpath, { user_id: fr.user_id, minutes: 80, note: 'The platform\'s certificate of completion, seen.' });
  assert.equal(v.status, 201, v.text);
  assert.equal(v.json().validation.minutes, 80);
  apiError(await trainer.api('POST', vpath, { user_id: fr.user_id, minutes: 80, note: 'again' }), 409, 'conflict');

  // by form, on the page: Élodie's default minutes are the 55 reported
  const detail = await page.get(`/o/demo/runs/${runId}/external/${act.id}`);
  assert.match(detail.text, /data-verdict="too_fast"/);
  assert.match(detail.text, /name="minutes" type="number" min="1" max="100000" value="55"/);
  res = await page.post(`/o/demo/runs/${runId}/external/${act.id}/validate`,
    { form: { _csrf: csrfFrom(detail.text), user_id: String(el.user_id), minutes: '', note: '' } });
  assert.equal(res.status, 303, res.text);
  const after = (await auditor.get(`/api/v1/orgs/demo/runs/${runId}/external/${act.id}`)).json();
  assert.equal(after.learners.find((x) => x.user_id === el.user_id).validation.minutes, 55);

  // the learner's own page and API; the staff pages are not theirs
  const learner = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  const mine = await learner.get(`/runs/${runId}/external`);
  assert.equal(mine.status, 200);
  assert.match(mine.text, /GDPR basics/);
  assert.match(mine.text, /href="https:\/\/mooc\.example\/gdpr"/);
  const mineApi = (await elodie.get(`/api/v1/runs/${runId}/external`)).json().items;
  const gdpr = mineApi.find((a) => a.id === act.id).record, demoRec = mineApi.find((a) => a.id === demo[0].id).record;
  assert.deepEqual([gdpr.verdict, gdpr.validation.minutes], ['plausible', 55]);
  // the demo's platform reported 25 + 20 minutes of her 60, then completed: not validated yet
  assert.deepEqual([demoRec.statements, demoRec.reported_ms, demoRec.verdict, demoRec.validation], [3, 45 * 60000, 'plausible', null]);
  assert.equal((await learner.get(`/o/demo/runs/${runId}/external`)).status, 404);
  const unit = await learner.get(`/runs/${runId}/learn`);
  assert.match((await learner.get(unit.location)).text, new RegExp(`href="/runs/${runId}/external"`));

  // the ledger holds every statement and both validations; verify compares the rows
  assert.equal((await admin.get('/api/v1/orgs/demo/ledger/verify')).json().ok, true);
  assert.match(cli(store, 'verify', '--org', 'demo'), /demo: ok — .* xAPI statements and 2 external records match their entries/);
});

test('a platform\'s CSV report: previewed, imported once as statements, a bad line refusing the whole file', async () => {
  const acts = (await trainer.get(`/api/v1/orgs/demo/runs/${runId}/external`)).json().items;
  const demoAct = acts.find((a) => a.title === 'Data protection basics');
  const path = `/api/v1/orgs/demo/runs/${runId}/external/${demoAct.id}/report`;
  const csv = `Email,Minutes,Completed_at,Score,Passed\n${DEMO.francois.email.toUpperCase()},50,2026-11-25,72.5,yes\n`
            + 'someone@elsewhere.test,10,,,\n';
  const send = (who, q, body) => who.req('POST', path + q, { body, headers: { 'content-type': 'text/csv' }, csrf: true });
  apiError(await send(elodie, '', csv), 403, 'forbidden');
  // a preview stores nothing
  let res = await send(trainer, '', csv);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json().lines.map((l) => l.action), ['store', 'not_learner']);
  assert.equal(res.json().lines[0].name, 'François Learner');
  const record = async () => (await trainer.get(`/api/v1/orgs/demo/runs/${runId}/external/${demoAct.id}`)).json()
    .learners.find((x) => x.email === DEMO.francois.email);
  assert.equal((await record()).statements, 0);
  res = await send(trainer, '?apply=1', csv);
  assert.equal(res.status, 201, res.text);
  assert.deepEqual([res.json().applied, res.json().new, res.json().not_learners], [true, 1, 1]);
  const rec = await record();
  assert.deepEqual([rec.statements, rec.reported_ms, rec.passed, rec.score_milli, rec.verdict], [1, 50 * 60000, true, 725, 'plausible']);
  // the same file again adds nothing; a bad line refuses the file, naming the line
  res = await send(trainer, '?apply=1', csv);
  assert.deepEqual([res.status, res.json().new, res.json().already], [201, 0, 1]);
  res = await send(trainer, '?apply=1', `email,minutes\n${DEMO.elodie.email},many\n`);
  apiError(res, 422, 'invalid');
  assert.equal(res.json().lines[0].line, 2);
  assert.match(res.json().lines[0].error, /minutes/);
  apiError(await send(trainer, '', 'name,minutes\nx,1\n'), 422, 'invalid');

  // by the page: upload, preview, confirm
  const page = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const detail = await page.get(`/o/demo/runs/${runId}/external/${demoAct.id}`);
  assert.match(detail.text, /Import the platform&#39;s report/);
  const mp = multipart([{ name: '_csrf', value: csrfFrom(detail.text) },
                        { name: 'file', filename: 'report.csv', type: 'text/csv', value: `email,minutes,completed_at\n${DEMO.elodie.email},58,2026-11-26\n` }]);
  res = await page.post(`/o/demo/runs/${runId}/external/${demoAct.id}/report`, { body: mp.body, headers: mp.headers });
  assert.equal(res.status, 200, res.text.slice(0, 500));
  assert.match(res.text, /Élodie Learner/);
  assert.match(res.text, /to import/);
  const confirm = await page.post(`/o/demo/runs/${runId}/external/${demoAct.id}/report`,
    { form: { _csrf: csrfFrom(res.text), apply: '1', csv: unescapeHtml(res.text.match(/<textarea name="csv" hidden>([^<]*)<\/textarea>/)[1]) } });
  assert.equal(confirm.status, 303, confirm.text.slice(0, 300));
  const el = (await trainer.get(`/api/v1/orgs/demo/runs/${runId}/external/${demoAct.id}`)).json().learners.find((x) => x.email === DEMO.elodie.email);
  assert.equal(el.reported_ms, 58 * 60000);      // the report's total, not added to the 45 minutes of the sessions
});

test('the platform\'s certificate, sent by the learner: a PDF or an image only, in the ledger, read by the trainer', async () => {
  const acts = (await trainer.get(`/api/v1/orgs/demo/runs/${runId}/external`)).json().items;
  const gdpr = acts.find((a) => a.title === 'GDPR basics');
  const path = `/api/v1/runs/${runId}/external/${gdpr.id}/attestation`;
  const upload = (who, name, type, bytes) => {
    const mp = multipart([{ name: 'file', filename: name, type, value: bytes }]);
    return who.req('POST', path, { body: mp.body, headers: mp.headers, csrf: true });
  };
  const pdf = Buffer.from('%PDF-1.4\n% the platform\'s certificate\n');
  const bad = await upload(francois, 'notes.txt', 'text/plain', Buffer.from('I did it, promise'));
  apiError(bad, 422, 'invalid');
  assert.equal(bad.json().error.field, 'file');
  apiError(await upload(auditor, 'c.pdf', 'application/pdf', pdf), 404, 'not_found');      // not a learner of the run
  const res = await upload(francois, 'certificat GDPR.pdf', 'application/pdf', pdf);
  assert.equal(res.status, 201, res.text);
  const url = res.json().url;
  // the trainer sees it on the record, and reads it; the learner too; another learner does not
  const rec = (await trainer.get(`/api/v1/orgs/demo/runs/${runId}/external/${gdpr.id}`)).json().learners
    .find((x) => x.email === DEMO.francois.email);
  assert.equal(rec.attestation.filename, 'certificat GDPR.pdf');
  const page = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  assert.match((await page.get(`/o/demo/runs/${runId}/external/${gdpr.id}`)).text, new RegExp(`href="${url}"`));
  const file = await page.get(url);
  assert.equal(file.status, 200);
  assert.match(file.headers.get('content-disposition'), /^attachment/);
  assert.equal(file.text, pdf.toString());
  const own = await signinForm(srv, DEMO.francois.email, DEMO.francois.password);
  assert.equal((await own.get(url)).status, 200);
  const other = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  assert.equal((await other.get(url)).status, 404);
  // by the form, on the learner's page
  const mine = await other.get(`/runs/${runId}/external`);
  assert.match(mine.text, /Envoyer l(’|&#39;)attestation|Send the certificate/);
  assert.equal((await admin.get('/api/v1/orgs/demo/ledger/verify')).json().ok, true);
  assert.match(cli(store, 'verify', '--org', 'demo'), /demo: ok — .* xAPI statements and 3 external records match their entries/);
});

test('a validation revoked with a reason, by API and by form, then validated again', async () => {
  const acts = (await trainer.get(`/api/v1/orgs/demo/runs/${runId}/external`)).json().items;
  const gdpr = acts.find((a) => a.title === 'GDPR basics');
  const base = `/api/v1/orgs/demo/runs/${runId}/external/${gdpr.id}`;
  const fr = (await trainer.get(base)).json().learners.find((x) => x.email === DEMO.francois.email);
  assert.equal(fr.validation.minutes, 80);
  const noReason = await trainer.api('POST', `${base}/revocations`, { user_id: fr.user_id, reason: ' ' });
  apiError(noReason, 422, 'invalid');
  assert.equal(noReason.json().error.field, 'reason');
  apiError(await auditor.api('POST', `${base}/revocations`, { user_id: fr.user_id, reason: 'no' }), 403, 'forbidden');
  const res = await trainer.api('POST', `${base}/revocations`, { user_id: fr.user_id, reason: 'The certificate was another course\'s.' });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json().validation, null);
  apiError(await trainer.api('POST', `${base}/revocations`, { user_id: fr.user_id, reason: 'again' }), 404, 'not_found');
  const again = await trainer.api('POST', `${base}/validations`, { user_id: fr.user_id, minutes: 30, note: 'Checked with the platform.' });
  assert.equal(again.status, 201, again.text);
  // by the form: Élodie's, with the reason on the page when it is missing
  const page = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const detail = await page.get(`/o/demo/runs/${runId}/external/${gdpr.id}`);
  const el = (await trainer.get(base)).json().learners.find((x) => x.email === DEMO.elodie.email);
  let post = await page.post(`/o/demo/runs/${runId}/external/${gdpr.id}/revoke`,
    { form: { _csrf: csrfFrom(detail.text), user_id: String(el.user_id), reason: '' } });
  assert.equal(post.status, 422);
  assert.match(post.text, /Give the reason/);
  post = await page.post(`/o/demo/runs/${runId}/external/${gdpr.id}/revoke`,
    { form: { _csrf: csrfFrom(detail.text), user_id: String(el.user_id), reason: 'Entered twice.' } });
  assert.equal(post.status, 303, post.text.slice(0, 300));
  assert.equal((await trainer.get(base)).json().learners.find((x) => x.email === DEMO.elodie.email).validation, null);
  assert.equal((await admin.get('/api/v1/orgs/demo/ledger/verify')).json().ok, true);
  assert.match(cli(store, 'verify', '--org', 'demo'), /demo: ok — .* xAPI statements and 4 external records match their entries/);
});

test('an activity is changed and deleted while nothing is validated; then its identifier, duration and existence stay', async () => {
  const list = `/api/v1/orgs/demo/runs/${runId}/external`;
  const made = await trainer.api('POST', list, { title: 'Draft', platform: 'MOOC Example', iri: 'https://mooc.example/courses/draft', minutes: 20 });
  assert.equal(made.status, 201, made.text);
  const path = `${list}/${made.json().id}`;
  let res = await trainer.api('PATCH', path, { title: 'Draft, renamed', minutes: 25 });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual([res.json().title, res.json().minutes, res.json().iri], ['Draft, renamed', 25, 'https://mooc.example/courses/draft']);
  const bad = await trainer.api('PATCH', path, { iri: 'not an iri' });
  apiError(bad, 422, 'invalid');
  assert.equal(bad.json().error.field, 'iri');
  apiError(await auditor.api('DELETE', path), 403, 'forbidden');
  assert.equal((await trainer.api('DELETE', path)).status, 204);
  apiError(await trainer.get(path), 404, 'not_found');

  // GDPR basics has validated records: renaming is fine, its duration and deleting are not
  const gdpr = (await trainer.get(list)).json().items.find((a) => a.title === 'GDPR basics');
  const gpath = `${list}/${gdpr.id}`;
  apiError(await trainer.api('PATCH', gpath, { minutes: 200 }), 409, 'conflict');
  apiError(await trainer.api('DELETE', gpath), 409, 'conflict');
  const page = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const detail = await page.get(`/o/demo/runs/${runId}/external/${gdpr.id}`);
  const form = { _csrf: csrfFrom(detail.text), title: 'GDPR basics (MOOC)', platform: gdpr.platform, url: gdpr.url, iri: gdpr.iri, minutes: '200' };
  res = await page.post(`/o/demo/runs/${runId}/external/${gdpr.id}/edit`, { form });
  assert.equal(res.status, 409);
  assert.match(res.text, /can no longer change/);
  res = await page.post(`/o/demo/runs/${runId}/external/${gdpr.id}/edit`, { form: { ...form, minutes: String(gdpr.minutes) } });
  assert.equal(res.status, 303, res.text.slice(0, 300));
  assert.equal((await trainer.get(gpath)).json().activity.title, 'GDPR basics (MOOC)');
  res = await page.post(`/o/demo/runs/${runId}/external/${gdpr.id}/delete`, { form: { _csrf: csrfFrom(detail.text) } });
  assert.equal(res.status, 409);
});
