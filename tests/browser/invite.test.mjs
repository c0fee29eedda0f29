// invite.test.mjs — a person's path through invitations, in headless Chromium:
// the demo admin signs in, invites a trainer from "Manage people", the
// invitation e-mail (written to DATA/mail/*.eml without SMTP) gives the link,
// the invitee accepts it in a fresh browser, signs out, signs in again with the
// new password, and switches the interface to French.
//
// Env: LECTERN_BIN (default build/lectern), LECTERN_TEST_TMP (default a fresh
// temp dir, removed afterwards).  Screenshots go to tests/browser/out/.
// No console errors (which include CSP violations) are allowed on any page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { env, setUp, tearDown, newContext, shot, nav, signIn, signOut, PHONE } from './lib.mjs';

const ADMIN = { email: 'admin@lectern.test', password: 'demo-admin-pass' };
const NADIA = { email: 'nadia@lectern.test', password: 'nadia-pass-1234', name: 'Nadia Benoît-Élise' };
const ORG = 'Lectern Academy';
let base, dataDir;
const consoleErrors = env.consoleErrors;

// The invitation .eml addressed to `to`, once the mail sender has written it.
async function waitForMail(to, timeoutMs = 10000) {
    const dir = path.join(dataDir, 'mail');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).sort() : [];
        for (const f of files) {
            const text = fs.readFileSync(path.join(dir, f), 'utf8');
            if (text.includes(`To: <${to}>`)) return { file: f, text };
        }
        if (Date.now() > deadline) throw new Error(`no e-mail to ${to} in ${dir} after ${timeoutMs} ms (files: ${files.join(', ') || 'none'})`);
        await new Promise((r) => setTimeout(r, 100));
    }
}

function decodeSubject(raw) {
    return raw.replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_, b64) => Buffer.from(b64, 'base64').toString('utf8'));
}

before(async () => {
    await setUp('invite');
    base = env.base;
    dataDir = env.dataDir;
});

after(tearDown);

test('an admin invites a trainer who accepts, signs in again and switches to French', { timeout: 60000 }, async (t) => {
    // ---- the admin: sign in, Manage people, invite ----
    const adminCtx = await newContext();
    const page = await adminCtx.newPage();

    await page.goto(`${base}/`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    await shot(page, '01-home.png');

    await nav(page).getByRole('link', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/signin/);
    await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
    await shot(page, '02-signin.png');
    await page.getByLabel('E-mail', { exact: true }).fill(ADMIN.email);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${base}/`);

    const academy = page.getByRole('article').filter({ has: page.getByRole('heading', { name: ORG }) });
    await academy.getByRole('link', { name: 'Manage people' }).click();
    await page.waitForURL(/\/o\/[^/]+\/admin\/users$/);
    await page.getByRole('heading', { name: /People/, level: 1 }).waitFor();
    assert.ok(await page.getByRole('cell', { name: ADMIN.email }).isVisible(), 'the admin is listed as a member');
    await shot(page, '03-people.png');

    const invite = page.locator('form').filter({ has: page.getByRole('button', { name: 'Send the invitation' }) });
    await invite.getByLabel('E-mail', { exact: true }).fill(NADIA.email);
    await invite.getByLabel('Role', { exact: true }).selectOption('trainer');
    await invite.getByRole('button', { name: 'Send the invitation' }).click();
    await page.waitForURL(/\/o\/[^/]+\/admin\/users$/);
    await page.getByRole('status').filter({ hasText: 'The invitation is on its way.' }).waitFor();
    await shot(page, '04-invited.png');

    // ---- the e-mail ----
    const mail = await waitForMail(NADIA.email);
    const [head, body] = mail.text.split('\r\n\r\n', 2);
    const subject = decodeSubject((head.match(/^Subject: (.*)$/m) || [])[1] || '');
    assert.match(subject, new RegExp(ORG), `subject of ${mail.file}`);
    assert.match(body, new RegExp(ORG), `body of ${mail.file}`);
    const link = body.match(/(https?:\/\/[^\s/]+)(\/invite\/[A-Za-z0-9_-]+)/);
    assert.ok(link, `an /invite/ link in ${mail.file}:\n${body}`);
    const invitePath = link[2];
    if (link[1] !== base)
        t.diagnostic(`the e-mail links to ${link[1]}, the server is at ${base}; following the path on the server`);

    await signOut(page);
    await adminCtx.close();

    // ---- the invitee, in a fresh browser ----
    const nadiaCtx = await newContext();
    const p2 = await nadiaCtx.newPage();
    await p2.goto(`${base}${invitePath}`);
    await p2.getByRole('heading', { name: 'Invitation', level: 1 }).waitFor();
    assert.match(await p2.locator('main').innerText(), new RegExp(`${ORG}[\\s\\S]*${NADIA.email}`));
    await p2.getByLabel('Full name').fill(NADIA.name);
    await p2.getByLabel(/^Password/).fill(NADIA.password);
    await shot(p2, '05-invitation.png');
    await p2.getByRole('button', { name: 'Accept the invitation' }).click();

    await p2.waitForURL(/\/o\/[^/]+$/);
    await p2.getByRole('heading', { name: ORG, level: 1 }).waitFor();
    await p2.getByRole('status').filter({ hasText: 'Welcome! You are now a member.' }).waitFor();
    assert.match(await p2.locator('main').innerText(), /Your role:\s*trainer/i);
    assert.equal(await p2.getByRole('link', { name: 'Manage people' }).count(), 0, 'a trainer does not manage people');
    await shot(p2, '06-member.png');

    // ---- sign out, sign in again with the new password ----
    await signOut(p2);
    await signIn(p2, NADIA);
    await p2.getByRole('heading', { name: `Welcome, ${NADIA.name}`, level: 1 }).waitFor();
    const card = p2.getByRole('article').filter({ has: p2.getByRole('heading', { name: ORG }) });
    await card.getByRole('link', { name: ORG }).waitFor();
    assert.match(await card.innerText(), /trainer/i);

    // ---- the language button in the header ----
    await nav(p2).getByRole('button', { name: 'Français' }).click();
    await p2.getByRole('heading', { name: `Bienvenue, ${NADIA.name}`, level: 1 }).waitFor();
    assert.equal(await p2.locator('html').getAttribute('lang'), 'fr');
    await nav(p2).getByRole('link', { name: 'Accueil', exact: true }).waitFor();
    await nav(p2).getByRole('button', { name: 'English' }).waitFor();
    assert.match(await card.innerText(), /formateur/i);
    await shot(p2, '07-french.png');
    // Signed out, the language cookie still says French.
    await nav(p2).getByRole('button', { name: 'Se déconnecter' }).click();
    await nav(p2).getByRole('link', { name: 'Se connecter', exact: true }).waitFor();
    assert.equal(await p2.locator('html').getAttribute('lang'), 'fr');
    await nadiaCtx.close();

    // ---- the sign-in page on a phone ----
    const phoneCtx = await newContext(PHONE, { isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const p3 = await phoneCtx.newPage();
    await p3.goto(`${base}/signin`);
    await p3.getByLabel('E-mail', { exact: true }).waitFor();
    await p3.getByLabel('Password', { exact: true }).waitFor();
    await shot(p3, '08-signin-phone.png');
    await phoneCtx.close();

    assert.deepEqual(consoleErrors, [], 'no console errors or CSP violations');
});
