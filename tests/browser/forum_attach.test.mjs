// forum_attach.test.mjs — attachments in headless Chromium (issue 5;
// docs/forum.md): a learner starts a thread with a real file chooser (an
// image whose name carries HTML, and a PDF), the image shows inline with its
// name as alt text, the PDF is a download link; no console error (CSP
// included).  Screenshot: tests/browser/out/forum-attach-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { env, setUp, tearDown, newContext, shot, signIn } from './lib.mjs';

const LEARNER = { email: 'francois@lectern.test', password: 'demo-learner-pass' };
const NAME = '<img src=x onerror=alert(1)>.png';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

before(() => setUp('forum-attach'));
after(tearDown);

test('a thread with an image and a PDF attached through the form', { timeout: 120000 }, async () => {
    const dir = fs.mkdtempSync(path.join(env.dataDir, 'upload-'));
    const img = path.join(dir, NAME), pdf = path.join(dir, 'plan.pdf');
    fs.writeFileSync(img, PNG);
    fs.writeFileSync(pdf, '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    const ctx = await newContext();
    const p = await ctx.newPage();
    const errors = [];
    p.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await p.goto(`${env.base}/`);
    await signIn(p, LEARNER);
    await p.goto(`${env.base}/courses/1`);
    await p.locator('form[action="/runs/1/enrol"] button').click();
    await p.goto(`${env.base}/runs/1/forum`);
    await p.getByLabel('Title').fill('My wiring');
    await p.getByLabel('Message (Markdown)').fill('See the photo and the plan.');
    await p.getByLabel('Attach files (optional)').setInputFiles([img, pdf]);
    await p.getByRole('button', { name: 'Post', exact: true }).click();
    await p.getByRole('heading', { name: 'My wiring', level: 1 }).waitFor();
    const image = p.getByRole('img', { name: NAME });
    await image.waitFor();
    assert.ok(await image.evaluate((el) => el.complete && el.naturalWidth === 1), 'the image loads');
    assert.equal(await p.locator('.attachments img').count(), 1, 'the name is text, not markup');
    const link = p.getByRole('link', { name: 'plan.pdf' });
    const [download] = await Promise.all([p.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), 'plan.pdf');
    await shot(p, 'forum-attach-thread.png');
    assert.deepEqual(errors, []);
    await ctx.close();
});
