// attendance.test.mjs — a live session in headless Chromium: the trainer opens
// the session's live view with its QR code; a learner, in a second browser
// (a phone), opens the code's URL, draws a signature with the mouse and
// signs; the trainer's live view shows the signature without a reload.  A
// second learner signs from the link e-mailed at the start of the session
// (the .eml in the data directory), signed out; the sheet PDF then holds
// both names (pdftotext) and is rendered to PNG (pdftoppm) for a look.
//
// Env: LECTERN_BIN, LECTERN_TEST_TMP.  Screenshots go to tests/browser/out/.
// No console errors (CSP violations included) are allowed on any page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { apiAs, env, setUp, tearDown, newContext, shot, signIn, serverStderr, PHONE, OUT } from './lib.mjs';

const TRAINER = { email: 'trainer@lectern.test', password: 'demo-trainer-pass' };
const ELODIE = { email: 'elodie@lectern.test', password: 'demo-learner-pass' };
let base, sessionId, trainerCookie;

/** The first .eml to `to` in the data directory's mail folder whose text matches `re`. */
async function waitForMail(to, re, ms = 30000) {
    const dir = path.join(env.dataDir, 'mail');
    const end = Date.now() + ms;
    for (;;) {
        const found = (fs.existsSync(dir) ? fs.readdirSync(dir) : []).filter((f) => f.endsWith('.eml')).sort()
            .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
            .find((m) => new RegExp(`^To:.*${to.replace(/[.]/g, '\\.')}`, 'mi').test(m) && re.test(m));
        if (found) return found;
        if (Date.now() > end) throw new Error(`no e-mail to ${to} matching ${re}\n${serverStderr()}`);
        await new Promise((r) => setTimeout(r, 250));
    }
}

before(async () => {
    await setUp('attendance');
    base = env.base;
    const api = await apiAs(TRAINER);
    trainerCookie = api.cookie;
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
    // its time on the session's clock (UTC+01:00), as on the sheet, whatever the device's zone (UTC here)
    const att = await (await fetch(`${base}/api/v1/orgs/demo/sessions/${sessionId}/attendance`, { headers: { cookie: trainerCookie } })).json();
    const local = new Date(Date.parse(att.signatures[0].signed_at) + 60 * 60000).toISOString().slice(11, 16);
    assert.match(await row.locator('.sig-meta').textContent(), new RegExp(`^${local} · `));
    await shot(tpage, 'attendance-live-after.png');
    assert.deepEqual(env.consoleErrors, []);
    await tctx.close();
    await lctx.close();
});

test('a second learner signs from the e-mailed link; the sheet PDF holds both, rendered for a look', { timeout: 90000 }, async () => {
    // the personal links go out when the session opens (the server's tick)
    const mail = await waitForMail('francois@lectern.test', /\/sign\/[A-Za-z0-9_-]+/);
    const link = mail.match(/\/sign\/[A-Za-z0-9_-]+/)[0];
    const ctx = await newContext(PHONE, { hasTouch: false });
    const page = await ctx.newPage();
    await page.goto(base + link);                       // signed out: the link is the identity
    const canvas = page.locator('canvas[data-pad]');
    await canvas.waitFor();
    const box = await canvas.boundingBox();
    await page.mouse.move(box.x + box.width * 0.15, box.y + box.height * 0.6);
    await page.mouse.down();
    for (let i = 1; i <= 14; i++)
        await page.mouse.move(box.x + box.width * (0.15 + 0.05 * i), box.y + box.height * (0.6 - 0.3 * Math.sin(i / 3)), { steps: 2 });
    await page.mouse.up();
    await page.locator('form[data-signature] button[type=submit]').click();
    await page.locator('p.flash[role=status]').waitFor();
    await shot(page, 'attendance-link-signed.png');
    // used once: the same link now refuses
    const again = await page.goto(base + link);
    assert.equal(again.status(), 410, 'a reused link is gone');
    const gone = env.consoleErrors.findIndex((e) => e.includes(link) && e.includes('410'));
    if (gone >= 0) env.consoleErrors.splice(gone, 1);     // that refusal was the point
    await ctx.close();

    // the sheet: both names with their accents, and a picture of its first page
    const res = await fetch(`${base}/o/demo/sessions/${sessionId}/sheet.pdf`, { headers: { cookie: trainerCookie } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    const pdf = path.join(env.dataDir, 'sheet.pdf');
    fs.writeFileSync(pdf, Buffer.from(await res.arrayBuffer()));
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    assert.match(text, /Élodie/);
    assert.match(text, /François/);
    assert.match(text, /Gestes qui sauvent/);
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', pdf, path.join(OUT, 'attendance-browser-sheet')]);
    assert.ok(fs.statSync(path.join(OUT, 'attendance-browser-sheet.png')).size > 10000, 'the sheet renders');
    assert.deepEqual(env.consoleErrors, []);
});
