// forum.test.mjs — the run forum in headless Chromium (issue 5): a learner
// asks a question on a unit (the unit player's "Discuss this unit" link), another
// learner replies, the trainer endorses the reply and marks the question
// answered, and the asker gets the notification: on the notifications page
// and by e-mail (the .eml written in the data directory's mail folder, with
// its one-click unsubscribe link).  Screenshots go to tests/browser/out/.
// No console errors (CSP violations included) are allowed on any page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { env, setUp, tearDown, newContext, shot, signIn, nav, serverStderr } from './lib.mjs';

const ASKER = { email: 'francois@lectern.test', password: 'demo-learner-pass' };     // English
const HELPER = { email: 'elodie@lectern.test', password: 'demo-learner-pass' };      // French pages
const TRAINER = { email: 'trainer@lectern.test', password: 'demo-trainer-pass' };
const TITLE = 'Which gloves for chemicals?';

before(() => setUp('forum'));
after(tearDown);

/** The .eml files to `to` in the data directory's mail folder. */
function mailTo(to) {
    const dir = path.join(env.dataDir, 'mail');
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).sort()
        .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
        .filter((m) => new RegExp(`^To:.*${to.replace(/[.]/g, '\\.')}`, 'mi').test(m));
}

async function waitForMail(to, re, ms = 20000) {
    const end = Date.now() + ms;
    for (;;) {
        const m = mailTo(to).find((x) => re.test(x));
        if (m) return m;
        if (Date.now() > end) throw new Error(`no e-mail to ${to} matching ${re}\n${serverStderr()}`);
        await new Promise((r) => setTimeout(r, 200));
    }
}

test('a learner asks, another replies, the trainer endorses and marks answered, the asker is notified', { timeout: 120000 }, async () => {
    const base = env.base;
    // ---- the asker enrols and asks from the unit player ----
    const actx = await newContext();
    const a = await actx.newPage();
    await a.goto(`${base}/`);
    await signIn(a, ASKER);
    await a.goto(`${base}/courses/1`);
    await a.locator('form[action="/runs/1/enrol"] button').click();
    await a.goto(`${base}/runs/1/learn`);
    await a.getByRole('link', { name: 'Discuss this unit' }).click();
    await a.waitForURL(/\/runs\/1\/forum\?unit=\d+$/);
    await a.getByLabel('Kind').selectOption('question');
    await a.getByLabel('Title').fill(TITLE);
    await a.getByLabel('Message (Markdown)').fill('Handling **solvents** this week: which gloves do we wear?');
    await a.getByRole('button', { name: 'Post', exact: true }).click();
    await a.getByRole('heading', { name: TITLE, level: 1 }).waitFor();
    const threadUrl = a.url();
    assert.match(threadUrl, /\/runs\/1\/forum\/\d+$/);
    await a.locator('a[href^="/runs/1/units/"]').first().waitFor();     // the unit it is about
    await shot(a, 'forum-question.png');

    // ---- another learner replies (her pages are in French: language-neutral selectors) ----
    const hctx = await newContext();
    const h = await hctx.newPage();
    await h.goto(`${base}/`);
    await signIn(h, HELPER);
    await h.goto(`${base}/runs/1/forum`);
    await h.locator('tr.unread').getByRole('link', { name: TITLE }).click();
    await h.locator(`form[action$="/posts"]`).last().locator('textarea[name="body"]').fill('Nitrile gloves, I believe.');
    await h.locator(`form[action$="/posts"]`).last().locator('button[type="submit"]').click();
    await h.getByText('Nitrile gloves, I believe.').waitFor();

    // ---- the trainer endorses the reply and marks the question answered ----
    const tctx = await newContext();
    const t = await tctx.newPage();
    await t.goto(`${base}/`);
    await signIn(t, TRAINER);
    await t.goto(threadUrl);
    const reply = t.locator('article.post', { hasText: 'Nitrile gloves, I believe.' });
    await reply.getByRole('button', { name: 'Endorse' }).click();
    await t.locator('article.post.endorsed', { hasText: 'Nitrile gloves' }).waitFor();
    await t.getByRole('button', { name: 'Mark answered' }).click();
    await t.getByText('Answered on').waitFor();
    await shot(t, 'forum-answered.png');

    // ---- the asker is notified: on the site and by e-mail ----
    await a.goto(`${base}/courses`);
    await nav(a).getByRole('link', { name: 'Notifications (1)' }).click();     // the count in the site header
    await a.waitForURL(/\/notifications$/);
    const note = a.locator('li.unread', { hasText: TITLE });
    await note.waitFor();
    await shot(a, 'forum-notifications.png');
    const eml = await waitForMail(ASKER.email, /Nitrile gloves, I believe\./);
    assert.match(eml, /\/runs\/1\/forum\/\d+#post-\d+/);
    assert.match(eml, /\/forum\/unsubscribe\?u=\d+&t=[A-Za-z0-9_-]+/);
    await note.getByRole('link', { name: TITLE }).click();
    await a.locator('article.post.endorsed', { hasText: 'Nitrile gloves' }).waitFor();
    await a.locator('.badge.done').waitFor();
    await shot(a, 'forum-thread-endorsed.png');

    // the unsubscribe link works signed out
    const link = eml.match(/https?:\/\/\S*\/forum\/unsubscribe\?\S+/)[0];
    const anon = await (await newContext()).newPage();
    await anon.goto(link);
    await anon.getByRole('heading', { name: 'Unsubscribed', level: 1 }).waitFor();

    assert.deepEqual(env.consoleErrors, []);
});
