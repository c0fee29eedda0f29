// ops.test.mjs — probes, metrics, graceful shutdown, restarts, access log,
// start-up errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  BIN, DEMO, Client, demoDataDir, tmpDir, startServer, stopAll, signinApi, apiError, metrics, listMail,
  waitForMail, linkIn, sleep, uniq, parseRaw,
} from './lib.mjs';

let srv, data;
const extra = [];

before(async () => {
  data = demoDataDir('ops');
  srv = await startServer({ data });
});

after(async () => { await stopAll(srv, extra); });

test('/healthz and /readyz', async () => {
  const h = await fetch(srv.url + '/healthz');
  assert.equal(h.status, 200);
  assert.match(h.headers.get('content-type'), /^text\/plain/);
  assert.equal(await h.text(), 'ok\n');
  const r = await fetch(srv.url + '/readyz');
  assert.equal(r.status, 200);
  assert.match(await r.text(), /ready/);
  const head = await fetch(srv.url + '/healthz', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
  assert.equal(head.headers.get('content-length'), '3');
  assert.equal((await fetch(srv.url + '/healthz', { method: 'POST' })).status, 405);
  // built once, then sent again by reference: the same answer every time, on any thread, and counted
  const before = Number(((await (await fetch(srv.url + '/metrics')).text())
    .match(/^lectern_http_requests_total\{route="\/healthz",status="200"\} (\d+)$/m) || [0, 0])[1]);
  const again = await Promise.all(Array.from({ length: 20 }, () => fetch(srv.url + '/healthz')));
  for (const a of again) {
    assert.equal(a.status, 200);
    assert.match(a.headers.get('content-type'), /^text\/plain/);
    assert.equal(a.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(await a.text(), 'ok\n');
  }
  const after = Number((await (await fetch(srv.url + '/metrics')).text())
    .match(/^lectern_http_requests_total\{route="\/healthz",status="200"\} (\d+)$/m)[1]);
  assert.equal(after - before, 20);
});

const LINE = /^(#.*|[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf))$/;

test('/metrics: Prometheus text with requests by route and status, latency histogram, pool and writer', async () => {
  const c = new Client(srv);
  await c.get('/signin');
  await c.get('/signin');
  await c.get('/o/demo');
  await c.get('/no-such-page');
  const u = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  const before = (await metrics(srv)).value('lectern_writer_jobs_total');
  assert.equal((await u.api('POST', '/api/v1/orgs/demo/events', { verb: 'x', object: 'y' })).status, 201);
  const res = await fetch(srv.url + '/metrics');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const m = await metrics(srv);
  const lines = m.text.split('\n').filter((l) => l);
  for (const l of lines) assert.match(l, LINE, `exposition format: ${l}`);
  assert.match(m.text, /# TYPE lectern_http_requests_total counter/);
  assert.ok(m.value('lectern_http_requests_total', { route: '/signin', status: '200' }) >= 2);
  assert.ok(m.value('lectern_http_requests_total', { route: '/o/{org}', status: '200' }) >= 1, 'labelled by route pattern, not by path');
  assert.ok(m.value('lectern_http_requests_total', { route: '/api/v1/session', status: '201' }) >= 1);
  assert.ok(m.value('lectern_http_requests_total', { route: '/api/v1/orgs/{org}/events', status: '201' }) >= 1);
  assert.ok(m.value('lectern_http_requests_total', { route: '', status: '404' }) >= 1, 'unrouted requests counted too');
  assert.doesNotMatch(m.text, /route="\/o\/demo"/, 'no concrete paths as labels');
  // histogram
  assert.match(m.text, /# TYPE lectern_http_request_duration_seconds histogram/);
  const buckets = [...m.text.matchAll(/^lectern_http_request_duration_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)].map((x) => [x[1], Number(x[2])]);
  assert.ok(buckets.length >= 5);
  for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i][1] >= buckets[i - 1][1], 'cumulative buckets');
  assert.equal(buckets[buckets.length - 1][0], '+Inf');
  const count = m.value('lectern_http_request_duration_seconds_count');
  assert.equal(buckets[buckets.length - 1][1], count);
  assert.ok(count >= 7);
  assert.ok(m.value('lectern_http_request_duration_seconds_sum') > 0);
  // pool, writer, in flight
  assert.ok(m.value('lectern_db_pool_size') >= 1);
  assert.ok(m.value('lectern_db_pool_in_use') >= 0);
  assert.ok(m.value('lectern_db_pool_waits_total') >= 0);
  assert.ok(m.value('lectern_writer_queue') >= 0);
  assert.equal(m.value('lectern_writer_jobs_total'), before + 1);
  assert.ok(m.value('lectern_writer_batches_total') >= 1);
  assert.equal(m.value('lectern_writer_failed_batches_total'), 0);
  assert.ok(m.value('lectern_http_in_flight') >= 1, 'the /metrics request itself is in flight');
});

test('SIGTERM: an in-flight request (deferred write) finishes, then exit status 0', async () => {
  const d = demoDataDir('sigterm');
  const s = await startServer({ data: d });
  extra.push(s);
  const token = spawnSync(BIN, ['token', 'create', '--org', 'demo', '--user', DEMO.elodie.email, '--role', 'learner', '--data', d], { encoding: 'utf8' }).stdout.trim();
  const body = JSON.stringify({ verb: 'completed', object: `lecture:${uniq()}` });
  const half = Math.floor(body.length / 2);
  // a request whose body is still arriving when the signal comes
  const sock = net.connect(s.port, '127.0.0.1');
  await new Promise((res) => sock.on('connect', res));
  const chunks = [];
  sock.on('data', (x) => chunks.push(x));
  const closed = new Promise((res) => sock.on('close', res));
  sock.write(`POST /api/v1/orgs/demo/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n`
    + `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, half)}`);
  // wait until the server counts it in flight (besides the /metrics request)
  for (let i = 0; i < 100 && (await metrics(s)).value('lectern_http_in_flight') < 2; i++) await sleep(50);
  s.proc.kill('SIGTERM');
  await sleep(400);
  const alive = await Promise.race([s.exited.then(() => false), sleep(10).then(() => true)]);
  assert.ok(alive, 'still draining while a request is in flight');
  sock.write(body.slice(half));
  await Promise.race([closed, sleep(5000)]);
  const resp = parseRaw(Buffer.concat(chunks).toString('utf8'));
  assert.equal(resp.status, 201, `the in-flight request was answered: ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`);
  assert.ok(JSON.parse(resp.body).id > 0);
  sock.destroy();
  const st = await s.stop();
  assert.deepEqual(st, { code: 0, signal: null }, 'exit status 0');
  assert.match(s.stderr(), /stopped cleanly/);
  // the event was committed: the next id after a restart is larger
  const s2 = await startServer({ data: d });
  extra.push(s2);
  const again = await new Client(s2, { bearer: token }).req('POST', '/api/v1/orgs/demo/events', { json: { verb: 'x', object: 'y' } });
  assert.equal(again.status, 201);
  assert.ok(again.json().id > JSON.parse(resp.body).id);
  assert.deepEqual(await s2.stop(), { code: 0, signal: null });
});

test('SIGTERM: while draining, new connections are refused at once, not left hanging', async () => {
  const s = await startServer({ data: tmpDir('quiesce') });
  extra.push(s);
  // hold a request open so that the server has to drain
  const sock = net.connect(s.port, '127.0.0.1');
  await new Promise((res) => sock.on('connect', res));
  sock.write('POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{');
  for (let i = 0; i < 100 && (await metrics(s)).value('lectern_http_in_flight') < 2; i++) await sleep(50);
  s.proc.kill('SIGTERM');
  await sleep(400);
  const probe = await new Promise((res) => {
    const p = net.connect(s.port, '127.0.0.1');
    let answer = '';
    const t = setTimeout(() => { p.destroy(); res(`connection accepted, no answer within 2 s`); }, 2000);
    p.on('connect', () => p.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'));
    p.on('data', (x) => { answer += x; });
    p.on('close', () => { clearTimeout(t); res(answer ? `answered ${answer.split('\r\n')[0]}` : 'closed'); });
    p.on('error', (e) => { clearTimeout(t); res(e.code); });
  });
  sock.destroy();
  assert.deepEqual(await s.stop(), { code: 0, signal: null });
  assert.ok(['ECONNREFUSED', 'ECONNRESET', 'closed'].includes(probe) || /^answered HTTP\/1\.1 503/.test(probe),
    `a client arriving during the drain: ${probe}`);
});

test('SIGTERM with idle keep-alive connections and SIGINT: a prompt, clean exit', async () => {
  const s = await startServer({ data: tmpDir('idle') });
  extra.push(s);
  const sock = net.connect(s.port, '127.0.0.1');
  await new Promise((res) => sock.on('connect', res));
  sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  await sleep(200);
  const t0 = Date.now();
  const st = await s.stop();
  assert.deepEqual(st, { code: 0, signal: null });
  assert.ok(Date.now() - t0 < 5000, `exit took ${Date.now() - t0} ms`);
  sock.destroy();
  const s2 = await startServer({ data: tmpDir('sigint') });
  extra.push(s2);
  s2.proc.kill('SIGINT');
  assert.deepEqual(await s2.exited, { code: 0, signal: null });
  s2.stopped = true;
});

test('data survives a restart: accounts, sessions, CSRF tokens, tokens, organisations, profile', async () => {
  const d = demoDataDir('restart');
  let s = await startServer({ data: d });
  extra.push(s);
  const email = `survivor-${uniq()}@example.org`;
  const c = new Client(s);
  const su = await c.req('POST', '/api/v1/orgs/demo/signup', { json: { email, name: 'Survivor', password: 'survivor-pass' } });
  assert.equal(su.status, 201);
  c.csrf = su.json().csrf_token;
  assert.equal((await c.api('PATCH', '/api/v1/me', { name: 'Survivor Renamed', lang: 'fr' })).status, 200);
  const admin = await signinApi(s, DEMO.admin.email, DEMO.admin.password);
  const tok = (await admin.api('POST', '/api/v1/orgs/demo/tokens', { name: 'survivor', role: 'admin' })).json().token;
  const slug = `kept-${uniq()}`;
  assert.equal((await admin.api('POST', '/api/v1/orgs', { slug, name: 'Kept Org' })).status, 201);
  const fid = (await admin.get('/api/v1/orgs/demo/members')).json().items.find((m) => m.email === DEMO.francois.email).user_id;
  assert.equal((await admin.api('PUT', `/api/v1/orgs/demo/members/${fid}/role`, { role: 'auditor' })).status, 200);
  assert.deepEqual(await s.stop(), { code: 0, signal: null });

  s = await startServer({ data: d });
  extra.push(s);
  const c2 = c.cloneFor(s);
  const me = await c2.get('/api/v1/me');
  assert.equal(me.status, 200, 'the session cookie still works');
  assert.equal(me.json().name, 'Survivor Renamed');
  assert.equal(me.json().lang, 'fr');
  assert.equal(me.json().csrf_token, c.csrf, 'the same CSRF token (site secret kept)');
  assert.equal((await c2.api('PATCH', '/api/v1/me', { lang: 'en' })).status, 200, 'and it is accepted');
  await signinApi(s, email, 'survivor-pass');
  const b = new Client(s, { bearer: tok });
  assert.equal((await b.get('/api/v1/orgs/demo/members')).status, 200, 'the API token still works');
  const a2 = admin.cloneFor(s);
  assert.ok((await a2.get('/api/v1/orgs')).json().items.some((o) => o.slug === slug));
  const members = (await a2.get('/api/v1/orgs/demo/members')).json().items;
  assert.equal(members.find((m) => m.email === DEMO.francois.email).role, 'auditor');
  assert.ok(members.some((m) => m.email === email));
  assert.deepEqual(await s.stop(), { code: 0, signal: null });
});

test('mail queued just before a stop is delivered after the restart, exactly once', async () => {
  const d = demoDataDir('mailrestart');
  let s = await startServer({ data: d });
  extra.push(s);
  const r = await new Client(s).req('POST', '/api/v1/password/forgot', { json: { email: DEMO.trainer.email } });
  assert.equal(r.status, 202);
  assert.deepEqual(await s.stop(), { code: 0, signal: null });
  s = await startServer({ data: d });
  extra.push(s);
  const mail = await waitForMail(d, DEMO.trainer.email);
  const link = linkIn(mail, '/password/reset?token=');
  assert.equal(link.searchParams.get('token').length, 43);
  await sleep(1500);
  assert.equal(listMail(d).filter((m) => m.to === DEMO.trainer.email).length, 1, 'sent once');
  assert.deepEqual(await s.stop(), { code: 0, signal: null });
});

test('access log: one line per request with its request id; probes are not logged', async () => {
  const d = tmpDir('accesslog');
  const logFile = path.join(d, 'access.log');
  const s = await startServer({ data: d, args: ['--access-log', logFile] });
  extra.push(s);
  const r = await fetch(s.url + '/signin?next=%2Faccount');
  const id = r.headers.get('x-request-id');
  await fetch(s.url + '/healthz');
  await fetch(s.url + '/metrics');
  await fetch(s.url + '/nope');
  assert.deepEqual(await s.stop(), { code: 0, signal: null });
  const log = fs.readFileSync(logFile, 'utf8');
  const line = log.split('\n').find((l) => l.includes(id));
  assert.ok(line, `a line for ${id}:\n${log}`);
  assert.match(line, / GET \/signin 200 /);
  assert.match(log, / GET \/nope 404 /);
  assert.doesNotMatch(log, /healthz|\/metrics/);
});

test('start-up errors are clear: address in use, bad options', async () => {
  const r1 = spawnSync(BIN, ['serve', '--listen', `127.0.0.1:${srv.port}`, '--data', tmpDir('inuse'), '--access-log', 'off'], { encoding: 'utf8', timeout: 10000 });
  assert.equal(r1.status, 1);
  assert.match(r1.stderr, /already in use/);
  const r2 = spawnSync(BIN, ['serve', '--listen', 'nonsense', '--data', tmpDir('badlisten')], { encoding: 'utf8', timeout: 10000 });
  assert.notEqual(r2.status, 0);
  assert.match(r2.stderr, /--listen/);
  const r3 = spawnSync(BIN, ['serve', '--max-body', 'abc', '--data', tmpDir('badopt')], { encoding: 'utf8', timeout: 10000 });
  assert.equal(r3.status, 2);
  assert.match(r3.stderr, /max-body/);
});
