// course.test.mjs — a course from both sides, in headless Chromium: the demo
// trainer creates and publishes a course with a session, builds its outline
// (a text unit, a short WebM video made by ffmpeg here, a resource), then a
// learner finds it in the catalog, enrols, reads, watches the video to the
// end (the player's heartbeats report the played segments), downloads the
// resource, and sees the course completed.  Screenshots of the catalog, the
// player and the progress go to tests/browser/out/.  No console errors (CSP
// violations included) are allowed on any page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { env, setUp, tearDown, newContext, shot, signIn, serverStderr } from './lib.mjs';

const TRAINER = { email: 'trainer@lectern.test', password: 'demo-trainer-pass' };
const LEARNER = { email: 'francois@lectern.test', password: 'demo-learner-pass' };
const TITLE = 'Forklift basics';
let video, resource;

before(async () => {
    await setUp('course');
    video = path.join(env.dataDir, 'forklift.webm');
    execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=15',
                            '-t', '4', '-c:v', 'libvpx', '-b:v', '200k', video]);
    resource = path.join(env.dataDir, 'forklift-checklist.txt');
    fs.writeFileSync(resource, 'Forklift checklist\n[ ] brakes\n[ ] horn\n[ ] forks\n');
});

after(tearDown);

async function addUnit(page, kind, title) {
    const section = page.locator('section.outline-section').first();
    await section.getByLabel('Kind').selectOption(kind);
    await section.getByLabel('Unit title').fill(title);
    await section.getByRole('button', { name: 'Add a unit' }).click();
    await page.getByRole('heading', { name: title, level: 1 }).waitFor();
}

async function saveUnit(page) {
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
}

async function backToOutline(page) {
    await page.getByRole('link', { name: '← Outline' }).click();
    await page.getByRole('heading', { name: /Outline/, level: 1 }).waitFor();
}

test('a trainer builds a course; a learner finds it, follows it and completes it', { timeout: 120000 }, async () => {
    const base = env.base;
    // ---- the trainer: course, session, outline ----
    const tctx = await newContext();
    const t = await tctx.newPage();
    await t.goto(`${base}/`);
    await signIn(t, TRAINER);
    await t.goto(`${base}/o/demo/courses`);
    await t.getByLabel('Title', { exact: true }).fill(TITLE);
    await t.getByLabel('Code (e.g. SAFETY-101)').fill('FORK-1');
    await t.getByLabel('Summary').fill('Drive a forklift safely: checks, loads and aisles.');
    await t.getByRole('button', { name: 'Create the course' }).click();
    const card = t.getByRole('article').filter({ has: t.getByRole('heading', { name: TITLE }) });
    await card.getByRole('button', { name: 'Publish' }).click();
    await card.getByPlaceholder('New session, e.g. Spring 2027').fill('Open session');
    await card.getByRole('button', { name: 'Add a session' }).click();
    await card.getByRole('link', { name: 'Edit the outline' }).click();
    await t.getByRole('heading', { name: /Outline/, level: 1 }).waitFor();

    await t.getByLabel('Title', { exact: true }).fill('Before you drive');
    await t.getByRole('button', { name: 'Add the section' }).click();
    await t.getByRole('heading', { name: 'Before you drive', level: 2 }).waitFor();

    await addUnit(t, 'text', 'Daily checks');
    await t.getByLabel('Text (Markdown)').fill('## Every morning\n\n- brakes\n- **horn**\n- forks\n');
    await t.getByLabel('Seconds of reading before it counts as done').fill('2');
    await saveUnit(t);
    await backToOutline(t);

    await addUnit(t, 'video', 'Driving in the aisles');
    await t.getByLabel('File', { exact: true }).setInputFiles(video);
    await saveUnit(t);
    assert.match(await t.locator('main').innerText(), /video\/webm/);
    assert.equal(await t.getByLabel(/Video length/).inputValue(), '4', 'the length is read from the file');
    await backToOutline(t);

    await addUnit(t, 'resource', 'Checklist to print');
    await t.getByLabel('File', { exact: true }).setInputFiles(resource);
    await saveUnit(t);
    await backToOutline(t);
    await shot(t, 'course-01-outline.png');

    // ---- the learner: catalog, enrol, read, watch, download ----
    const lctx = await newContext();
    const p = await lctx.newPage();
    await p.goto(`${base}/`);
    await signIn(p, LEARNER);
    await p.goto(`${base}/courses?q=forklift`);
    await p.getByRole('link', { name: TITLE }).waitFor();
    await shot(p, 'course-02-catalog.png');
    await p.getByRole('link', { name: TITLE }).click();
    await p.getByRole('heading', { name: 'Syllabus' }).waitFor();
    await p.getByRole('button', { name: 'Enrol' }).click();
    await p.getByRole('link', { name: 'Go to the course' }).click();

    await p.getByRole('heading', { name: 'Daily checks', level: 1 }).waitFor();
    assert.equal(await p.getByRole('heading', { name: 'Every morning' }).count(), 1, 'Markdown rendered');
    await p.mouse.move(200, 200);
    await p.waitForTimeout(3000);   // reading; leaving the page flushes the heartbeat
    await p.getByRole('link', { name: /Driving in the aisles/ }).last().click();

    await p.getByRole('heading', { name: 'Driving in the aisles', level: 1 }).waitFor();
    const v = p.locator('.player video');
    await v.evaluate((el) => new Promise((resolve, reject) => {
        el.muted = true;
        el.addEventListener('ended', () => setTimeout(resolve, 500), { once: true });
        el.addEventListener('error', () => reject(new Error('the video does not play')), { once: true });
        el.play().catch(reject);
    }));
    await shot(p, 'course-03-player.png');
    await p.reload();
    await p.locator('.outline li.current.done').waitFor({ timeout: 5000 }).catch(() => {
        throw new Error(`the watched video is not done; server log:\n${serverStderr().slice(-2000)}`);
    });
    assert.ok(await p.locator('.outline li.done', { hasText: 'Daily checks' }).count(), 'the text counted as read');

    await p.getByRole('link', { name: /Checklist to print/ }).last().click();
    const [download] = await Promise.all([p.waitForEvent('download'), p.getByRole('link', { name: 'Download' }).click()]);
    assert.equal(download.suggestedFilename(), 'forklift-checklist.txt');

    await p.goto(`${base}/`);
    const mine = p.locator('.my-courses li', { hasText: TITLE });
    await mine.getByText('Completed on').waitFor();
    await shot(p, 'course-04-progress.png');

    // ---- the trainer sees it ----
    const course = (await (await t.request.get(`${base}/api/v1/orgs/demo/courses`)).json()).items.find((c) => c.code === 'FORK-1');
    const run = (await (await t.request.get(`${base}/api/v1/courses/${course.id}`)).json()).runs[0].id;
    await t.goto(`${base}/o/demo/runs/${run}/progress`);
    const row = t.getByRole('row', { name: /François/ });
    await row.waitFor();
    assert.match(await row.innerText(), /3\/3/);
    await shot(t, 'course-05-trainer-progress.png');

    assert.deepEqual(env.consoleErrors, [], 'no console errors or CSP violations');
});
