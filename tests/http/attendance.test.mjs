// attendance.test.mjs — live sessions and e-signatures (docs/attendance.md):
// a session starting now, signing by the rotating QR code, by personal link
// and on the trainer's device (kiosk), every refusal (an old code, a reused
// link, another learner's link, outside the window, not enrolled, strokes too
// big) leaving nothing recorded, each signature chained in the evidence
// ledger, the live JSON, the signature image, fraud signals, CSV import, and
// another organisation kept out.
//
// The QR window is shortened to 2 s with LECTERN_QR_SECONDS so that an old
// code can be waited for (the site secret that signs the codes is never
// exposed, so the test cannot forge one).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEMO, Client, cli, demoStore, startServer, stopAll, signinApi, signinForm, apiError, csrfFrom, waitForMail, linkIn,
  listMail, uniq, sleep,
} from './lib.mjs';

const QR_SECONDS = 2;
const MIN = 60 * 1000;
let srv, store, admin, trainer, elodie, francois, outsider, otherAdmin;
let runId;
const S = {};           // sessions by name → {id, title}

/** Strokes of a plausible signature; `seed` makes it someone's own. */
function strokes(seed, n = 3, per = 20) {
  const out = [];
  let t = 0;
  for (let s = 0; s < n; s++) {
    const st = [];
    for (let i = 0; i < per; i++) {
      st.push([(40 + s * 150 + i * 5 + seed * 3) % 600, 100 + Math.round(40 * Math.sin(i / 3 + seed)), t]);
      t += 16;
    }
    out.push(st);
  }
  return out;
}

const iso = (ms) => new Date(ms).toISOString();

async function createSession(name, startMs, endMs, extra = {}) {
  const title = `${name} ${uniq()}`;
  const res = await trainer.api('POST', `/api/v1/orgs/demo/runs/${runId}/sessions`,
    { title, starts_at: iso(startMs), ends_at: iso(endMs), mode: 'room', place: 'Salle Érable', ...extra });
  assert.equal(res.status, 201, res.text);
  S[name] = { id: res.json().id, title };
  return res.json();
}

async function attendance(name, who = trainer) {
  const res = await who.get(`/api/v1/orgs/demo/sessions/${S[name].id}/attendance`);
  assert.equal(res.status, 200, res.text);
  return res.json();
}

async function qr(name) {
  const res = await trainer.get(`/api/v1/orgs/demo/sessions/${S[name].id}/qr`);
  assert.equal(res.status, 200, res.text);
  return res.json();
}

async function ledger() {
  const res = await admin.get('/api/v1/orgs/demo/ledger/verify');
  assert.equal(res.status, 200, res.text);
  return res.json();
}

const sign = (client, name, body) => client.api('POST', `/api/v1/sessions/${S[name].id}/signatures`, body);

before(async () => {
  store = demoStore('attendance');
  cli(store, 'user', 'add', 'outsider@lectern.test', 'Olive Outsider', '--password', 'outsider-pass', '--org', 'demo', '--role', 'learner');
  cli(store, 'org', 'add', 'other', 'Other');
  cli(store, 'user', 'add', 'boss@other.test', 'Other Boss', '--password', 'other-boss-pass', '--org', 'other', '--role', 'admin');
  srv = await startServer({ ...store, env: { LECTERN_QR_SECONDS: String(QR_SECONDS) } });
  admin = await signinApi(srv, DEMO.admin.email, DEMO.admin.password);
  trainer = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  elodie = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  francois = await signinApi(srv, DEMO.francois.email, DEMO.francois.password);
  outsider = await signinApi(srv, 'outsider@lectern.test', 'outsider-pass');
  otherAdmin = await signinApi(srv, 'boss@other.test', 'other-boss-pass');
  const course = await trainer.api('POST', '/api/v1/orgs/demo/courses', { code: `LIVE-${uniq()}`, title: 'Gestes et postures', published: true });
  assert.equal(course.status, 201, course.text);
  const run = await trainer.api('POST', `/api/v1/orgs/demo/courses/${course.json().id}/runs`, { title: 'Printemps', visibility: 'corporate' });
  assert.equal(run.status, 201, run.text);
  runId = run.json().id;
  const enrol = await trainer.req('POST', `/api/v1/orgs/demo/runs/${runId}/enrolments/import?apply=1`,
    { body: `${DEMO.elodie.email}\n${DEMO.francois.email}\n`, headers: { 'content-type': 'text/csv' }, csrf: true });
  assert.equal(enrol.status, 201, enrol.text);
});

after(async () => { await stopAll(srv); });

test('a trainer creates a session starting now: open for signing, listed, with its live page', async () => {
  const now = Date.now();
  const s = await createSession('now', now, now + 60 * MIN);
  assert.equal(s.status, 'open');
  assert.equal(s.mode, 'room');
  assert.equal(s.place, 'Salle Érable');
  assert.equal(s.grace_minutes, 30);
  const list = (await trainer.get(`/api/v1/orgs/demo/runs/${runId}/sessions`)).json().items;
  assert.ok(list.some((x) => x.id === S.now.id));
  const page = await trainer.get(`/o/demo/sessions/${S.now.id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /data-live="\/api\/v1\/orgs\/demo\/sessions\/\d+\/attendance"/);
  assert.match(page.text, /Élodie|Elodie/);
  assert.match(page.text, /\/sessions\/\d+\/sign\?qr=[A-Za-z0-9_-]{22}/, 'the QR URL shown big');
  const img = await trainer.get(`/o/demo/sessions/${S.now.id}/qr`);
  assert.equal(img.status, 200);
  assert.match(img.headers.get('content-type'), /^image\/svg\+xml/);
  assert.match(img.text, /^<svg [^>]*><rect [^>]*\/><path fill="#000" d="[Mhvz0-9 -]+"\/><\/svg>$/);
  assert.equal(img.headers.get('cache-control'), 'no-store');
  const runPage = await trainer.get(`/o/demo/runs/${runId}/sessions`);
  assert.equal(runPage.status, 200);
  assert.ok(runPage.text.includes(S.now.title));
});

test('a learner signs by the QR code shown now: accepted, and chained in the ledger', async () => {
  const before = await ledger();
  assert.equal(before.ok, true);
  const code = await qr('now');
  assert.match(code.url, new RegExp(`/sessions/${S.now.id}/sign\\?qr=${code.token}$`));
  const res = await sign(elodie, 'now', { qr: code.token, strokes: strokes(1) });
  assert.equal(res.status, 201, res.text);
  const g = res.json();
  assert.equal(g.method, 'qr');
  assert.equal(g.role, 'learner');
  assert.match(g.image_sha256, /^[0-9a-f]{64}$/);
  assert.ok(['am', 'pm'].includes(g.half_day));
  const after = await ledger();
  assert.equal(after.ok, true, JSON.stringify(after.first_bad));
  assert.equal(after.entries, before.entries + 1, 'one more ledger entry');
  const a = await attendance('now');
  assert.equal(a.signed, 1);
  assert.equal(a.expected, 2);
  const me = a.learners.find((l) => l.email === DEMO.elodie.email);
  assert.equal(me.signed, true);
  assert.equal(me.signatures[0].id, g.id);
  // the image: SVG drawn by the server from numbers only, no script possible
  const img = await trainer.get(me.signatures[0].image_url);
  assert.equal(img.status, 200);
  assert.match(img.headers.get('content-type'), /^image\/svg\+xml/);
  assert.match(img.headers.get('content-security-policy'), /default-src 'none'/);
  assert.match(img.text, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 600 200"[^<]*><path [^<]* d="[ML0-9. ]+"\/><\/svg>$/);
  // the learner cannot read the attendance nor the images
  apiError(await elodie.get(`/api/v1/orgs/demo/sessions/${S.now.id}/attendance`), 403);
  assert.equal((await elodie.get(me.signatures[0].image_url)).status, 403);
  // signing again the same half-day: 409, nothing more recorded
  const again = await sign(elodie, 'now', { qr: (await qr('now')).token, strokes: strokes(2) });
  apiError(again, 409, 'already_signed');
  assert.equal((await attendance('now')).signatures.length, 1);
});

test('the QR page: scan, draw, sign (form flow); the live JSON lists both learners', async () => {
  const code = await qr('now');
  const page = await francois.get(`/sessions/${S.now.id}/sign?qr=${code.token}`);
  assert.equal(page.status, 200, page.text.slice(0, 300));
  assert.match(page.text, /<canvas [^>]*data-pad/);
  const scan = page.text.match(/name="scan" value="([^"]+)"/)[1];
  await sleep(QR_SECONDS * 1000 + 100);       // drawing may take longer than a code lives: the scan proof carries it
  const res = await francois.post(`/sessions/${S.now.id}/sign`,
    { form: { _csrf: csrfFrom(page.text), scan, strokes: JSON.stringify(strokes(3)) } });
  assert.equal(res.status, 200, res.text.slice(0, 300));
  assert.match(res.text, /Signed by/);
  const a = await attendance('now');
  assert.equal(a.signed, 2);
  assert.deepEqual(a.learners.map((l) => l.signed), [true, true]);
  assert.ok(a.signatures.every((s) => s.method === 'qr'));
  // a forged scan proof is refused
  const forged = await francois.post(`/sessions/${S.now.id}/sign`,
    { form: { _csrf: csrfFrom(page.text), scan: `${Math.floor(Date.now() / 1000)}.${'A'.repeat(22)}`, strokes: JSON.stringify(strokes(4)) } });
  assert.equal(forged.status, 403);
});

test('an old QR code (two windows back) is refused, and nothing is recorded', async () => {
  const now = Date.now();
  await createSession('old', now - 5 * MIN, now + 60 * MIN);
  const old = await qr('old');
  for (;;) {                                  // wait until that code is two windows old
    const cur = await qr('old');
    if (cur.window >= old.window + 2) break;
    await sleep(200);
  }
  const res = await sign(francois, 'old', { qr: old.token, strokes: strokes(5) });
  apiError(res, 403, 'qr_invalid');
  const page = await francois.get(`/sessions/${S.old.id}/sign?qr=${old.token}`);
  assert.equal(page.status, 403);
  apiError(await sign(francois, 'old', { qr: 'A'.repeat(22), strokes: strokes(5) }), 403, 'qr_invalid');
  apiError(await sign(francois, 'old', { qr: (await qr('now')).token, strokes: strokes(5) }), 403, 'qr_invalid');   // another session's code
  assert.equal((await attendance('old')).signatures.length, 0);
});

test('personal links: e-mailed, single use, only for their own learner', async () => {
  const ledger0 = await ledger();
  const sent = await trainer.api('POST', `/api/v1/orgs/demo/sessions/${S.old.id}/links`);
  assert.equal(sent.status, 201, sent.text);
  assert.equal(sent.json().sent, 2);
  const seen = new Set();
  const re = new RegExp(S.old.title);
  const mailE = await waitForMail(store.data, DEMO.elodie.email, { match: re, seen });
  const mailF = await waitForMail(store.data, DEMO.francois.email, { match: re, seen });
  const tokE = linkIn(mailE, '/sign/').pathname.split('/').pop();
  const tokF = linkIn(mailF, '/sign/').pathname.split('/').pop();
  assert.match(mailE.subject, /attendance|émargement/);

  // another learner's link: refused, by the API and by the page
  apiError(await sign(francois, 'old', { link: tokE, strokes: strokes(6) }), 403, 'not_your_link');
  assert.equal((await francois.get(`/sign/${tokE}`)).status, 403);
  // a link of this session through another session's path
  apiError(await sign(elodie, 'now', { link: tokE, strokes: strokes(6) }), 404, 'link_invalid');
  assert.equal((await attendance('old')).signatures.length, 0);

  // the link's own person, signed out: accepted once
  const anon = new Client(srv);
  const ok = await sign(anon, 'old', { link: tokE, strokes: strokes(7) });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json().method, 'link');
  // reused: refused (API and page), nothing more recorded
  apiError(await sign(anon, 'old', { link: tokE, strokes: strokes(8) }), 410, 'link_used');
  apiError(await sign(elodie, 'old', { link: tokE, strokes: strokes(8) }), 410, 'link_used');
  assert.equal((await new Client(srv).get(`/sign/${tokE}`)).status, 410);

  // the page flow with Francois's link, signed out
  const web = new Client(srv);
  const page = await web.get(`/sign/${tokF}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /François|Francois/);
  const done = await web.post(`/sign/${tokF}`, { form: { _csrf: csrfFrom(page.text), strokes: JSON.stringify(strokes(9)) } });
  assert.equal(done.status, 200, done.text.slice(0, 300));
  assert.equal((await web.post(`/sign/${tokF}`, { form: { _csrf: csrfFrom(page.text), strokes: JSON.stringify(strokes(9)) } })).status, 410);

  const a = await attendance('old');
  assert.equal(a.signatures.length, 2);
  assert.ok(a.signatures.every((s) => s.method === 'link'));
  const l1 = await ledger();
  assert.equal(l1.ok, true);
  assert.equal(l1.entries, ledger0.entries + 2);
});

test('signing outside the window is refused with the times, and nothing is recorded', async () => {
  const now = Date.now();
  await createSession('tomorrow', now + 24 * 60 * MIN, now + 25 * 60 * MIN);
  await createSession('past', now - 5 * 60 * MIN, now - 3 * 60 * MIN, { grace_minutes: 30 });
  assert.equal((await attendance('tomorrow')).session.status, 'upcoming');
  assert.equal((await attendance('past')).session.status, 'closed');
  const early = await sign(elodie, 'tomorrow', { qr: (await qr('tomorrow')).token, strokes: strokes(10) });
  apiError(early, 403, 'too_early');
  const late = await sign(elodie, 'past', { qr: (await qr('past')).token, strokes: strokes(10) });
  apiError(late, 403, 'too_late');
  const page = await elodie.get(`/sessions/${S.tomorrow.id}/sign?qr=${(await qr('tomorrow')).token}`);
  assert.equal(page.status, 403);
  assert.match(page.text, /Signing has not opened yet|La signature n’est pas encore ouverte/);   // Élodie reads French
  // links: they can be sent ahead, but work only in the window
  assert.equal((await trainer.api('POST', `/api/v1/orgs/demo/sessions/${S.tomorrow.id}/links`)).status, 201);
  const mail = await waitForMail(store.data, DEMO.elodie.email, { match: new RegExp(S.tomorrow.title) });
  const tok = linkIn(mail, '/sign/').pathname.split('/').pop();
  apiError(await sign(new Client(srv), 'tomorrow', { link: tok, strokes: strokes(10) }), 403, 'too_early');
  assert.equal((await new Client(srv).get(`/sign/${tok}`)).status, 403);
  apiError(await trainer.api('POST', `/api/v1/orgs/demo/sessions/${S.past.id}/links`), 403, 'too_late');
  assert.equal((await attendance('tomorrow')).signatures.length, 0);
  assert.equal((await attendance('past')).signatures.length, 0);
});

test('a learner not enrolled in the run is refused; so is a QR signature signed out', async () => {
  const code = await qr('now');
  apiError(await sign(outsider, 'now', { qr: code.token, strokes: strokes(11) }), 403, 'not_expected');
  assert.equal((await outsider.get(`/sessions/${S.now.id}/sign?qr=${code.token}`)).status, 403);
  apiError(await sign(new Client(srv), 'now', { qr: code.token, strokes: strokes(11) }), 401);
  assert.equal((await attendance('now')).signatures.length, 2);
});

test('strokes too big or malformed: 413 or 422, nothing recorded', async () => {
  const now = Date.now();
  await createSession('pad', now - MIN, now + 60 * MIN);
  const tok = async () => (await qr('pad')).token;
  apiError(await sign(elodie, 'pad', { qr: await tok(), strokes: strokes(1, 51, 2) }), 413, 'too_large');
  apiError(await sign(elodie, 'pad', { qr: await tok(), strokes: strokes(1, 2, 2501) }), 413, 'too_large');
  const bad = [
    [], [[]], [[[10, 10, 0]]], [[[700, 10, 0], [20, 20, 5]]], [[[10, -1, 0], [20, 20, 5]]], [[[10, 10, 'x'], [20, 20, 5]]],
    [[[10, 10, 5], [20, 20, 1]]], [[[10, 10], [20, 20]]], 'not json', { a: 1 },
  ];
  for (const s of bad) apiError(await sign(elodie, 'pad', { qr: await tok(), strokes: s }), 422, 'invalid');
  apiError(await sign(elodie, 'pad', { qr: await tok() }), 422, 'invalid');
  assert.equal((await attendance('pad')).signatures.length, 0);
});

test('kiosk mode: a learner signs on the trainer\'s device; the trainer signs too', async () => {
  const kiosk = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const list = await kiosk.get(`/o/demo/sessions/${S.pad.id}/kiosk`);
  assert.equal(list.status, 200);
  const a0 = await attendance('pad');
  const uid = a0.learners.find((l) => l.email === DEMO.elodie.email).user_id;
  assert.ok(list.text.includes(`/o/demo/sessions/${S.pad.id}/kiosk/${uid}`));
  const pad = await kiosk.get(`/o/demo/sessions/${S.pad.id}/kiosk/${uid}`);
  assert.equal(pad.status, 200);
  const res = await kiosk.post(`/o/demo/sessions/${S.pad.id}/kiosk/${uid}`, { form: { _csrf: csrfFrom(pad.text), strokes: JSON.stringify(strokes(12)) } });
  assert.equal(res.status, 303, res.text.slice(0, 300));
  // the trainer's own signature
  const mine = await kiosk.get(`/o/demo/sessions/${S.pad.id}/sign`);
  assert.equal(mine.status, 200);
  const t = await kiosk.post(`/o/demo/sessions/${S.pad.id}/sign`, { form: { _csrf: csrfFrom(mine.text), strokes: JSON.stringify(strokes(13)) } });
  assert.equal(t.status, 303);
  const a = await attendance('pad');
  assert.equal(a.signed, 1);
  assert.equal(a.trainers_signed, 1);
  const e = a.learners.find((l) => l.user_id === uid);
  assert.equal(e.signatures[0].method, 'kiosk');
  assert.equal(a.trainers[0].signatures[0].role, 'trainer');
  // a learner cannot use the kiosk
  assert.equal((await elodie.get(`/o/demo/sessions/${S.pad.id}/kiosk`)).status, 403);
});

test('fraud signals: the same drawing twice is flagged', async () => {
  // Francois submits exactly Élodie's strokes of session "now" in session "pad"
  const res = await sign(francois, 'pad', { qr: (await qr('pad')).token, strokes: strokes(1) });
  assert.equal(res.status, 201, res.text);
  const sig = await trainer.get('/api/v1/orgs/demo/attendance/signals');
  assert.equal(sig.status, 200);
  const hit = sig.json().items.find((x) => x.kind === 'identical_image' && x.signature_id === res.json().id);
  assert.ok(hit, JSON.stringify(sig.json()));
  const page = await trainer.get('/o/demo/attendance/signals');
  assert.equal(page.status, 200);
  assert.match(page.text, /data-kind="identical_image"/);
  apiError(await elodie.get('/api/v1/orgs/demo/attendance/signals'), 403);
});

test('another organisation cannot read the attendance, the images or the signals', async () => {
  apiError(await otherAdmin.get(`/api/v1/orgs/demo/sessions/${S.now.id}/attendance`), 403);
  apiError(await otherAdmin.get(`/api/v1/orgs/other/sessions/${S.now.id}/attendance`), 404);
  assert.equal((await otherAdmin.get(`/o/other/sessions/${S.now.id}`)).status, 404);
  const a = await attendance('now');
  const url = a.signatures[0].image_url;
  assert.equal((await otherAdmin.get(url)).status, 403);
  assert.equal((await otherAdmin.get(url.replace('/o/demo/', '/o/other/'))).status, 404);
  apiError(await otherAdmin.get('/api/v1/orgs/demo/attendance/signals'), 403);
  apiError(await otherAdmin.api('POST', `/api/v1/orgs/demo/runs/${runId}/sessions`, { title: 'x' }), 403);
});

test('the server e-mails the personal links by itself when a session starts', async () => {
  const now = Date.now();
  await createSession('auto', now - 1000, now + 60 * MIN);
  const re = new RegExp(S.auto.title);
  const mail = await waitForMail(store.data, DEMO.elodie.email, { match: re, timeoutMs: 20000 });
  await waitForMail(store.data, DEMO.francois.email, { match: re, timeoutMs: 5000 });
  assert.ok((await attendance('auto')).session.links_sent_at, 'links_sent_at set by the tick');
  assert.equal(listMail(store.data).filter((m) => re.test(m.body)).length, 2, 'sent once, by one tick');
  // the link works
  const tok = linkIn(mail, '/sign/').pathname.split('/').pop();
  assert.equal((await sign(new Client(srv), 'auto', { link: tok, strokes: strokes(14) })).status, 201);
});

test('CSV import of sessions: preview with line errors, then applied', async () => {
  const csv = 'title,starts_at,ends_at,mode,place\n'
    + 'Atelier 1,2031-03-02T09:00+01:00,2031-03-02T12:30+01:00,room,Salle 4\n'
    + 'Classe virtuelle,2031-03-09T14:00,2031-03-09T15:00,virtual,https://meet.example.org/abc\n'
    + 'Broken,2031-03-10,2031-03-10T12:00,room,\n'
    + 'Backwards,2031-03-11T12:00Z,2031-03-11T09:00Z,room,\n'
    + 'Bad link,2031-03-12T09:00Z,2031-03-12T10:00Z,virtual,javascript:alert(1)\n';
  const url = `/api/v1/orgs/demo/runs/${runId}/sessions/import`;
  const before = (await trainer.get(`/api/v1/orgs/demo/runs/${runId}/sessions`)).json().items.length;
  const prev = await trainer.req('POST', `${url}?utc_offset=%2B01:00`, { body: csv, headers: { 'content-type': 'text/csv' }, csrf: true });
  assert.equal(prev.status, 200, prev.text);
  const p = prev.json();
  assert.equal(p.applied, false);
  assert.equal(p.added, 2);
  assert.equal(p.rejected, 3);
  assert.deepEqual(p.lines.filter((l) => l.action === 'error').map((l) => l.line), [4, 5, 6]);
  assert.equal((await trainer.get(`/api/v1/orgs/demo/runs/${runId}/sessions`)).json().items.length, before);
  const app = await trainer.req('POST', `${url}?apply=1&utc_offset=%2B01:00`, { body: csv, headers: { 'content-type': 'text/csv' }, csrf: true });
  assert.equal(app.status, 201, app.text);
  const items = (await trainer.get(`/api/v1/orgs/demo/runs/${runId}/sessions`)).json().items;
  assert.equal(items.length, before + 2);
  const v = items.find((x) => x.title === 'Classe virtuelle');
  assert.equal(v.starts_at, '2031-03-09T13:00:00Z', 'a time without zone is read at the offset given');
  assert.equal(v.utc_offset, '+01:00');
  // the page form: preview
  const web = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const form = await web.get(`/o/demo/runs/${runId}/sessions`);
  const pv = await web.post(`/o/demo/runs/${runId}/sessions/import`, { form: { _csrf: csrfFrom(form.text), csv, utc_offset: '+01:00' } });
  assert.equal(pv.status, 200);
  assert.equal((pv.text.match(/class="row-error"/g) || []).length, 3);
});

test('the session form refuses bad input with a clear message', async () => {
  const web = await signinForm(srv, DEMO.trainer.email, DEMO.trainer.password);
  const form = await web.get(`/o/demo/runs/${runId}/sessions`);
  const tok = csrfFrom(form.text);
  const bad = await web.post(`/o/demo/runs/${runId}/sessions`,
    { form: { _csrf: tok, title: 'Inverted', starts_at: '2031-05-02T12:00', ends_at: '2031-05-02T09:00', mode: 'room', utc_offset: '+02:00' } });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /The session must end after it starts/);
  const ok = await web.post(`/o/demo/runs/${runId}/sessions`,
    { form: { _csrf: tok, title: '<script>alert(1)</script>', starts_at: '2031-05-02T09:00', ends_at: '2031-05-02T12:00', mode: 'room', utc_offset: '+02:00', place: '"><img src=x>' } });
  assert.equal(ok.status, 303);
  const live = await web.get(ok.location);
  assert.equal(live.status, 200);
  assert.doesNotMatch(live.text, /<script>alert|<img src=x/);
  assert.match(live.text, /09:00–12:00/);
  apiError(await trainer.api('POST', `/api/v1/orgs/demo/runs/${runId}/sessions`,
    { title: 'v', starts_at: '2031-05-02T09:00Z', ends_at: '2031-05-02T10:00Z', mode: 'virtual', place: 'javascript:alert(1)' }), 422, 'invalid');
});

test('signatures survive a restart and the chain still verifies', async () => {
  const before = await attendance('now');
  await srv.stop();
  srv = await startServer({ ...store, env: { LECTERN_QR_SECONDS: String(QR_SECONDS) } });
  trainer = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  admin = await signinApi(srv, DEMO.admin.email, DEMO.admin.password);
  const after = await attendance('now');
  assert.deepEqual(after.signatures, before.signatures);
  assert.equal((await ledger()).ok, true);
});
