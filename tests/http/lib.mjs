// lib.mjs — helpers for the black-box HTTP tests: start and stop the real
// binary in a fresh data directory, a small cookie-jar client, sign-in
// helpers (form and API), CSRF tokens from pages, e-mails written as .eml
// files, and raw socket requests.
//
// Environment (set by scripts/test.sh):
//   LECTERN_BIN       path of build/lectern (default: build/lectern here)
//   LECTERN_TEST_PG   a PostgreSQL URL, or empty
//   LECTERN_TEST_TMP  a temporary directory (default: the system's)

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = path.dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.LECTERN_BIN || path.resolve(here, '../../build/lectern');
export const PG_URL = process.env.LECTERN_TEST_PG || '';
const TMP_ROOT = process.env.LECTERN_TEST_TMP || os.tmpdir();

export const DEMO = {
  admin: { email: 'admin@lectern.test', password: 'demo-admin-pass' },
  trainer: { email: 'trainer@lectern.test', password: 'demo-trainer-pass' },
  elodie: { email: 'elodie@lectern.test', password: 'demo-learner-pass' },
  francois: { email: 'francois@lectern.test', password: 'demo-learner-pass' },
};

export const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

/* ---------------------------------------------------------------------
 * The command line
 * ------------------------------------------------------------------- */

const madeDirs = [];

/** A fresh directory under LECTERN_TEST_TMP (removed at exit unless LECTERN_KEEP_TMP is set). */
export function tmpDir(prefix = 'http') {
  fs.mkdirSync(TMP_ROOT, { recursive: true });
  const d = fs.mkdtempSync(path.join(TMP_ROOT, `lectern-${prefix}-`));
  madeDirs.push(d);
  return d;
}

/** Storage options for the CLI: {data} (SQLite in it) and/or {db} (URL). */
function storeArgs(store) {
  const a = [];
  if (store.data) a.push('--data', store.data);
  if (store.db) a.push('--db', store.db);
  return a;
}

/** Run `lectern ARGS...`; returns stdout, throws with stderr on failure. */
export function lectern(args, { input } = {}) {
  try {
    return execFileSync(BIN, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'], timeout: 30000 });
  } catch (e) {
    throw new Error(`lectern ${args.join(' ')} failed (status ${e.status}): ${e.stderr || e.message}`);
  }
}

/** Run with {data}/{db}: lectern CMD... --data DIR. */
export function cli(store, ...args) {
  return lectern([...args, ...storeArgs(store)]);
}

/** A new data directory with the demo data (SQLite). */
export function demoDataDir(prefix = 'demo') {
  const data = tmpDir(prefix);
  cli({ data }, 'demo');
  return data;
}

/**
 * A store with the demo data for one test file: on PostgreSQL when
 * LECTERN_HTTP_PG=1 and LECTERN_TEST_PG is set — a database of its own,
 * lectern_<name>, made afresh, so files running in parallel never share one —
 * else SQLite in a new data directory.  Returns {data, db?}.
 */
export function demoStore(name) {
  if (process.env.LECTERN_HTTP_PG !== '1' || !PG_URL) return { data: demoDataDir(name) };
  const admin = new URL(PG_URL);
  const db = `lectern_${name.replace(/[^a-z0-9_]/g, '_')}`;
  execFileSync('psql', [PG_URL, '-qc', `DROP DATABASE IF EXISTS ${db}`], { stdio: 'ignore' });
  execFileSync('psql', [PG_URL, '-qc', `CREATE DATABASE ${db}`], { stdio: 'ignore' });
  admin.pathname = `/${db}`;
  const store = { db: admin.toString(), data: tmpDir(name) };
  cli(store, 'demo');
  return store;
}

/** The route table: [{method, path, access:[...]}]. */
export function routeTable() {
  return JSON.parse(lectern(['routes']));
}

/* ---------------------------------------------------------------------
 * Servers
 * ------------------------------------------------------------------- */

const live = new Set();
// Last resort when a test file dies without its after() hook: no server
// outlives the test process.  Only PIDs we started.
process.on('exit', () => {
  for (const s of live) {
    if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill('SIGKILL');
  }
  if (!process.env.LECTERN_KEEP_TMP) {
    for (const d of madeDirs) {
      try { fs.rmSync(d, { recursive: true, force: true }); } catch { /* a killed server may still write */ }
    }
  }
});

/**
 * Start `lectern serve` and wait for "listening on http://HOST:PORT".
 * opts: {data, db, args: [...extra], env, timeoutMs}
 * Returns {url, port, data, db, pid, proc, stderr(), stop(), kill()}.
 */
export async function startServer(opts = {}) {
  const data = opts.data || tmpDir('serve');
  const args = ['serve', '--listen', '127.0.0.1:0', '--access-log', 'off', '--threads', '4',
    ...storeArgs({ data, db: opts.db }), ...(opts.args || [])];
  const proc = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...(opts.env || {}) } });
  let out = '', err = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => { err += d; if (err.length > 200000) err = err.slice(-100000); });
  const exited = new Promise((res) => proc.on('exit', (code, signal) => res({ code, signal })));
  const server = {
    data, db: opts.db, pid: proc.pid, proc, exited, url: null, port: 0,
    stderr: () => err,
    stopped: false,
    /** SIGTERM and wait for the exit; returns {code, signal}. */
    async stop(timeoutMs = 15000) {
      if (server.stopped) return server.exitStatus;
      server.stopped = true;
      const running = () => proc.exitCode === null && proc.signalCode === null;
      if (running()) proc.kill('SIGTERM');
      const t = setTimeout(() => { if (running()) proc.kill('SIGKILL'); }, timeoutMs);
      server.exitStatus = await exited;
      clearTimeout(t);
      live.delete(server);
      return server.exitStatus;
    },
  };
  live.add(server);
  const ready = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), opts.timeoutMs || 15000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[0-9.]+:(\d+))/);
      if (m) { clearTimeout(timer); resolve(m); }
    });
    exited.then(() => { clearTimeout(timer); resolve(null); });
  });
  if (!ready) {
    await server.stop();
    throw new Error(`lectern serve did not start: ${out}\n${err}`);
  }
  server.url = ready[1];
  server.port = Number(ready[2]);
  return server;
}

/** Stop every server given (ignoring undefined); for after() hooks. */
export async function stopAll(...servers) {
  for (const s of servers.flat()) if (s) await s.stop();
}

/* ---------------------------------------------------------------------
 * A client with a cookie jar
 * ------------------------------------------------------------------- */

/** Parse one Set-Cookie header into {name, value, attrs:{lower-case: value|true}}. */
export function parseSetCookie(h) {
  const parts = h.split(';').map((s) => s.trim());
  const [nv, ...rest] = parts;
  const eq = nv.indexOf('=');
  const attrs = {};
  for (const a of rest) {
    const i = a.indexOf('=');
    if (i < 0) attrs[a.toLowerCase()] = true;
    else attrs[a.slice(0, i).toLowerCase()] = a.slice(i + 1);
  }
  return { name: nv.slice(0, eq), value: nv.slice(eq + 1), attrs };
}

export class Client {
  constructor(base, { bearer } = {}) {
    this.base = typeof base === 'string' ? base : base.url;
    this.jar = new Map();
    this.bearer = bearer || null;
    this.csrf = null;        // X-CSRF-Token of an API cookie session
  }

  cookieHeader() {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** The same cookies and bearer against another server (scale tests). */
  cloneFor(base) {
    const c = new Client(base, { bearer: this.bearer });
    c.jar = new Map(this.jar);
    c.csrf = this.csrf;
    return c;
  }

  storeCookies(res) {
    for (const h of res.headers.getSetCookie()) {
      const c = parseSetCookie(h);
      if (c.attrs['max-age'] === '0' || c.value === '') this.jar.delete(c.name);
      else this.jar.set(c.name, c.value);
    }
  }

  /**
   * One request; never follows redirects.
   *   opts.form     object → application/x-www-form-urlencoded
   *   opts.json     value → application/json
   *   opts.body     raw body (string or Buffer) with opts.headers
   *   opts.headers  extra headers
   *   opts.csrf     true → X-CSRF-Token from this.csrf
   *   opts.noCookies, opts.noBearer
   * Returns the Response with .text (body) and .json() already read.
   */
  async req(method, p, opts = {}) {
    const headers = { ...(opts.headers || {}) };
    let body = opts.body;
    if (opts.form) {
      body = new URLSearchParams(opts.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['content-type'] = 'application/json';
    }
    if (!opts.noCookies && this.jar.size) headers.cookie = this.cookieHeader();
    if (!opts.noBearer && this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    if (opts.csrf && this.csrf) headers['x-csrf-token'] = this.csrf;
    const res = await fetch(this.base + p, { method, headers, body, redirect: 'manual' });
    this.storeCookies(res);
    const text = await res.text();
    return wrap(res, text);
  }

  get(p, opts) { return this.req('GET', p, opts); }
  post(p, opts) { return this.req('POST', p, opts); }

  /** GET a page and return the CSRF token of its first form. */
  async pageCsrf(p = '/signin') {
    const res = await this.get(p);
    const tok = csrfFrom(res.text);
    assert.ok(tok, `no _csrf field on ${p} (status ${res.status})`);
    return tok;
  }

  /** POST a form carrying the CSRF token of page `from` (default: the same path). */
  async postForm(p, form, { from, headers } = {}) {
    const tok = await this.pageCsrf(from || p);
    return this.post(p, { form: { _csrf: tok, ...form }, headers });
  }

  /** JSON API call; cookie sessions send X-CSRF-Token automatically. */
  api(method, p, json, opts = {}) {
    return this.req(method, p, { json, csrf: true, ...opts });
  }
}

function wrap(res, text) {
  return {
    status: res.status,
    headers: res.headers,
    text,
    location: res.headers.get('location'),
    json() {
      try { return JSON.parse(text); } catch { throw new Error(`not JSON (status ${res.status}): ${text.slice(0, 300)}`); }
    },
  };
}

/** The value of the first `name="_csrf" value="..."` in a page. */
export function csrfFrom(html) {
  const m = html.match(/name="_csrf" value="([^"]*)"/);
  return m ? m[1] : null;
}

/** Every `name="_csrf" value="..."` in a page. */
export function allCsrf(html) {
  return [...html.matchAll(/name="_csrf" value="([^"]*)"/g)].map((m) => m[1]);
}

/** Undo the HTML escaping of hprintf (for values read back from pages). */
export function unescapeHtml(s) {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** Sign in through the form: GET /signin for the CSRF token, POST it. */
export async function signinForm(server, email, password, { expect = 303 } = {}) {
  const c = new Client(server);
  const res = await c.postForm('/signin', { email, password, next: '/' });
  assert.equal(res.status, expect, `form sign-in of ${email}: ${res.status} ${res.text.slice(0, 200)}`);
  return c;
}

/** Sign in through POST /api/v1/session; the client keeps csrf_token. */
export async function signinApi(server, email, password) {
  const c = new Client(server);
  const res = await c.req('POST', '/api/v1/session', { json: { email, password } });
  assert.equal(res.status, 201, `API sign-in of ${email}: ${res.status} ${res.text.slice(0, 200)}`);
  const j = res.json();
  assert.ok(j.csrf_token, 'csrf_token in the answer of POST /api/v1/session');
  c.csrf = j.csrf_token;
  c.me = j;
  return c;
}

/** Assert the error shape {"error":{"code","message"}} and return it. */
export function apiError(res, status, code) {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text.slice(0, 300)}`);
  assert.match(res.headers.get('content-type') || '', /^application\/json/);
  const j = res.json();
  assert.equal(typeof j.error, 'object', `error object in ${res.text}`);
  assert.equal(typeof j.error.code, 'string');
  assert.equal(typeof j.error.message, 'string');
  assert.ok(j.error.message.length > 0, 'a message a person can act on');
  if (code) assert.equal(j.error.code, code, `error code in ${res.text}`);
  return j.error;
}

/* ---------------------------------------------------------------------
 * Mail written as DATA/mail/NNNNNN.eml
 * ------------------------------------------------------------------- */

function decodeHeader(v) {
  return v.replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_, b) => Buffer.from(b, 'base64').toString('utf8'));
}

/** Parse an .eml file: {file, headers (lower-case names), to, subject, body}. */
export function readEml(file) {
  const raw = fs.readFileSync(file, 'utf8');
  const sep = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, sep), body = raw.slice(sep + 4);
  const headers = {};
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  const to = (headers.to || '').replace(/^<|>$/g, '');
  return { file, headers, to, subject: decodeHeader(headers.subject || ''), body };
}

/** All .eml files so far, in order. */
export function listMail(data) {
  const dir = path.join(data, 'mail');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().map((f) => readEml(path.join(dir, f)));
}

/**
 * Wait (polling) for an e-mail to `to` (and matching `match`, a RegExp on
 * the body) that is not among `seen` files; default timeout 8 s (the sender
 * polls every second).
 */
export async function waitForMail(data, to, { match, seen = new Set(), timeoutMs = 8000 } = {}) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    for (const m of listMail(data)) {
      if (seen.has(m.file) || m.to !== to.toLowerCase()) continue;
      if (match && !match.test(m.body)) continue;
      seen.add(m.file);
      return m;
    }
    if (Date.now() > end) throw new Error(`no e-mail to ${to} within ${timeoutMs} ms (have: ${listMail(data).map((m) => m.to).join(', ')})`);
    await sleep(100);
  }
}

/** The first http(s) link in a mail body containing `pathPart`. */
export function linkIn(mail, pathPart) {
  const m = mail.body.match(new RegExp(`https?://[^\\s]*${pathPart.replace(/[/?]/g, '\\$&')}[^\\s]*`));
  assert.ok(m, `a link with ${pathPart} in the e-mail:\n${mail.body}`);
  return new URL(m[0]);
}

/* ---------------------------------------------------------------------
 * Raw sockets and the plain http module (no fetch conveniences)
 * ------------------------------------------------------------------- */

/**
 * Send bytes on a fresh connection and collect the answer.  Resolves once a
 * whole response has arrived (then waits graceMs to see whether the server
 * closes the connection), when the server closes, or after timeoutMs.
 * Returns {text, status, closed, error}.
 */
export function rawRequest(port, data, { timeoutMs = 3000, graceMs = 250, halfClose = false } = {}) {
  return new Promise((resolve) => {
    const chunks = [];
    let closed = false, error = null, done = false, grace = null;
    const sock = net.connect(port, '127.0.0.1');
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(grace);
      sock.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const m = text.match(/^HTTP\/1\.[01] (\d{3})/);
      resolve({ text, status: m ? Number(m[1]) : 0, closed, error });
    };
    const timer = setTimeout(finish, timeoutMs);
    sock.on('connect', () => {
      for (const d of [].concat(data)) sock.write(d);
      if (halfClose) sock.end();
    });
    sock.on('data', (d) => {
      chunks.push(d);
      const p = parseRaw(Buffer.concat(chunks).toString('latin1'));
      const len = Number(p.headers['content-length']);
      if (!grace && p.status && Number.isFinite(len) && Buffer.byteLength(p.body, 'latin1') >= len)
        grace = setTimeout(finish, graceMs);
    });
    sock.on('end', () => { closed = true; finish(); });
    sock.on('close', () => { closed = true; finish(); });
    sock.on('error', (e) => { error = e; closed = true; finish(); });
  });
}

/** A request through node:http: no automatic decompression or headers. */
export function plainRequest(server, method, p, headers = {}, body, { localAddress } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method, path: p, headers, agent: false, localAddress }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => {
        const b = Buffer.concat(chunks);
        resolve({ status: res.statusCode, headers: res.headers, body: b, text: b.toString('utf8'), json: () => JSON.parse(b.toString('utf8')) });
      });
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

/** Metrics as {text, value(name, labels?)} from GET /metrics. */
export async function metrics(server) {
  const res = await fetch(server.url + '/metrics');
  assert.equal(res.status, 200);
  const text = await res.text();
  return {
    text,
    value(name, labels) {
      let total = 0, found = false;
      for (const line of text.split('\n')) {
        if (line.startsWith('#')) continue;
        const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)$/);
        if (!m || m[1] !== name) continue;
        if (labels && !Object.entries(labels).every(([k, v]) => (m[2] || '').includes(`${k}="${v}"`))) continue;
        total += Number(m[3]);
        found = true;
      }
      return found ? total : undefined;
    },
  };
}

/** A random suffix for unique names. */
export function uniq() {
  return Math.random().toString(36).slice(2, 10);
}

/**
 * A multipart/form-data body built by hand (exact bytes, e.g. invalid
 * UTF-8).  parts: [{name, value: string|Buffer, filename?, type?}].
 * Returns {body: Buffer, headers: {'content-type'}}.
 */
export function multipart(parts) {
  const boundary = `----lectern-test-${uniq()}${uniq()}`;
  const chunks = [];
  for (const p of parts) {
    let h = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
    if (p.filename !== undefined) h += `; filename="${p.filename}"`;
    h += '\r\n';
    if (p.type) h += `Content-Type: ${p.type}\r\n`;
    chunks.push(Buffer.from(h + '\r\n', 'utf8'), Buffer.isBuffer(p.value) ? p.value : Buffer.from(String(p.value), 'utf8'), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Rows of the first HTML table body: arrays of cell texts (tags stripped, unescaped). */
export function tableRows(html) {
  const tbody = html.match(/<tbody>([\s\S]*?)<\/tbody>/);
  if (!tbody) return [];
  return [...tbody[1].matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((tr) =>
    [...tr[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((td) => unescapeHtml(td[1].replace(/<[^>]*>/g, '').trim())));
}

/** Split a raw HTTP/1.1 response: {status, headers (lower-case), body}. */
export function parseRaw(text) {
  const i = text.indexOf('\r\n\r\n');
  const head = i < 0 ? text : text.slice(0, i);
  const lines = head.split('\r\n');
  const m = (lines[0] || '').match(/^HTTP\/1\.[01] (\d{3})/);
  const headers = {};
  for (const l of lines.slice(1)) {
    const k = l.indexOf(':');
    if (k > 0) headers[l.slice(0, k).toLowerCase()] = l.slice(k + 1).trim();
  }
  return { status: m ? Number(m[1]) : 0, headers, body: i < 0 ? '' : text.slice(i + 4) };
}

/**
 * A request whose body the server may refuse before reading it: send the
 * head, wait for an answer; only if none comes within waitMs, send the
 * body.  Returns parseRaw() of the answer plus {bodySent}.
 */
export function sendHeadFirst(port, head, body, { waitMs = 1500, timeoutMs = 10000 } = {}) {
  return new Promise((resolve) => {
    const chunks = [];
    let bodySent = false, done = false;
    const sock = net.connect(port, '127.0.0.1');
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(t1); clearTimeout(t2);
      sock.destroy();
      resolve({ ...parseRaw(Buffer.concat(chunks).toString('utf8')), bodySent });
    };
    const t2 = setTimeout(finish, timeoutMs);
    let t1;
    sock.on('connect', () => {
      sock.write(head);
      t1 = setTimeout(() => { if (!chunks.length) { bodySent = true; sock.write(body, () => {}); } }, waitMs);
    });
    sock.on('data', (d) => {
      chunks.push(d);
      const p = parseRaw(Buffer.concat(chunks).toString('utf8'));
      const len = Number(p.headers['content-length']);
      if (p.status && Number.isFinite(len) && Buffer.byteLength(p.body) >= len) finish();
    });
    sock.on('error', () => finish());
    sock.on('close', () => finish());
  });
}

/**
 * The cast of the attendance suites: a demo store (`name`) with an outsider
 * learner and an auditor in demo, an admin of another organisation, the
 * server, everyone signed in through the API, and a published course
 * (`code`, `title`) with a corporate run where Élodie and François are
 * enrolled.  Returns { store, srv, admin, trainer, elodie, francois,
 * outsider, auditor, otherAdmin, courseId, runId }.
 */
export async function attendanceCast(name, code, title) {
  const store = demoStore(name);
  cli(store, 'user', 'add', 'outsider@lectern.test', 'Olive Outsider', '--password', 'outsider-pass', '--org', 'demo', '--role', 'learner');
  cli(store, 'user', 'add', 'audit@lectern.test', 'Aude Auditrice', '--password', 'auditor-pass', '--org', 'demo', '--role', 'auditor');
  cli(store, 'org', 'add', 'other', 'Other');
  cli(store, 'user', 'add', 'boss@other.test', 'Other Boss', '--password', 'other-boss-pass', '--org', 'other', '--role', 'admin');
  const srv = await startServer(store);
  const c = { store, srv };
  c.admin = await signinApi(srv, DEMO.admin.email, DEMO.admin.password);
  c.trainer = await signinApi(srv, DEMO.trainer.email, DEMO.trainer.password);
  c.elodie = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  c.francois = await signinApi(srv, DEMO.francois.email, DEMO.francois.password);
  c.outsider = await signinApi(srv, 'outsider@lectern.test', 'outsider-pass');
  c.auditor = await signinApi(srv, 'audit@lectern.test', 'auditor-pass');
  c.otherAdmin = await signinApi(srv, 'boss@other.test', 'other-boss-pass');
  const course = await c.trainer.api('POST', '/api/v1/orgs/demo/courses', { code: `${code}-${uniq()}`, title, published: true });
  assert.equal(course.status, 201, course.text);
  c.courseId = course.json().id;
  const run = await c.trainer.api('POST', `/api/v1/orgs/demo/courses/${c.courseId}/runs`, { title: 'Mars', visibility: 'corporate' });
  assert.equal(run.status, 201, run.text);
  c.runId = run.json().id;
  const enrol = await c.trainer.req('POST', `/api/v1/orgs/demo/runs/${c.runId}/enrolments/import?apply=1`,
    { body: `${DEMO.elodie.email}\n${DEMO.francois.email}\n`, headers: { 'content-type': 'text/csv' }, csrf: true });
  assert.equal(enrol.status, 201, enrol.text);
  return c;
}
