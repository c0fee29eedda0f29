// certificate.test.mjs — completion certificates in headless Chromium
// (docs/certificates.md): the administrator goes from the run's Progress
// page to its certificates, sees Élodie's hours, issues her certificate and
// downloads its PDF; Élodie finds it from her account on a phone, in
// French, and opens its public verification page; the administrator
// prepares the ZIP of all the certificates and watches it finish.
// Screenshots go to tests/browser/out/; no console errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { env, setUp, tearDown, newContext, shot, signIn, PHONE } from './lib.mjs';

const ADMIN = { email: 'admin@lectern.test', password: 'demo-admin-pass' };
const ELODIE = { email: 'elodie@lectern.test', password: 'demo-learner-pass' };
let runId;

before(async () => {
    await setUp('certificate');
    const list = await (await fetch(`${env.base}/api/v1/courses`)).json();
    const safe = list.items.find((c) => c.code === 'SAFE-101');
    runId = (await (await fetch(`${env.base}/api/v1/courses/${safe.id}`)).json()).runs[0].id;
});

after(tearDown);

test('an administrator issues Élodie\'s certificate from the run\'s pages and downloads its PDF', { timeout: 60000 }, async () => {
    const ctx = await newContext();
    const p = await ctx.newPage();
    await p.goto(`${env.base}/`);
    await signIn(p, ADMIN);
    await p.goto(`${env.base}/o/demo/runs/${runId}/progress`);
    await p.getByRole('link', { name: 'Certificates', exact: true }).click();
    await p.getByRole('heading', { name: 'Certificates of completion', level: 1 }).waitFor();
    await shot(p, 'certificate-01-run.png');
    await p.getByRole('link', { name: 'Issue…' }).click();
    await p.getByText('21 min', { exact: true }).first().waitFor();
    await p.getByLabel('Type of action').selectOption('training');
    await p.getByLabel('Employer (optional)').fill('Acme Logistique');
    await shot(p, 'certificate-02-issue.png');
    await p.getByRole('button', { name: 'Issue the certificate' }).click();
    await p.getByText('The certificate is issued and recorded in the evidence ledger.').waitFor();
    await p.getByText('Acme Logistique').waitFor();
    await shot(p, 'certificate-03-issued.png');
    const [download] = await Promise.all([p.waitForEvent('download'), p.getByRole('link', { name: 'Download (PDF)' }).click()]);
    assert.match(download.suggestedFilename(), /^certificate-[A-Za-z0-9_-]{22}\.pdf$/);
    const bytes = await download.createReadStream().then(async (s) => { const b = []; for await (const c of s) b.push(c); return Buffer.concat(b); });
    assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
    await ctx.close();
});

test('Élodie finds her certificate on a phone, in French, and anyone can verify it', { timeout: 60000 }, async () => {
    const ctx = await newContext(PHONE);
    const p = await ctx.newPage();
    await p.goto(`${env.base}/`);
    await signIn(p, ELODIE);
    await p.getByRole('link', { name: 'Compte' }).click();
    await p.getByRole('link', { name: 'Mes certificats' }).click();
    await p.getByRole('heading', { name: 'Mes certificats', level: 1 }).waitFor();
    await shot(p, 'certificate-04-mine-phone.png');
    await p.getByRole('link', { name: /Workplace safety essentials/ }).click();
    await p.getByRole('heading', { name: /Certificat de réalisation/, level: 1 }).waitFor();
    await p.getByRole('link', { name: 'Page de vérification' }).click();
    await p.locator('[data-verdict]').waitFor();
    assert.ok(['verified', 'not_checkpointed'].includes(await p.locator('[data-verdict]').getAttribute('data-verdict')));
    await shot(p, 'certificate-05-verify-phone.png');
    await ctx.close();
});

test('the administrator prepares the ZIP of all the run\'s certificates and watches it finish', { timeout: 60000 }, async () => {
    const ctx = await newContext();
    const p = await ctx.newPage();
    await p.goto(`${env.base}/`);
    await signIn(p, ADMIN);
    await p.goto(`${env.base}/o/demo/runs/${runId}/certificates`);
    await p.getByLabel('First issue the missing certificates').check();
    await p.getByRole('button', { name: 'Prepare the ZIP' }).click();
    await p.getByRole('heading', { name: 'All the certificates', level: 1 }).waitFor();
    // the page refreshes itself every 2 s until the job is done
    await p.getByRole('link', { name: 'Download the ZIP' }).waitFor({ timeout: 30000 });
    assert.equal(await p.locator('[data-status]').getAttribute('data-status'), 'done');
    await shot(p, 'certificate-06-zip.png');
    await ctx.close();
    assert.deepEqual(env.consoleErrors, [], 'no console errors or CSP violations');
});
