// external.test.mjs — an external MOOC in headless Chromium
// (docs/external.md): Élodie, on a phone in French, sends the platform's
// certificate; the trainer goes from the run's Progress page to its
// external activities, opens the demo's, sees what the platform's xAPI
// statements say of Élodie and her certificate, and validates her record;
// a bad identifier is refused on the page; the platform's CSV report is
// previewed and imported; Élodie finds the activity from her course
// outline with her validated time; the administrator sees that time among
// the figures of her certificate and downloads her audit pack.  Screenshots
// go to tests/browser/out/; no console errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { env, setUp, tearDown, newContext, shot, signIn, PHONE } from './lib.mjs';

const ADMIN = { email: 'admin@lectern.test', password: 'demo-admin-pass' };
const TRAINER = { email: 'trainer@lectern.test', password: 'demo-trainer-pass' };
const ELODIE = { email: 'elodie@lectern.test', password: 'demo-learner-pass' };
let runId;

before(async () => {
    await setUp('external');
    const list = await (await fetch(`${env.base}/api/v1/courses`)).json();
    const safe = list.items.find((c) => c.code === 'SAFE-101');
    runId = (await (await fetch(`${env.base}/api/v1/courses/${safe.id}`)).json()).runs[0].id;
});

after(tearDown);

test('Élodie sends the platform\'s certificate from her phone, in French', { timeout: 60000 }, async () => {
    const ctx = await newContext(PHONE);
    const p = await ctx.newPage();
    await p.goto(`${env.base}/`);
    await signIn(p, ELODIE);
    await p.goto(`${env.base}/runs/${runId}/learn`);
    await p.getByRole('link', { name: 'Activités externes' }).click();
    await p.getByLabel('L’attestation de la plateforme').setInputFiles({ name: 'attestation.pdf', mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.4\n% MOOC Example: certificate of completion\n') });
    await p.getByRole('button', { name: 'Envoyer l’attestation' }).click();
    await p.getByText('Votre attestation est envoyée. Votre formateur va la vérifier.').waitFor();
    await p.getByRole('link', { name: 'attestation.pdf' }).waitFor();
    await shot(p, 'external-00-learner-sends-certificate.png');
    await ctx.close();
});

test('a trainer reads Élodie\'s record of the external MOOC and validates it', { timeout: 60000 }, async () => {
    const ctx = await newContext();
    const p = await ctx.newPage();
    await p.goto(`${env.base}/`);
    await signIn(p, TRAINER);
    await p.goto(`${env.base}/o/demo/runs/${runId}/progress`);
    await p.getByRole('link', { name: 'External activities', exact: true }).click();
    await p.getByRole('heading', { name: /External activities/, level: 1 }).waitFor();
    await p.getByText('/xapi/').first().waitFor();
    await shot(p, 'external-01-list.png');

    // a bad identifier is refused on the page, naming the field
    await p.getByLabel('Title', { exact: true }).fill('Cyber hygiene');
    await p.getByLabel('Platform', { exact: true }).fill('MOOC Example');
    await p.getByLabel('Activity identifier in the platform\'s xAPI statements').fill('https://mooc.example/courses/cyber');
    await p.getByLabel('Declared duration, in minutes').fill('0');
    await p.getByLabel('Declared duration, in minutes').evaluate((el) => el.removeAttribute('min'));
    await p.getByRole('button', { name: 'Declare' }).click();
    await p.getByText('Give the declared duration in minutes, from 1 to 100000.').waitFor();
    assert.equal(await p.getByLabel('Declared duration, in minutes').getAttribute('aria-invalid'), 'true');
    const refused = env.consoleErrors.findIndex((e) => e.includes('/external') && e.includes('422'));
    if (refused >= 0) env.consoleErrors.splice(refused, 1);     // that refusal was the point

    await p.getByRole('link', { name: 'Data protection basics' }).click();
    const row = p.locator('tr', { hasText: 'elodie@lectern.test' });
    await row.getByRole('link', { name: 'Certificate sent by the learner' }).waitFor();
    await row.getByText('Completed, plausible').waitFor();
    await row.getByText('45 min').first().waitFor();
    assert.equal(await row.getByLabel('Minutes accepted').inputValue(), '45');
    await shot(p, 'external-02-records.png');
    await row.getByLabel('Note (optional)').fill('Completion certificate of the platform received by e-mail.');
    await row.getByRole('button', { name: 'Validate' }).click();
    await p.getByText('The record is validated.').waitFor();
    await p.locator('tr', { hasText: 'elodie@lectern.test' }).getByText('Completion certificate of the platform').waitFor();
    await shot(p, 'external-03-validated.png');

    // the platform's report, as CSV: previewed, then imported
    await p.getByLabel('Report (CSV)').setInputFiles({ name: 'report.csv', mimeType: 'text/csv',
        buffer: Buffer.from('email,minutes,completed_at,score\nelodie@lectern.test,50,2026-11-26,88\nsomeone@elsewhere.test,5,,\n') });
    await p.getByRole('button', { name: 'Preview the import' }).click();
    await p.getByRole('heading', { name: /Import preview/, level: 1 }).waitFor();
    await p.getByRole('cell', { name: 'to import', exact: true }).waitFor();
    await p.getByRole('cell', { name: 'not a learner of this run: left out' }).waitFor();
    await shot(p, 'external-06-report-preview.png');
    await p.getByRole('button', { name: 'Import', exact: true }).click();
    await p.getByText('Statements imported: 1 · already there: 0').waitFor();
    await p.locator('tr', { hasText: 'elodie@lectern.test' }).getByText('50 min').waitFor();
    await ctx.close();
});

test('Élodie finds the external MOOC from her course, on a phone, in French', { timeout: 60000 }, async () => {
    const ctx = await newContext(PHONE);
    const p = await ctx.newPage();
    await p.goto(`${env.base}/`);
    await signIn(p, ELODIE);
    await p.goto(`${env.base}/runs/${runId}/learn`);
    await p.getByRole('link', { name: 'Activités externes' }).click();
    await p.getByRole('heading', { name: 'Activités externes', level: 1 }).waitFor();
    await p.getByText('Terminé, plausible').waitFor();
    await p.getByRole('definition').filter({ hasText: '50 min' }).waitFor();     // reported (the platform's report)
    await p.getByRole('definition').filter({ hasText: '45 min' }).waitFor();     // validated
    assert.equal(await p.getByRole('link', { name: 'Ouvrir sur la plateforme' }).getAttribute('href'),
                 'https://mooc.example/courses/data-protection');
    await shot(p, 'external-04-learner-phone.png');
    await ctx.close();
});

test('the validated time is among the figures of Élodie\'s certificate', { timeout: 60000 }, async () => {
    const ctx = await newContext();
    const p = await ctx.newPage();
    await p.goto(`${env.base}/`);
    await signIn(p, ADMIN);
    await p.goto(`${env.base}/o/demo/runs/${runId}/certificates`);
    await p.getByRole('link', { name: 'Issue…' }).click();
    await p.getByText('External activities, validated').waitFor();
    await p.getByText('1 h 06 min', { exact: true }).first().waitFor();      // 21 minutes of reading + 45 validated
    await shot(p, 'external-05-certificate-figures.png');
    // her audit pack, from her page in the run: a ZIP with the verify.py an auditor runs
    await p.goto(`${env.base}/o/demo/runs/${runId}/progress`);
    await p.getByRole('link', { name: 'Élodie Learner' }).click();
    const [download] = await Promise.all([p.waitForEvent('download'), p.getByRole('link', { name: 'Audit pack (ZIP)' }).click()]);
    assert.match(download.suggestedFilename(), /^audit-pack-demo-run\d+-learner\d+\.zip$/);
    const bytes = await download.createReadStream().then(async (st) => { const b = []; for await (const c of st) b.push(c); return Buffer.concat(b); });
    assert.equal(bytes.subarray(0, 2).toString(), 'PK');
    assert.ok(bytes.includes(Buffer.from('verify.py')));
    await ctx.close();
    assert.deepEqual(env.consoleErrors, []);
});
