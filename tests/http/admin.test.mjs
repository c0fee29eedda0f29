// admin.test.mjs — invitations, CSV import, roles, API tokens, creating
// organisations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEMO, Client, cli, demoDataDir, startServer, stopAll, signinForm, signinApi, csrfFrom,
  waitForMail, linkIn, apiError, multipart, tableRows, unescapeHtml, uniq,
} from './lib.mjs';

let srv, data, admin, adminApi;
const seen = new Set();
const ids = {};

before(async () => {
  data = demoDataDir('admin');
  cli({ data }, 'org', 'add', 'elsewhere', 'Elsewhere');
  cli({ data }, 'user', 'add', 'outsider@lectern.test', 'Out Sider', '--password', 'outsider-pass', '--org', 'elsewhere', '--role', 'learner');
  cli({ data }, 'user', 'add', 'loner@lectern.test', 'Lone Wolf', '--password', 'loner-pass-1', '--org', 'elsewhere', '--role', 'admin');
  cli({ data }, 'user', 'add', 'orgadmin@lectern.test', 'Org Admin', '--password', 'orgadmin-pass', '--org', 'demo', '--role', 'admin');
  srv = await startServer({ data });
  admin = await signinForm(srv, DEMO.admin.email, DEMO.admin.password);
  adminApi = await signinApi(srv, DEMO.admin.email, DEMO.admin.password);
  const members = (await adminApi.get('/api/v1/orgs/demo/members')).json().items;
  for (const m of members) ids[m.email] = m.user_id;
});

after(async () => { await stopAll(srv); });

async function memberRole(email) {
  const res = await adminApi.get(`/api/v1/orgs/demo/members?limit=500`);
  assert.equal(res.status, 200);
  const m = res.json().items.find((x) => x.email === email);
  return m ? m.role : null;
}

async function memberCount() {
  return (await adminApi.get('/api/v1/orgs/demo/members')).json().total;
}

/** Accept an invitation from its e-mail as a new account; returns the client. */
async function acceptAsNew(email, name, password, role) {
  const mail = await waitForMail(data, email, { seen, match: /\/invite\// });
  assert.match(mail.subject, /Invitation to Lectern — Lectern Academy/);
  const link = linkIn(mail, '/invite/');
  const c = new Client(srv);
  const page = await c.get(link.pathname);
  assert.equal(page.status, 200);
  assert.match(page.text, /Lectern Academy/);
  assert.match(page.text, new RegExp(`\\(${role === 'admin' ? 'Administrator' : role}\\)`, 'i'));
  assert.match(page.text, new RegExp(email.replace(/[.+]/g, '\\$&')));
  const res = await c.post(link.pathname, { form: { _csrf: csrfFrom(page.text), name, password } });
  assert.equal(res.status, 303, res.text.slice(0, 300));
  assert.equal(res.location, '/o/demo');
  assert.ok(c.jar.get('lectern_session'), 'signed in after accepting');
  const me = (await c.get('/api/v1/me')).json();
  assert.equal(me.name, name);
  assert.deepEqual(me.orgs.map((o) => [o.slug, o.role]), [['demo', role]]);
  // the link is used up
  const again = await new Client(srv).get(link.pathname);
  assert.equal(again.status, 404);
  return { client: c, link };
}

test('admin invites by form; the invitee opens the e-mailed link, sets name and password, and is a member', async () => {
  const page = await admin.get('/o/demo/admin/users');
  assert.equal(page.status, 200);
  const email = `invitee-${uniq()}@example.org`;
  const res = await admin.post('/o/demo/admin/invite', { form: { _csrf: csrfFrom(page.text), email, role: 'trainer' } });
  assert.equal(res.status, 303);
  assert.equal(res.location, '/o/demo/admin/users');
  const flash = await admin.get('/o/demo/admin/users');
  assert.match(flash.text, /The invitation is on its way\./);
  await acceptAsNew(email, 'Invited Trainer', 'invited-pass-1', 'trainer');
  assert.equal(await memberRole(email), 'trainer');
  await signinForm(srv, email, 'invited-pass-1');
});

test('invitation form refuses bad input: bad address 422, bad role 422, member 409', async () => {
  const page = await admin.get('/o/demo/admin/users');
  const tok = csrfFrom(page.text);
  const bad = await admin.post('/o/demo/admin/invite', { form: { _csrf: tok, email: 'not an email', role: 'learner' } });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /e-mail address such as/);
  assert.match(bad.text, /value="not an email"/, 'the input is kept');
  const role = await admin.post('/o/demo/admin/invite', { form: { _csrf: tok, email: 'someone@example.org', role: 'overlord' } });
  assert.equal(role.status, 422);
  assert.match(role.text, /The role must be/);
  const member = await admin.post('/o/demo/admin/invite', { form: { _csrf: tok, email: DEMO.elodie.email.toUpperCase(), role: 'learner' } });
  assert.equal(member.status, 409);
  assert.match(member.text, /already a member/);
});

test('accepting an invitation: weak password 422 keeps the link valid; unknown link 404', async () => {
  const email = `weak-${uniq()}@example.org`;
  const r = await adminApi.api('POST', '/api/v1/orgs/demo/invitations', { email, role: 'learner' });
  assert.equal(r.status, 201);
  const mail = await waitForMail(data, email, { seen });
  const link = linkIn(mail, '/invite/');
  const c = new Client(srv);
  const page = await c.get(link.pathname);
  const weak = await c.post(link.pathname, { form: { _csrf: csrfFrom(page.text), name: 'Weak', password: 'short' } });
  assert.equal(weak.status, 422);
  assert.match(weak.text, /at least 10 characters/);
  const noname = await c.post(link.pathname, { form: { _csrf: csrfFrom(page.text), name: '', password: 'long-enough-pass' } });
  assert.equal(noname.status, 422);
  assert.match(noname.text, /Enter a name/);
  assert.equal((await c.get(link.pathname)).status, 200, 'still valid');
  assert.equal(await memberRole(email), null);
  assert.equal((await c.get('/invite/' + 'x'.repeat(43))).status, 404);
  assert.equal((await c.get('/invite/short')).status, 404);
});

test('admin invites by API (cookie session with CSRF, and bearer token)', async () => {
  const email = `api-invitee-${uniq()}@example.org`;
  const res = await adminApi.api('POST', '/api/v1/orgs/demo/invitations', { email: email.toUpperCase(), role: 'auditor' });
  assert.equal(res.status, 201, res.text);
  assert.deepEqual(res.json(), { email, role: 'auditor' });
  await acceptAsNew(email, 'Api Auditor', 'auditor-pass-1', 'auditor');
  assert.equal(await memberRole(email), 'auditor');

  apiError(await adminApi.api('POST', '/api/v1/orgs/demo/invitations', { email: DEMO.trainer.email }), 409, 'exists');
  const e1 = apiError(await adminApi.api('POST', '/api/v1/orgs/demo/invitations', { email: 'nope' }), 422, 'invalid');
  assert.equal(e1.field, 'email');
  const e2 = apiError(await adminApi.api('POST', '/api/v1/orgs/demo/invitations', { email: 'x@example.org', role: 'king' }), 422, 'invalid');
  assert.equal(e2.field, 'role');
  const e3 = apiError(await adminApi.api('POST', '/api/v1/orgs/demo/invitations', { email: 42 }), 400, 'bad_request');
  assert.equal(e3.field, 'email');

  const tok = (await adminApi.api('POST', '/api/v1/orgs/demo/tokens', { name: 'inviter', role: 'admin' })).json().token;
  const bearer = new Client(srv, { bearer: tok });
  const email2 = `bearer-invitee-${uniq()}@example.org`;
  const r2 = await bearer.req('POST', '/api/v1/orgs/demo/invitations', { json: { email: email2 } });
  assert.equal(r2.status, 201, r2.text);
  assert.equal(r2.json().role, 'learner', 'learner by default');
  await acceptAsNew(email2, 'Bearer Learner', 'bearer-pass-1', 'learner');
});

test('an invitation to an existing account is accepted after signing in; someone else cannot take it', async () => {
  const r = await adminApi.api('POST', '/api/v1/orgs/demo/invitations', { email: 'outsider@lectern.test', role: 'trainer' });
  assert.equal(r.status, 201);
  const mail = await waitForMail(data, 'outsider@lectern.test', { seen });
  const link = linkIn(mail, '/invite/');
  // signed out: sent to sign in first
  const anon = new Client(srv);
  const page = await anon.get(link.pathname);
  const res = await anon.post(link.pathname, { form: { _csrf: csrfFrom(page.text), name: 'Hijack', password: 'hijack-password' } });
  assert.equal(res.status, 303);
  assert.equal(res.location, `/signin?next=${encodeURIComponent(link.pathname)}`);
  await signinForm(srv, 'outsider@lectern.test', 'hijack-password', { expect: 401 });
  // another account: 403
  const other = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const op = await other.get(link.pathname);
  assert.equal(op.status, 200);
  assert.match(op.text, /This invitation is for/);
  const steal = await other.post(link.pathname, { form: { _csrf: csrfFrom(op.text) } });
  assert.equal(steal.status, 403);
  // the right account
  const c = await signinForm(srv, 'outsider@lectern.test', 'outsider-pass');
  const p2 = await c.get(link.pathname);
  assert.match(p2.text, /Signed in as/);
  const ok = await c.post(link.pathname, { form: { _csrf: csrfFrom(p2.text) } });
  assert.equal(ok.status, 303);
  assert.equal(await memberRole('outsider@lectern.test'), 'trainer');
  const me = (await c.get('/api/v1/me')).json();
  assert.deepEqual(me.orgs.map((o) => o.slug).sort(), ['demo', 'elsewhere']);
});

const CSV_LINES = (fresh, fresh2) => [
  'email,name,role',                                 // 1 header
  `${fresh},New Person,trainer`,                     // 2 invite
  'outsider2@lectern.test,Existing Account,',        // 3 add (learner by default)
  `${DEMO.elodie.email},Élodie,learner`,             // 4 skip: already a member
  'not-an-email,Bad,learner',                        // 5 error
  `${fresh2},Bad Role,emperor`,                      // 6 error: role
  `${fresh.toUpperCase()},Twice,learner`,            // 7 error: earlier line
  'a@example.org,b,learner,extra',                   // 8 error: 4 columns
  '',                                                 // 9 blank, ignored
  '"quoted@example.org","Name, With Comma",auditor', // 10 invite
];

test('CSV import by form (multipart file): preview with line numbers, then apply', async () => {
  cli({ data }, 'user', 'add', 'outsider2@lectern.test', 'Existing Account', '--password', 'outsider2-pass');
  const fresh = `csv-${uniq()}@example.org`, fresh2 = `csv2-${uniq()}@example.org`;
  const csv = CSV_LINES(fresh, fresh2).join('\r\n') + '\r\n';
  const page = await admin.get('/o/demo/admin/import');
  assert.equal(page.status, 200);
  const before = await memberCount();
  const mp = multipart([
    { name: '_csrf', value: csrfFrom(page.text) },
    { name: 'file', filename: 'people.csv', type: 'text/csv', value: csv },
    { name: 'csv', value: '' },
  ]);
  const prev = await admin.post('/o/demo/admin/import', { body: mp.body, headers: mp.headers });
  assert.equal(prev.status, 200, prev.text.slice(0, 400));
  assert.match(prev.text, /1 to add · 2 to invite · 1 skipped · 4 rejected/);
  const rows = tableRows(prev.text);
  const byLine = Object.fromEntries(rows.map((r) => [r[0], r]));
  assert.deepEqual(rows.map((r) => r[0]), ['2', '3', '4', '5', '6', '7', '8', '10']);
  assert.equal(byLine['2'][3], 'invite');
  assert.equal(byLine['3'][3], 'add');
  assert.equal(byLine['3'][2].toLowerCase(), 'learner');
  assert.equal(byLine['4'][3], 'skip');
  assert.match(byLine['4'][4], /Already a member/);
  for (const l of ['5', '6', '7', '8']) assert.equal(byLine[l][3], 'error', `line ${l}`);
  assert.match(byLine['5'][4], /e-mail address such as/);
  assert.match(byLine['6'][4], /The role must be/);
  assert.match(byLine['7'][4], /earlier line/);
  assert.match(byLine['8'][4], /three columns/);
  assert.equal(byLine['10'][1], 'quoted@example.org');
  assert.equal(byLine['10'][2].toLowerCase(), 'auditor');
  assert.equal(await memberCount(), before, 'a preview changes nothing');

  // confirm: the preview's own form (hidden csv + apply=1)
  const confirm = prev.text.match(/<form method="post" action="\/o\/demo\/admin\/import"><input type="hidden" name="_csrf" value="([^"]+)"><input type="hidden" name="apply" value="1"><textarea name="csv" hidden>([\s\S]*?)<\/textarea>/);
  assert.ok(confirm, 'a confirmation form');
  const applied = await admin.post('/o/demo/admin/import', { form: { _csrf: confirm[1], apply: '1', csv: unescapeHtml(confirm[2]) } });
  assert.equal(applied.status, 303, applied.text.slice(0, 300));
  assert.equal(applied.location, '/o/demo/admin/users');
  const flash = await admin.get('/o/demo/admin/users');
  assert.match(flash.text, /Added: 1 · Invited: 2/);
  assert.equal(await memberCount(), before + 1);
  assert.equal(await memberRole('outsider2@lectern.test'), 'learner');
  await acceptAsNew(fresh, 'New Person', 'csv-person-pass', 'trainer');
  await waitForMail(data, 'quoted@example.org', { seen, match: /\/invite\// });
});

test('CSV import by form: pasted text (urlencoded), and a non-UTF-8 file is refused with 422', async () => {
  const page = await admin.get('/o/demo/admin/import');
  const tok = csrfFrom(page.text);
  const res = await admin.post('/o/demo/admin/import', { form: { _csrf: tok, csv: `${DEMO.trainer.email},T,trainer\nbroken` } });
  assert.equal(res.status, 200);
  const rows = tableRows(res.text);
  assert.deepEqual(rows.map((r) => [r[0], r[3]]), [['1', 'skip'], ['2', 'error']]);
  const mp = multipart([
    { name: '_csrf', value: tok },
    { name: 'file', filename: 'latin1.csv', type: 'text/csv', value: Buffer.from('caf\xe9@example.org,Caf\xe9,learner\n', 'latin1') },
  ]);
  const bad = await admin.post('/o/demo/admin/import', { body: mp.body, headers: mp.headers });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /not UTF-8/);
});

test('CSV import by API (text/csv body): preview JSON with line numbers', async () => {
  const fresh = `apicsv-${uniq()}@example.org`;
  const csv = `email,name,role\n${fresh},Api Csv,learner\n${DEMO.trainer.email},,\nbad-line\n`;
  const before = await memberCount();
  const res = await adminApi.req('POST', '/api/v1/orgs/demo/members/import', { body: csv, headers: { 'content-type': 'text/csv' }, csrf: true });
  assert.equal(res.status, 200, res.text);
  const j = res.json();
  assert.equal(j.applied, false);
  assert.deepEqual([j.added, j.invited, j.skipped, j.rejected], [0, 1, 1, 1]);
  assert.deepEqual(j.lines.map((l) => [l.line, l.action]), [[2, 'invite'], [3, 'skip'], [4, 'error']]);
  assert.match(j.lines[2].message, /e-mail address/);
  assert.equal(await memberCount(), before);
  const bad = await adminApi.req('POST', '/api/v1/orgs/demo/members/import', { body: Buffer.from([0x61, 0xff, 0x0a]), headers: { 'content-type': 'text/csv' }, csrf: true });
  apiError(bad, 422, 'invalid');
});

test('CSV import by API with ?apply=1 adds and invites', async () => {
  const fresh = `apply-${uniq()}@example.org`;
  cli({ data }, 'user', 'add', 'outsider3@lectern.test', 'Third Outsider', '--password', 'outsider3-pass');
  const csv = `${fresh},Api Apply,trainer\noutsider3@lectern.test,,auditor\n`;
  const before = await memberCount();
  const res = await adminApi.req('POST', '/api/v1/orgs/demo/members/import?apply=1', { body: csv, headers: { 'content-type': 'text/csv' }, csrf: true });
  assert.equal(res.status, 201, `?apply=1 must apply (got ${res.status} ${res.text.slice(0, 200)})`);
  assert.equal(res.json().applied, true);
  assert.equal(await memberCount(), before + 1);
  assert.equal(await memberRole('outsider3@lectern.test'), 'auditor');
  await waitForMail(data, fresh, { seen, match: /\/invite\// });
});

test('CSV import: more than 10,000 lines is refused with 413, nothing imported', async () => {
  const before = await memberCount();
  const csv = Array.from({ length: 10001 }, (_, i) => `bulk${i}@example.org,,`).join('\n');
  const res = await adminApi.req('POST', '/api/v1/orgs/demo/members/import?apply=1', { body: csv, headers: { 'content-type': 'text/csv' }, csrf: true });
  apiError(res, 413, 'too_large');
  assert.equal(await memberCount(), before);
});

test('one invitation accepted twice at the same time: one member, one refusal', async () => {
  const email = `race-${uniq()}@example.org`;
  assert.equal((await adminApi.api('POST', '/api/v1/orgs/demo/invitations', { email, role: 'learner' })).status, 201);
  const link = linkIn(await waitForMail(data, email, { seen }), '/invite/');
  const c1 = new Client(srv), c2 = new Client(srv);
  const t1 = csrfFrom((await c1.get(link.pathname)).text), t2 = csrfFrom((await c2.get(link.pathname)).text);
  const [r1, r2] = await Promise.all([
    c1.post(link.pathname, { form: { _csrf: t1, name: 'Racer One', password: 'racer-one-pass' } }),
    c2.post(link.pathname, { form: { _csrf: t2, name: 'Racer Two', password: 'racer-two-pass' } }),
  ]);
  assert.deepEqual([r1.status, r2.status].sort(), [303, 404]);
  const winner = r1.status === 303 ? 'racer-one-pass' : 'racer-two-pass';
  await signinApi(srv, email, winner);
  assert.equal(await memberRole(email), 'learner');
});

test('role change by form and by API; unknown member 404; bad role 422', async () => {
  const fid = ids[DEMO.francois.email];
  const page = await admin.get('/o/demo/admin/users');
  assert.match(page.text, new RegExp(`action="/o/demo/admin/users/${fid}/role"`));
  const tok = csrfFrom(page.text);
  const res = await admin.post(`/o/demo/admin/users/${fid}/role`, { form: { _csrf: tok, role: 'trainer' } });
  assert.equal(res.status, 303);
  assert.equal(res.location, '/o/demo/admin/users');
  assert.equal(await memberRole(DEMO.francois.email), 'trainer');
  assert.equal((await admin.post(`/o/demo/admin/users/${fid}/role`, { form: { _csrf: tok, role: 'tsar' } })).status, 422);
  assert.equal((await admin.post('/o/demo/admin/users/999999/role', { form: { _csrf: tok, role: 'learner' } })).status, 404);
  assert.equal((await admin.post('/o/demo/admin/users/abc/role', { form: { _csrf: tok, role: 'learner' } })).status, 404);
  const loner = (await signinApi(srv, 'loner@lectern.test', 'loner-pass-1')).me.id;
  assert.equal((await admin.post(`/o/demo/admin/users/${loner}/role`, { form: { _csrf: tok, role: 'learner' } })).status, 404, 'not a member of demo');
  apiError(await adminApi.api('PUT', `/api/v1/orgs/demo/members/${loner}/role`, { role: 'learner' }), 404, 'not_found');
  assert.equal(await memberRole('loner@lectern.test'), null, 'a role change does not make a member');

  const put = await adminApi.api('PUT', `/api/v1/orgs/demo/members/${fid}/role`, { role: 'learner' });
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(put.json(), { user_id: fid, role: 'learner' });
  assert.equal(await memberRole(DEMO.francois.email), 'learner');
  assert.equal(apiError(await adminApi.api('PUT', `/api/v1/orgs/demo/members/${fid}/role`, { role: 'boss' }), 422, 'invalid').field, 'role');
  apiError(await adminApi.api('PUT', '/api/v1/orgs/demo/members/999999/role', { role: 'learner' }), 404, 'not_found');
});

test('removing a member by API; an admin cannot remove themself', async () => {
  const email = `removable-${uniq()}@example.org`;
  cli({ data }, 'user', 'add', email, 'Removable', '--password', 'removable-pass', '--org', 'demo', '--role', 'learner');
  const members = (await adminApi.get('/api/v1/orgs/demo/members?limit=500')).json().items;
  const id = members.find((m) => m.email === email).user_id;
  const before = await memberCount();
  assert.equal((await adminApi.api('DELETE', `/api/v1/orgs/demo/members/${id}`)).status, 204);
  assert.equal(await memberCount(), before - 1);
  apiError(await adminApi.api('DELETE', `/api/v1/orgs/demo/members/${id}`), 404, 'not_found');
  apiError(await adminApi.api('DELETE', `/api/v1/orgs/demo/members/${ids[DEMO.admin.email]}`), 409, 'self');
});

test('API tokens by form: create (shown once), use, list, revoke → 401', async () => {
  const page = await admin.get('/o/demo/admin/tokens');
  assert.equal(page.status, 200);
  const name = `Form token ${uniq()}`;
  const res = await admin.post('/o/demo/admin/tokens', { form: { _csrf: csrfFrom(page.text), name, role: 'admin' } });
  assert.equal(res.status, 201);
  const m = res.text.match(/<code class="token">(lct_[A-Za-z0-9_-]{43})<\/code>/);
  assert.ok(m, 'the new token is shown');
  const token = m[1];
  const bearer = new Client(srv, { bearer: token });
  const members = await bearer.get('/api/v1/orgs/demo/members');
  assert.equal(members.status, 200);
  const list = await admin.get('/o/demo/admin/tokens');
  assert.ok(!list.text.includes(token), 'never shown again');
  assert.ok(list.text.includes(token.slice(0, 12)), 'its prefix is listed');
  const row = tableRows(list.text).find((r) => r[0] === name);
  assert.ok(row, 'listed by name');
  const id = (await adminApi.get('/api/v1/orgs/demo/tokens')).json().items.find((t) => t.name === name).id;
  const rev = await admin.post(`/o/demo/admin/tokens/${id}/revoke`, { form: { _csrf: csrfFrom(list.text) } });
  assert.equal(rev.status, 303);
  assert.equal(rev.location, '/o/demo/admin/tokens');
  apiError(await bearer.get('/api/v1/orgs/demo/members'), 401, 'unauthenticated');
  apiError(await bearer.get('/api/v1/me'), 401);
  assert.equal((await admin.post(`/o/demo/admin/tokens/${id}/revoke`, { form: { _csrf: csrfFrom(list.text) } })).status, 404, 'revoked once');
  const bad = await admin.post('/o/demo/admin/tokens', { form: { _csrf: csrfFrom(list.text), name: '', role: 'admin' } });
  assert.equal(bad.status, 422);
});

test('API tokens by API: create, list without the secret, revoke → 401, revoke again 404', async () => {
  const res = await adminApi.api('POST', '/api/v1/orgs/demo/tokens', { name: 'ci robot', role: 'trainer' });
  assert.equal(res.status, 201, res.text);
  const t = res.json();
  assert.match(t.token, /^lct_[A-Za-z0-9_-]{43}$/);
  assert.equal(t.role, 'trainer');
  const list = await adminApi.get('/api/v1/orgs/demo/tokens');
  assert.equal(list.status, 200);
  const item = list.json().items.find((x) => x.id === t.id);
  assert.equal(item.name, 'ci robot');
  assert.equal(item.prefix, t.token.slice(0, 12));
  assert.equal(item.owner, DEMO.admin.email);
  assert.equal(item.revoked_at, null);
  assert.ok(!list.text.includes(t.token), 'the secret is never listed');
  const bearer = new Client(srv, { bearer: t.token });
  const me = await bearer.get('/api/v1/me');
  assert.equal(me.status, 200);
  assert.equal(me.json().email, DEMO.admin.email);
  assert.equal(me.json().csrf_token, undefined, 'no CSRF token for bearer calls');
  const org = (await bearer.get('/api/v1/orgs/demo')).json();
  assert.equal(org.role, 'trainer', 'the token acts with its own role');
  apiError(await bearer.get('/api/v1/orgs/demo/members'), 403, 'forbidden');
  assert.equal((await adminApi.api('DELETE', `/api/v1/orgs/demo/tokens/${t.id}`)).status, 204);
  apiError(await bearer.get('/api/v1/me'), 401, 'unauthenticated');
  apiError(await adminApi.api('DELETE', `/api/v1/orgs/demo/tokens/${t.id}`), 404, 'not_found');
  const after = (await adminApi.get('/api/v1/orgs/demo/tokens')).json().items.find((x) => x.id === t.id);
  assert.ok(after.revoked_at, 'revoked_at is set');
  assert.equal(apiError(await adminApi.api('POST', '/api/v1/orgs/demo/tokens', { name: 'x', role: 'pope' }), 422, 'invalid').field, 'role');
  assert.equal(apiError(await adminApi.api('POST', '/api/v1/orgs/demo/tokens', { role: 'admin' }), 422, 'invalid').field, 'name');
});

test('a token never exceeds its owner: an admin token of a learner acts as a learner', async () => {
  const tok = cli({ data }, 'token', 'create', '--org', 'demo', '--user', DEMO.elodie.email, '--role', 'admin').trim();
  const bearer = new Client(srv, { bearer: tok });
  assert.equal((await bearer.get('/api/v1/orgs/demo')).json().role, 'learner');
  apiError(await bearer.get('/api/v1/orgs/demo/members'), 403);
  apiError(await bearer.req('POST', '/api/v1/orgs/demo/invitations', { json: { email: 'x@example.org' } }), 403);
  // bearer tokens are for the API only: pages treat the caller as signed out
  const page = await bearer.get('/o/demo/admin/users');
  assert.equal(page.status, 303);
  assert.match(page.location, /^\/signin/);
  // a token only reaches its own organisation
  apiError(await bearer.get('/api/v1/orgs/elsewhere'), 403);
  const orgs = (await bearer.get('/api/v1/orgs')).json().items.map((o) => o.slug);
  assert.deepEqual(orgs, ['demo']);
});

test('platform administrator creates an organisation by form, with a first administrator invited', async () => {
  const page = await admin.get('/admin/orgs');
  assert.equal(page.status, 200);
  assert.match(page.text, /Lectern Academy/);
  const slug = `org-${uniq()}`;
  const res = await admin.post('/admin/orgs', { form: { _csrf: csrfFrom(page.text), name: 'Formation Continue', slug, allow_signup: '1', admin_email: `boss-${slug}@example.org` } });
  assert.equal(res.status, 303, res.text.slice(0, 300));
  assert.equal(res.location, '/admin/orgs');
  const list = await admin.get('/admin/orgs');
  assert.match(list.text, new RegExp(`<code>${slug}</code>`));
  assert.equal((await new Client(srv).get(`/o/${slug}`)).status, 200);
  assert.equal((await new Client(srv).get(`/o/${slug}/signup`)).status, 200, 'sign-up allowed as asked');
  const mail = await waitForMail(data, `boss-${slug}@example.org`, { seen });
  assert.match(mail.subject, /Formation Continue/);
  const link = linkIn(mail, '/invite/');
  const c = new Client(srv);
  const inv = await c.get(link.pathname);
  assert.match(inv.text, /\(Administrator\)/i);
  const ok = await c.post(link.pathname, { form: { _csrf: csrfFrom(inv.text), name: 'First Boss', password: 'first-boss-pass' } });
  assert.equal(ok.status, 303);
  assert.equal((await c.get(`/o/${slug}/admin/users`)).status, 200, 'the new administrator manages it');

  const tok = csrfFrom(list.text);
  const dup = await admin.post('/admin/orgs', { form: { _csrf: tok, name: 'Again', slug } });
  assert.equal(dup.status, 422);
  assert.match(dup.text, /This short name is taken/);
  for (const bad of ['A', 'UPPER', 'has space', '-dash', 'x'.repeat(41), 'ünï']) {
    const r = await admin.post('/admin/orgs', { form: { _csrf: tok, name: 'Bad', slug: bad } });
    assert.equal(r.status, 422, `slug ${bad}`);
  }
  const noname = await admin.post('/admin/orgs', { form: { _csrf: tok, name: '', slug: `ok-${uniq()}` } });
  assert.equal(noname.status, 422);
});

test('platform administrator creates an organisation by API; others get 403', async () => {
  const slug = `api-${uniq()}`;
  const res = await adminApi.api('POST', '/api/v1/orgs', { slug, name: 'Api Org' });
  assert.equal(res.status, 201, res.text);
  const j = res.json();
  assert.equal(j.slug, slug);
  assert.equal(j.name, 'Api Org');
  assert.equal(j.allow_signup, false);
  assert.ok(j.id > 0);
  apiError(await adminApi.api('POST', '/api/v1/orgs', { slug, name: 'Again' }), 409, 'exists');
  assert.equal(apiError(await adminApi.api('POST', '/api/v1/orgs', { slug: 'Bad Slug', name: 'X' }), 422, 'invalid').field, 'slug');
  assert.equal(apiError(await adminApi.api('POST', '/api/v1/orgs', { slug: `ok-${uniq()}`, name: '' }), 422, 'invalid').field, 'name');
  assert.equal(apiError(await adminApi.api('POST', '/api/v1/orgs', { slug: `ok-${uniq()}`, name: 'X', admin_email: 'nope' }), 422, 'invalid').field, 'admin_email');
  const all = (await adminApi.get('/api/v1/orgs')).json().items.map((o) => o.slug);
  assert.ok(all.includes(slug) && all.includes('elsewhere'), 'the platform administrator lists every organisation');

  // an organisation administrator who is not a platform administrator
  const orgadmin = await signinApi(srv, 'orgadmin@lectern.test', 'orgadmin-pass');
  assert.equal((await orgadmin.get('/o/demo/admin/users')).status, 200);
  const p403 = await orgadmin.get('/admin/orgs');
  assert.equal(p403.status, 403);
  const f403 = await orgadmin.post('/admin/orgs', { form: { _csrf: csrfFrom((await orgadmin.get('/account')).text), name: 'No', slug: `no-${uniq()}` } });
  assert.equal(f403.status, 403);
  apiError(await orgadmin.api('POST', '/api/v1/orgs', { slug: `no-${uniq()}`, name: 'No' }), 403, 'forbidden');
  const mine = (await orgadmin.get('/api/v1/orgs')).json().items.map((o) => o.slug);
  assert.deepEqual(mine, ['demo']);
  // the platform administrator's own bearer token is not a platform credential
  const tok = (await adminApi.api('POST', '/api/v1/orgs/demo/tokens', { name: 'platform?', role: 'admin' })).json().token;
  apiError(await new Client(srv, { bearer: tok }).req('POST', '/api/v1/orgs', { json: { slug: `no-${uniq()}`, name: 'No' } }), 403, 'forbidden');
  const total = (await adminApi.get('/api/v1/orgs')).json().items.filter((o) => o.slug.startsWith('no-'));
  assert.deepEqual(total, [], 'nothing was created by refused calls');
});

test("an organisation's page links each member to their places, by role", async () => {
  const hrefs = (html) => [...html.matchAll(/<ul class="links">(.*?)<\/ul>/gs)].flatMap((m) => [...m[1].matchAll(/href="([^"]+)"/g)].map((x) => x[1]));
  const learner = await signinForm(srv, DEMO.elodie.email, DEMO.elodie.password);
  assert.deepEqual(hrefs((await learner.get('/o/demo')).text), ['/o/demo/attendance/mine']);
  assert.match((await learner.get('/')).text, /href="\/o\/demo\/attendance\/mine"/, 'and from the home page');
  for (const href of hrefs((await admin.get('/o/demo')).text)) {
    assert.equal((await admin.get(href)).status, 200, href);
  }
  assert.deepEqual(hrefs((await admin.get('/o/demo')).text), ['/o/demo/attendance/mine', '/o/demo/courses', '/o/demo/programmes',
    '/o/demo/attendance/absences', '/o/demo/attendance/signals', '/o/demo/assistance/trainers', '/o/demo/surveys',
    '/o/demo/admin/users']);
  const anon = new Client(srv);
  assert.deepEqual(hrefs((await anon.get('/o/demo')).text), [], 'none for a visitor');
  for (const href of hrefs((await admin.get('/o/demo')).text).slice(1)) {
    assert.equal((await learner.get(href)).status, 403, `${href} stays closed to a learner`);
  }
});
