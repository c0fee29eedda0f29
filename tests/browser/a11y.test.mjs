// a11y.test.mjs — accessibility: every main page, as a visitor, a learner
// (in French), a trainer and an administrator, checked in headless Chromium
// by axe-core (WCAG 2 A and AA rules and axe's best practices: labels,
// contrast, landmarks, headings, ARIA, names of buttons and links, focusable
// scrolling regions...).  Any violation fails, with the rule, its impact and
// the elements.  The pages are the demo's, with Élodie enrolled in the
// second course (its quiz, live drill, peer assessment and forum).
//
// axe-core comes from npm (tests/browser/package.json) and is injected into
// each page; the context bypasses the Content-Security-Policy for that
// script only in this test (the other browser tests keep it and fail on any
// violation of it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { apiAs, env, setUp, tearDown, newContext, PHONE, DESKTOP } from './lib.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const ADMIN = { email: 'admin@lectern.test', password: 'demo-admin-pass' };
const TRAINER = { email: 'trainer@lectern.test', password: 'demo-trainer-pass' };
const ELODIE = { email: 'elodie@lectern.test', password: 'demo-learner-pass' };
let ids;

before(async () => {
    await setUp('a11y');
    const anon = async (p) => (await fetch(`${env.base}${p}`)).json();
    const fire = (await anon('/api/v1/courses')).items.find((c) => c.code === 'FIRE-201');
    const safe = (await anon('/api/v1/courses')).items.find((c) => c.code === 'SAFE-101');
    const run = (await anon(`/api/v1/courses/${fire.id}`)).runs[0].id;
    const safeRun = (await anon(`/api/v1/courses/${safe.id}`)).runs[0].id;
    const units = (await anon(`/api/v1/courses/${fire.id}/outline`)).sections.flatMap((s) => s.units);
    const unit = (kind) => units.find((u) => u.kind === kind).id;
    const elodie = await apiAs(ELODIE);
    await elodie('POST', `/api/v1/runs/${run}/enrolment`);
    const trainer = await apiAs(TRAINER);
    const session = (await trainer('GET', `/api/v1/orgs/demo/runs/${run}/sessions`)).items[0].id;
    const thread = (await elodie('GET', `/api/v1/runs/${run}/forum/threads`)).items[0].id;
    // Élodie's certificate for the first course (her 21 minutes of reading)
    const elodieId = (await elodie('GET', '/api/v1/me')).id;
    const admin = await apiAs(ADMIN);
    const cert = (await admin('POST', `/api/v1/orgs/demo/runs/${safeRun}/learners/${elodieId}/certificate`, { employer: 'Acme' })).id;
    const job = (await admin('POST', `/api/v1/orgs/demo/runs/${safeRun}/certificates/jobs`, {})).id;
    await trainer('POST', `/api/v1/orgs/demo/runs/${safeRun}/survey`, {});      // a satisfaction survey, open
    const ext = (await trainer('GET', `/api/v1/orgs/demo/runs/${safeRun}/external`)).items[0].id;   // the demo's external MOOC
    ids = { fire: fire.id, run, safeRun, quiz: unit('quiz'), live: unit('live'), assignment: unit('assignment'),
            text: unit('text'), session, thread, elodieId, cert, job, ext };
});

after(tearDown);

/** Each path, as `who` (null: signed out), checked by axe; all violations together. */
async function check(who, paths, viewport = DESKTOP) {
    const ctx = await newContext(viewport, { bypassCSP: true });
    const page = await ctx.newPage();
    if (who) {
        await page.goto(`${env.base}/signin`);
        await page.getByLabel(/^(E-mail|Courriel)$/).fill(who.email);
        await page.getByLabel(/^(Password|Mot de passe)$/).fill(who.password);
        await page.locator('main form button[type="submit"]').click();
        await page.waitForURL(`${env.base}/`);
    }
    const found = [];
    for (const p of paths) {
        const res = await page.goto(`${env.base}${p}`);
        assert.equal(res.status(), 200, p);
        await page.addScriptTag({ path: AXE });
        const { violations } = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
        for (const v of violations)
            found.push(`${p}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
    }
    await ctx.close();
    assert.deepEqual(found, [], `accessibility violations:\n${found.join('\n')}`);
}

test('signed out: home, catalog, a course, sign-in, forgotten password', async () => {
    await check(null, ['/', '/courses', `/courses/${ids.fire}`, '/signin', '/password/forgot']);
});

test('a learner, in French: home, a course, its units (text, quiz, live, assignment), forum, grades, attendance, account', async () => {
    const r = ids.run;
    await check(ELODIE, ['/', `/courses/${ids.fire}`, `/runs/${r}/learn`, `/runs/${r}/units/${ids.text}`,
                         `/runs/${r}/units/${ids.quiz}`, `/runs/${r}/units/${ids.live}`, `/runs/${r}/units/${ids.assignment}`,
                         `/runs/${r}/forum`, `/runs/${r}/forum/${ids.thread}`, `/runs/${r}/grades`, `/runs/${r}/activity`,
                         '/o/demo/attendance/mine', '/account', '/notifications', `/runs/${ids.safeRun}/units/3`,
                         '/me/certificates', `/o/demo/certificates/${ids.cert}`, `/runs/${ids.safeRun}/survey`,
                         `/runs/${ids.safeRun}/external`]);
});

test('a learner on a phone: home, a quiz, the live unit, the forum, certificates and their verification', async () => {
    const r = ids.run;
    await check(ELODIE, ['/', `/runs/${r}/units/${ids.quiz}`, `/runs/${r}/units/${ids.live}`, `/runs/${r}/forum`,
                         '/me/certificates', `/verify/certificates/${ids.cert}`, `/runs/${ids.safeRun}/survey`,
                         `/runs/${ids.safeRun}/external`], PHONE);
});

test('a trainer: courses, outline, unit editors, sessions, the live session and its kiosk, gradebook, progress, peer overview', async () => {
    const r = ids.run, o = '/o/demo';
    await check(TRAINER, ['/', `${o}/courses`, `${o}/courses/${ids.fire}/outline`, `${o}/courses/${ids.fire}/edit`,
                          `${o}/courses/${ids.fire}/units/${ids.quiz}`, `${o}/courses/${ids.fire}/units/${ids.assignment}`,
                          `${o}/runs/${r}/edit`, `${o}/runs/${r}/sessions`, `${o}/sessions/${ids.session}`,
                          `${o}/sessions/${ids.session}/kiosk`, `${o}/runs/${r}/gradebook`, `${o}/runs/${ids.safeRun}/gradebook?sort=grade`,
                          `${o}/runs/${r}/progress`, `${o}/runs/${r}/units/${ids.assignment}/peer`, `${o}/runs/${r}/unit-signing`,
                          `${o}/runs/${r}/assistance`, `/runs/${r}/forum/moderation`, `${o}/runs/${ids.safeRun}/certificates`,
                          `${o}/runs/${ids.safeRun}/learners/${ids.elodieId}/certificate`, `${o}/runs/${ids.safeRun}/survey`,
                          `${o}/runs/${r}/survey`, `${o}/runs/${ids.safeRun}/external`,
                          `${o}/runs/${ids.safeRun}/external/${ids.ext}`]);
});

test('an administrator: the organisation, people, import, tokens, settings, time-on-task, attendance, organisations', async () => {
    const o = '/o/demo';
    await check(ADMIN, [o, `${o}/admin/users`, `${o}/admin/import`, `${o}/admin/tokens`, `${o}/admin/settings`,
                        `${o}/admin/time`, `${o}/programmes`, `${o}/attendance/signals`, `${o}/attendance/absences`,
                        `${o}/assistance/trainers`, '/admin/orgs', `${o}/certificates/${ids.cert}`,
                        `${o}/runs/${ids.run}/learners/${ids.elodieId}/certificate`, `${o}/runs/${ids.safeRun}/certificates`,
                        `${o}/runs/${ids.safeRun}/certificates/jobs/${ids.job}`, `${o}/surveys`]);
});
