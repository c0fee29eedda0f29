// attendance.test.mjs — a live session in headless Chromium: the trainer opens
// the session's live view with its QR code; a learner, in a second browser
// (a phone), opens the code's URL, draws a signature with the mouse and
// signs; the trainer's live view shows the signature without a reload.
//
// Env: LECTERN_BIN, LECTERN_TEST_TMP.  Screenshots go to tests/browser/out/.
// No console errors (CSP violations included) are allowed on any page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { env, setUp, tearDown, newContext, shot, signIn, PHONE } from './lib.mjs';

const TRAINER = { email: 'trainer@lectern.test', password: 'demo-trainer-pass' };
const ELODIE = { email: 'elodie@lectern.test', password: 'demo-learner-pass' };
let base, sessionId;

/** A JSON API call as `who` (a session of its own). */
async function apiAs(who) {
    const res = await fetch(`${base}/api/v1/session`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who),
    });
    assert.equal(res.status, 201);
    const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const { csrf_token: csrf } = await res.json();
    return async (method, p, body, type = 'application/json') => {
        const r = await fetch(base + p, {
            method, headers: { cookie, 'x-csrf-token': csrf, 'content-type': type },
            body: body === undefined ? undefined : type === 'application/json' ? JSON.stringify(body) : body,
        });
        const text = await r.text();
        assert.ok(r.status < 300, `${method} ${p}: ${r.status} ${text}`);
        return JSON.parse(text);
    };
}

before(async () => {
    await setUp('attendance');
    base = env.base;
    const api = await apiAs(TRAINER);
    const course = await api('POST', '/api/v1/orgs/demo/courses', { code: 'LIVE-B', title: 'Premiers secours', published: true });
    const run = await api('POST', `/api/v1/orgs/demo/courses/${course.id}/runs`, { title: 'Avril', visibility: 'corporate' });
    await api('POST', `/api/v1/orgs/demo/runs/${run.id}/enrolments/import?apply=1`, 'elodie@lectern.test\nfrancois@lectern.test\n', 'text/csv');
    const now = Date.now();
    const s = await api('POST', `/api/v1/orgs/demo/runs/${run.id}/sessions`, {
        title: 'Gestes qui sauvent', starts_at: new Date(now - 60000).toISOString(), ends_at: new Date(now + 3600000).toISOString(),
        mode: 'room', place: 'Salle Érable', utc_offset: '+01:00',
    });
    sessionId = s.id;
});

after(tearDown);

test('a learner scans the trainer\'s code, draws a signature, and the live view shows it', { timeout: 60000 }, async () => {
    const tctx = await newContext();
    const tpage = await tctx.newPage();
    await tpage.goto(base + '/');
    await signIn(tpage, TRAINER);
    await tpage.goto(`${base}/o/demo/sessions/${sessionId}`);
    await tpage.getByRole('heading', { name: 'Gestes qui sauvent', level: 1 }).waitFor();
    const qrImg = tpage.locator('img[data-qr-image]');
    await qrImg.waitFor();
    assert.ok(await qrImg.evaluate((img) => img.complete && img.naturalWidth > 0), 'the QR code image is drawn');
    const row = tpage.locator('table[data-people="learners"] tr', { hasText: 'Élodie' });
    assert.equal(await row.locator('img.sig').count(), 0);
    await shot(tpage, 'attendance-live-before.png');

    // the learner: on a phone, signed in, opens the URL of the code shown now
    const qrUrl = new URL(await tpage.locator('a[data-qr-url]').getAttribute('href'));
    const lctx = await newContext(PHONE, { hasTouch: false });
    const lpage = await lctx.newPage();
    await lpage.goto(base + '/');
    await signIn(lpage, ELODIE);
    await lpage.goto(base + qrUrl.pathname + qrUrl.search);
    const canvas = lpage.locator('canvas[data-pad]');
    await canvas.waitFor();
    // signing with nothing drawn is stopped in the page
    await lpage.locator('form[data-signature] button[type=submit]').click();
    await lpage.locator('[data-pad-error]').waitFor({ state: 'visible' });
    const box = await canvas.boundingBox();
    const pts = (k) => Array.from({ length: 16 }, (_, i) => [box.x + box.width * (0.1 + 0.05 * i), box.y + box.height * (0.5 + 0.25 * Math.sin(i / 2 + k))]);
    for (const k of [0, 2]) {
        const p = pts(k);
        await lpage.mouse.move(p[0][0], p[0][1]);
        await lpage.mouse.down();
        for (const [x, y] of p.slice(1)) await lpage.mouse.move(x, y, { steps: 2 });
        await lpage.mouse.up();
    }
    await shot(lpage, 'attendance-pad.png');
    await lpage.locator('form[data-signature] button[type=submit]').click();
    await lpage.locator('p.flash[role=status]').waitFor();     // "Signed by …" (Élodie reads French)
    await shot(lpage, 'attendance-signed.png');

    // the trainer's page, not reloaded, shows the signature within a refresh
    await row.locator('img.sig').waitFor({ timeout: 12000 });
    assert.ok(await row.locator('img.sig').evaluate((img) => img.complete && img.naturalWidth > 0), 'the signature image is drawn');
    assert.equal(await tpage.locator('[data-count-signed]').textContent(), '1');
    await shot(tpage, 'attendance-live-after.png');
    assert.deepEqual(env.consoleErrors, []);
    await tctx.close();
    await lctx.close();
});
