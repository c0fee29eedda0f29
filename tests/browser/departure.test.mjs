// departure.test.mjs — early departures and the signatures of distance
// units in headless Chromium (docs/attendance.md "Early departure",
// "Signing a distance unit"): François, who signed his arrival, signs his
// departure on a phone from the live session's unit; on the trainer's device
// (kiosk) Élodie signs in, then out; the trainer sets a signing window at the
// start of a text unit and Élodie signs it on the unit's page, in French.
// Screenshots go to tests/browser/out/; no console errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, env, setUp, tearDown, newContext, shot, signIn, PHONE } from './lib.mjs';

const TRAINER = { email: 'trainer@lectern.test', password: 'demo-trainer-pass' };
const FRANCOIS = { email: 'francois@lectern.test', password: 'demo-learner-pass' };
const ELODIE = { email: 'elodie@lectern.test', password: 'demo-learner-pass' };
const STROKES = [[[10, 20, 0], [40, 60, 16], [90, 30, 32]]];
const MIN = 60 * 1000;
let runId, liveUnit, textUnit, sessionId;

/** Draw a stroke across the page's signature pad. */
async function draw(page) {
    const canvas = page.locator('canvas[data-pad]');
    await canvas.waitFor();
    const box = await canvas.boundingBox();
    await page.mouse.move(box.x + box.width * 0.15, box.y + box.height * 0.6);
    await page.mouse.down();
    for (let i = 1; i <= 12; i++)
        await page.mouse.move(box.x + box.width * (0.15 + 0.05 * i), box.y + box.height * (0.6 - 0.3 * Math.sin(i / 3)), { steps: 2 });
    await page.mouse.up();
}

/** "2026-11-29T10:05" in UTC, for a datetime-local field with offset +00:00. */
const local = (ms) => new Date(ms).toISOString().slice(0, 16);

before(async () => {
    await setUp('departure');
    const api = await apiAs(TRAINER);
    const course = await api('POST', '/api/v1/orgs/demo/courses', { code: 'DEP-B', title: 'Habilitation électrique', published: true });
    const base = `/api/v1/orgs/demo/courses/${course.id}`;
    const sec = (await api('POST', `${base}/sections`, { title: 'Pratique' })).sections[0];
    const units = async (kind, title) => {
        const o = await api('POST', `${base}/units`, { section_id: sec.id, kind, title, required: false });
        return o.sections.flatMap((s) => s.units).find((u) => u.title === title).id;
    };
    liveUnit = await units('live', 'Atelier en salle');
    textUnit = await units('text', 'Consignes de sécurité');
    const run = await api('POST', `${base}/runs`, { title: 'Novembre', visibility: 'corporate' });
    runId = run.id;
    await api('POST', `/api/v1/orgs/demo/runs/${runId}/enrolments/import?apply=1`, `${ELODIE.email}\n${FRANCOIS.email}\n`, 'text/csv');
    const now = Date.now();
    const s = await api('POST', `/api/v1/orgs/demo/runs/${runId}/sessions`,
                        { title: 'Atelier consignation', starts_at: new Date(now - 10 * MIN).toISOString(),
                          ends_at: new Date(now + 120 * MIN).toISOString(), mode: 'room', place: 'Atelier B', unit_id: liveUnit });
    sessionId = s.id;
    // François signed his arrival with the trainer's code
    const qr = await api('GET', `/api/v1/orgs/demo/sessions/${sessionId}/qr`);
    const f = await apiAs(FRANCOIS);
    await f('POST', `/api/v1/sessions/${sessionId}/signatures`, { qr: qr.token, strokes: STROKES });
});

after(tearDown);

test('a learner who signed in signs an early departure from the live session\'s unit, on a phone', { timeout: 60000 }, async () => {
    const ctx = await newContext(PHONE, { hasTouch: false });
    const p = await ctx.newPage();
    await p.goto(`${env.base}/`);
    await signIn(p, FRANCOIS);
    await p.goto(`${env.base}/runs/${runId}/units/${liveUnit}`);
    await p.getByText('Atelier consignation').waitFor();
    await p.getByRole('link', { name: 'Leaving early? Sign your departure' }).click();
    await p.getByRole('heading', { name: 'Departure of François Learner' }).waitFor();
    await draw(p);
    await shot(p, 'departure-01-pad-phone.png');
    await p.getByRole('button', { name: 'Sign my departure' }).click();
    await p.getByText(/Departure signed by François Learner · \d{2}:\d{2}/).waitFor();
    await shot(p, 'departure-02-signed-phone.png');
    // once: the unit no longer offers it
    await p.goto(`${env.base}/runs/${runId}/units/${liveUnit}`);
    await p.getByText('Atelier consignation').waitFor();
    assert.equal(await p.getByRole('link', { name: 'Leaving early? Sign your departure' }).count(), 0);
    await ctx.close();
});

test('on the trainer\'s device, a learner signs in and then out', { timeout: 60000 }, async () => {
    const ctx = await newContext();
    const t = await ctx.newPage();
    await t.goto(`${env.base}/`);
    await signIn(t, TRAINER);
    await t.goto(`${env.base}/o/demo/sessions/${sessionId}/kiosk`);
    await t.getByRole('link', { name: 'Élodie Learner' }).click();
    await draw(t);
    await t.locator('form[data-signature] button[type=submit]').click();
    await t.getByText(/Élodie Learner signed at \d{2}:\d{2}/).waitFor();     // back on the kiosk list
    const row = t.locator('.kiosk-list li').filter({ hasText: 'Élodie Learner' });
    await row.getByRole('link', { name: 'Early departure' }).waitFor();
    // François left already: the list says when, and offers no second departure
    const francois = t.locator('.kiosk-list li').filter({ hasText: 'François Learner' });
    await francois.getByText(/left at \d{2}:\d{2}/).waitFor();
    assert.equal(await francois.getByRole('link', { name: 'Early departure' }).count(), 0);
    await shot(t, 'departure-03-kiosk.png');
    await row.getByRole('link', { name: 'Early departure' }).click();
    await draw(t);
    await t.locator('form[data-signature] button[type=submit]').click();
    await t.getByText(/Departure signed by Élodie Learner · \d{2}:\d{2}/).waitFor();
    await shot(t, 'departure-04-kiosk-signed.png');
    // both departures are in the session's attendance
    const api = await apiAs(TRAINER);
    const att = await api('GET', `/api/v1/orgs/demo/sessions/${sessionId}/attendance`);
    assert.equal(att.departures.length, 2);
    await ctx.close();
});

test('a signing window on a distance unit: the trainer sets it, a learner signs on the unit\'s page (French)', { timeout: 60000 }, async () => {
    const ctx = await newContext();
    const t = await ctx.newPage();
    await t.goto(`${env.base}/`);
    await signIn(t, TRAINER);
    await t.goto(`${env.base}/o/demo/runs/${runId}/unit-signing`);
    await t.getByRole('heading', { name: /Signatures of distance units/, level: 1 }).waitFor();
    await t.getByLabel('Unit', { exact: true }).selectOption({ label: 'Pratique — Consignes de sécurité' });
    await t.getByLabel('Signature', { exact: true }).selectOption('start');
    const now = Date.now();
    await t.getByLabel('Opens').fill(local(now - 60 * MIN));
    await t.getByLabel('Closes').fill(local(now + 60 * MIN));
    await t.getByRole('button', { name: 'Save the window' }).click();
    await t.getByText('The signing window is saved.').waitFor();
    await t.locator('tbody tr').filter({ hasText: 'Consignes de sécurité' }).waitFor();
    await shot(t, 'departure-05-unit-windows.png');
    await ctx.close();

    const ectx = await newContext();
    const e = await ectx.newPage();
    await e.goto(`${env.base}/`);
    await signIn(e, ELODIE);
    await e.goto(`${env.base}/runs/${runId}/units/${textUnit}`);
    await e.waitForFunction(() => document.documentElement.lang === 'fr');
    await e.getByText('Aucune unité de ce cours n’est obligatoire\u202f: suivez-le à votre rythme.').waitFor();   // no "0/0"
    await e.locator('section.unit-sign').waitFor();
    await draw(e);
    await e.locator('section.unit-sign button[type=submit]').click();
    await e.locator('section.unit-sign p.flash[role=status]').waitFor();
    await shot(e, 'departure-06-unit-signed-fr.png');
    await ectx.close();
    assert.deepEqual(env.consoleErrors, []);
});
