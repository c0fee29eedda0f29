// absence.test.mjs — absences and justifications in headless Chromium
// (docs/attendance.md "Absences and justifications"): a live session long
// past that François did not sign makes him absent; on a phone he finds the
// absence on his attendance page, justifies it with a reason and a file;
// the administrator finds it among the pending justifications, opens the
// file's link, accepts it with a comment; François sees the decision.
// Élodie's page is in French.  Screenshots go to tests/browser/out/; no
// console errors (CSP violations included).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { apiAs, env, setUp, tearDown, newContext, shot, signIn, PHONE } from './lib.mjs';

const TRAINER = { email: 'trainer@lectern.test', password: 'demo-trainer-pass' };
const ADMIN = { email: 'admin@lectern.test', password: 'demo-admin-pass' };
const FRANCOIS = { email: 'francois@lectern.test', password: 'demo-learner-pass' };
const ELODIE = { email: 'elodie@lectern.test', password: 'demo-learner-pass' };
const SESSION = 'Journée sécurité incendie';

before(async () => {
    await setUp('absence');
    const api = await apiAs(TRAINER);
    const course = await api('POST', '/api/v1/orgs/demo/courses', { code: 'ABS-B', title: 'Sécurité incendie', published: true });
    const run = await api('POST', `/api/v1/orgs/demo/courses/${course.id}/runs`, { title: 'Mars', visibility: 'corporate' });
    await api('POST', `/api/v1/orgs/demo/runs/${run.id}/enrolments/import?apply=1`,
              `${ELODIE.email}\n${FRANCOIS.email}\n`, 'text/csv');
    // A whole day long past: its signing window is closed, whatever the clock says.
    const s = await api('POST', `/api/v1/orgs/demo/runs/${run.id}/sessions`,
                        { title: SESSION, starts_at: '2026-03-02T09:00+01:00', ends_at: '2026-03-02T17:00+01:00',
                          mode: 'room', place: 'Salle 2' });
    assert.equal(s.status, 'closed');
});

after(tearDown);

test('a learner justifies an absence with a file; the administrator accepts it', { timeout: 120000 }, async () => {
    // ---- François, on a phone ----
    const lctx = await newContext(PHONE);
    const l = await lctx.newPage();
    await l.goto(`${env.base}/`);
    await signIn(l, FRANCOIS);
    await l.goto(`${env.base}/o/demo/attendance/mine`);
    await l.getByRole('heading', { name: 'My attendance', level: 1 }).waitFor();
    await l.getByRole('heading', { name: 'My absences' }).waitFor();
    const rows = l.locator('tr').filter({ hasText: SESSION }).filter({ hasText: 'Not justified' });
    assert.equal(await rows.count(), 2, 'absent in the morning and the afternoon');
    await shot(l, 'absence-01-my-attendance-phone.png');
    await rows.first().getByRole('link', { name: 'Justify' }).click();
    await l.getByRole('heading', { name: SESSION, level: 1 }).waitFor();
    await l.getByLabel('Reason').fill('Rendez-vous médical — certificate attached.');
    const file = path.join(env.dataDir, 'certificat.pdf');
    fs.writeFileSync(file, '%PDF-1.4\n% a stand-in for a scanned certificate\n');
    await l.getByLabel('Supporting document (optional)').setInputFiles(file);
    await l.getByRole('button', { name: 'Send the justification' }).click();
    await l.getByText('Your justification was sent. An administrator will decide on it.').waitFor();
    await l.getByText('Justification pending', { exact: true }).first().waitFor();
    await shot(l, 'absence-02-justification-sent-phone.png');
    const absenceUrl = l.url();

    // ---- the administrator ----
    const actx = await newContext();
    const a = await actx.newPage();
    await a.goto(`${env.base}/`);
    await signIn(a, ADMIN);
    await a.goto(`${env.base}/o/demo/attendance/absences`);
    await a.getByRole('heading', { name: /Absences and justifications/, level: 1 }).waitFor();
    await a.getByRole('link', { name: 'Justification pending' }).click();
    const pending = a.locator('tbody tr');
    assert.equal(await pending.count(), 1, 'one justification to decide');
    await shot(a, 'absence-03-admin-pending.png');
    await pending.first().getByRole('link', { name: 'Details' }).click();
    await a.getByText('Rendez-vous médical — certificate attached.').waitFor();
    const fileLink = a.getByRole('link', { name: /certificat\.pdf/ });
    const href = await fileLink.getAttribute('href');
    const res = await fetch(new URL(href, env.base), { headers: { cookie: (await apiAs(ADMIN)).cookie } });
    assert.equal(res.status, 200, 'the administrator reads the supporting file');
    await a.getByLabel('Accept').check();
    await a.getByLabel('Comment (required to reject)').fill('Certificate received.');
    const decided = a.url();
    await a.getByRole('button', { name: 'Record the decision' }).click();
    await a.getByText('The decision was recorded.').waitFor();
    assert.equal(await a.locator('tbody tr').count(), 0, 'nothing left to decide');
    await a.goto(decided);
    await a.locator('p > strong', { hasText: 'Justified (accepted)' }).waitFor();
    await a.getByText('Certificate received.').waitFor();
    await shot(a, 'absence-04-admin-accepted.png');

    // ---- François sees it ----
    await l.goto(absenceUrl);
    await l.locator('p > strong', { hasText: 'Justified (accepted)' }).waitFor();
    await l.getByText('Certificate received.').waitFor();
    await shot(l, 'absence-05-accepted-phone.png');
    await lctx.close();
    await actx.close();

    // ---- Élodie's page, in French ----
    const ectx = await newContext();
    const e = await ectx.newPage();
    await e.goto(`${env.base}/`);
    await signIn(e, ELODIE);
    await e.goto(`${env.base}/o/demo/attendance/mine`);
    await e.waitForFunction(() => document.documentElement.lang === 'fr');
    await e.locator('tr').filter({ hasText: SESSION }).first().waitFor();
    await shot(e, 'absence-06-my-attendance-fr.png');
    await ectx.close();
    assert.deepEqual(env.consoleErrors, []);
});
