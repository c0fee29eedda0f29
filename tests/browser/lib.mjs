// lib.mjs — what the browser tests share: a demo data directory, the real
// server on a free loopback port, headless Chromium with the project's flags,
// browser contexts that collect console errors (CSP violations included),
// screenshots in tests/browser/out/, and sign-in through the pages.
//
// Env: LECTERN_BIN (default build/lectern), LECTERN_TEST_TMP (default a fresh
// temp dir, removed afterwards).
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.LECTERN_BIN || path.resolve(HERE, '../../build/lectern');
export const OUT = path.join(HERE, 'out');
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export const env = { dataDir: null, base: null, browser: null, consoleErrors: [] };
let ownTmp = null, server = null, serverLog = '';

function startServer() {
    return new Promise((resolve, reject) => {
        const proc = spawn(BIN, ['serve', '--data', env.dataDir, '--listen', '127.0.0.1:0', '--access-log', 'off'],
                           { stdio: ['ignore', 'pipe', 'pipe'] });
        server = proc;
        let out = '';
        const timer = setTimeout(() => reject(new Error(`server not ready after 10 s:\n${out}${serverLog}`)), 10000);
        proc.stdout.setEncoding('utf8');
        proc.stderr.setEncoding('utf8');
        proc.stderr.on('data', (d) => { serverLog += d; });
        proc.stdout.on('data', (d) => {
            out += d;
            const m = out.match(/listening on (http:\/\/\S+)/);
            if (m) { clearTimeout(timer); resolve(m[1]); }
        });
        proc.on('error', (e) => { clearTimeout(timer); reject(e); });
        proc.on('exit', (code, sig) => {
            if (server === proc) server = null;
            clearTimeout(timer);
            reject(new Error(`server exited (${code ?? sig}) before listening:\n${out}${serverLog}`));
        });
    });
}

async function stopServer() {
    const proc = server;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    const t = setTimeout(() => { if (proc.exitCode === null) proc.kill('SIGKILL'); }, 10000);
    await exited;
    clearTimeout(t);
}

/** Demo data in a fresh directory, the server, and Chromium. */
export async function setUp(prefix) {
    fs.mkdirSync(OUT, { recursive: true });
    const tmpRoot = process.env.LECTERN_TEST_TMP;
    if (tmpRoot) env.dataDir = fs.mkdtempSync(path.join(tmpRoot, `browser-${prefix}-`));
    else env.dataDir = ownTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-browser-'));
    execFileSync(BIN, ['demo', '--data', env.dataDir], { stdio: 'pipe' });
    env.base = await startServer();
    env.browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
               '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
}

export async function tearDown() {
    if (env.browser) await env.browser.close().catch(() => {});
    await stopServer();
    if (ownTmp) fs.rmSync(ownTmp, { recursive: true, force: true });
}

/** The server's stderr so far (for failure messages). */
export const serverStderr = () => serverLog;

// A browser context whose pages report console errors (CSP violations are
// console errors in Chromium; a securitypolicyviolation listener makes sure
// of it) and uncaught exceptions into env.consoleErrors.
export async function newContext(viewport = DESKTOP, extra = {}) {
    const ctx = await env.browser.newContext({ viewport, locale: 'en-GB', ...extra });
    ctx.setDefaultTimeout(10000);
    await ctx.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
            console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
        });
    });
    ctx.on('page', watch);
    return ctx;
}

function watch(page) {
    page.on('console', (msg) => {
        if (msg.type() === 'error') env.consoleErrors.push(`${page.url()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => env.consoleErrors.push(`${page.url()}: uncaught ${err.message}`));
}

export async function shot(page, name) {
    await page.screenshot({ path: path.join(OUT, name), fullPage: true });
}

export function nav(page) {
    return page.getByRole('navigation', { name: 'Main' });
}

export async function signIn(page, who) {
    await nav(page).getByRole('link', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/signin/);
    await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
    await page.getByLabel('E-mail', { exact: true }).fill(who.email);
    await page.getByLabel('Password', { exact: true }).fill(who.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${env.base}/`);
}

export async function signOut(page) {
    await nav(page).getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${env.base}/`);
    await nav(page).getByRole('link', { name: 'Sign in', exact: true }).waitFor();
}

/**
 * A JSON API caller signed in as `who` (a session of its own, not the
 * browser's): api(method, path, body, type) → the parsed answer, asserting
 * a 2xx status.  api.cookie is the session cookie.
 */
export async function apiAs(who) {
    const res = await fetch(`${env.base}/api/v1/session`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who),
    });
    assert.equal(res.status, 201);
    const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const { csrf_token: csrf } = await res.json();
    const api = async (method, p, body, type = 'application/json') => {
        const r = await fetch(env.base + p, {
            method, headers: { cookie, 'x-csrf-token': csrf, 'content-type': type },
            body: body === undefined ? undefined : type === 'application/json' ? JSON.stringify(body) : body,
        });
        const text = await r.text();
        assert.ok(r.status < 300, `${method} ${p}: ${r.status} ${text}`);
        return JSON.parse(text);
    };
    api.cookie = cookie;
    return api;
}
