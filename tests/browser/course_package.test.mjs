// course_package.test.mjs — a course leaves and comes back through the
// browser, in headless Chromium: the demo trainer exports SAFE-101 from the
// course list, watches the job's page refresh itself until the download is
// offered, downloads the .tar.gz, imports it back under a new code, and opens
// the new course's outline; the same archive under the taken code fails with
// the package's own message, in French too.  Screenshots go to
// tests/browser/out/.  No console errors (CSP violations included).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { env, setUp, tearDown, newContext, shot, signIn, nav, PHONE } from './lib.mjs';

const TRAINER = { email: 'trainer@lectern.test', password: 'demo-trainer-pass' };

before(() => setUp('course-package'));
after(tearDown);

/** The card of a course on /o/demo/courses, by its code. */
const card = (page, code) => page.locator('article.card').filter({ hasText: code });

test('a trainer exports a course, downloads it and imports it back under a new code', { timeout: 120000 }, async () => {
    const ctx = await newContext(undefined, { acceptDownloads: true });
    const t = await ctx.newPage();
    await t.goto(`${env.base}/`);
    await signIn(t, TRAINER);
    await t.goto(`${env.base}/o/demo/courses`);
    await t.getByRole('heading', { name: 'Import a course', level: 2 }).waitFor();
    await shot(t, 'course-package-01-list.png');

    // Export: the job's page refreshes itself (Refresh: 2) until the archive is ready.
    await card(t, 'SAFE-101').getByRole('button', { name: 'Export as files (.tar.gz)' }).click();
    await t.getByRole('heading', { name: 'Course export', level: 1 }).waitFor();
    const link = t.getByRole('link', { name: 'Download the .tar.gz' });
    await link.waitFor({ timeout: 20000 });
    await shot(t, 'course-package-02-export-done.png');
    const [download] = await Promise.all([t.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), 'SAFE-101.tar.gz');
    const file = path.join(env.dataDir, 'SAFE-101.tar.gz');
    await download.saveAs(file);
    const bytes = fs.readFileSync(file);
    assert.ok(bytes.length > 1000 && bytes[0] === 0x1f && bytes[1] === 0x8b, 'a gzip archive');

    // Import under a new code: the new course's outline is one click away.
    await t.getByRole('link', { name: '← Courses' }).click();
    await t.getByLabel('Course package (.tar.gz)').setInputFiles(file);
    await t.getByLabel('New code (optional: when this organisation already has the course)').fill('SAFE-201');
    await t.getByRole('button', { name: 'Import the course' }).click();
    await t.getByRole('heading', { name: 'Course import', level: 1 }).waitFor();
    await t.getByText('The course is imported.').waitFor({ timeout: 20000 });
    await shot(t, 'course-package-03-import-done.png');
    await t.getByRole('link', { name: 'Edit the outline' }).click();
    await t.getByRole('heading', { name: /Outline/, level: 1 }).waitFor();
    await t.getByText('Welcome').first().waitFor();
    await t.goto(`${env.base}/o/demo/courses`);
    await card(t, 'SAFE-201').waitFor();
    await ctx.close();
});

test('the same archive under the taken code fails with the package\'s message, in French on a phone', { timeout: 60000 }, async () => {
    const ctx = await newContext(PHONE);
    const t = await ctx.newPage();
    await t.goto(`${env.base}/`);
    await signIn(t, TRAINER);
    await nav(t).getByRole('button', { name: 'Français' }).click();
    await t.waitForFunction(() => document.documentElement.lang === 'fr');
    await t.goto(`${env.base}/o/demo/courses`);
    await t.getByRole('heading', { name: 'Importer un cours', level: 2 }).waitFor();
    await t.getByLabel('Paquet de cours (.tar.gz)').setInputFiles(path.join(env.dataDir, 'SAFE-101.tar.gz'));
    await t.getByRole('button', { name: 'Importer le cours' }).click();
    await t.getByRole('heading', { name: 'Import d’un cours', level: 1 }).waitFor();
    const alert = t.getByRole('alert');
    await alert.waitFor({ timeout: 20000 });
    assert.match(await alert.innerText(), /Le cours n’a pas été importé\u202f: rien n’a été modifié\./);
    assert.match(await alert.innerText(), /SAFE-101\/course\.txt:1: code: the organisation already has a course SAFE-101/);
    await shot(t, 'course-package-04-import-failed-fr-phone.png');
    await ctx.close();
    assert.deepEqual(env.consoleErrors, []);
});
