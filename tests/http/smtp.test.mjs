// smtp.test.mjs — the mail outbox delivered through a real SMTP exchange
// (libcurl) to a small SMTP server on loopback, run by this test: the
// message arrives whole, with its encoded subject, and is marked sent.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, stopAll, demoDataDir, DEMO, Client, sleep } from './lib.mjs';

/** A minimal SMTP server: enough of RFC 5321 for one client at a time. */
function smtpServer() {
  const messages = [];
  const server = net.createServer((sock) => {
    let buf = '', inData = false, msg = null;
    sock.setEncoding('latin1');
    sock.write('220 test.smtp ESMTP\r\n');
    sock.on('data', (d) => {
      buf += d;
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          msg.data = Buffer.from(buf.slice(0, end), 'latin1').toString('utf8');
          buf = buf.slice(end + 5);
          inData = false;
          messages.push(msg);
          sock.write('250 OK queued\r\n');
          continue;
        }
        const eol = buf.indexOf('\r\n');
        if (eol < 0) return;
        const line = buf.slice(0, eol);
        buf = buf.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') sock.write('250 test.smtp\r\n');
        else if (verb === 'MAIL') { msg = { from: line, to: [] }; sock.write('250 OK\r\n'); }
        else if (verb === 'RCPT') { msg.to.push(line); sock.write('250 OK\r\n'); }
        else if (verb === 'DATA') { inData = true; sock.write('354 End with <CRLF>.<CRLF>\r\n'); }
        else if (verb === 'QUIT') { sock.end('221 Bye\r\n'); return; }
        else sock.write('250 OK\r\n');
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port, messages })));
}

const smtp = await smtpServer();
const data = demoDataDir('smtp');
const srv = await startServer({ data, args: ['--smtp', `smtp://127.0.0.1:${smtp.port}`, '--mail-from', 'Lectern <noreply@lectern.test>'] });
after(async () => { await stopAll(srv); smtp.server.close(); });

test('a password reset e-mail goes out over SMTP, whole', async () => {
  const c = new Client(srv);
  const res = await c.req('POST', '/api/v1/password/forgot', { json: { email: DEMO.elodie.email } });
  assert.equal(res.status, 202);
  for (let i = 0; i < 80 && smtp.messages.length === 0; i++) await sleep(100);
  assert.equal(smtp.messages.length, 1, 'one message reached the SMTP server');
  const m = smtp.messages[0];
  assert.match(m.from, /<noreply@lectern\.test>/);
  assert.deepEqual(m.to.map((t) => t.match(/<([^>]+)>/)[1]), [DEMO.elodie.email]);
  assert.match(m.data, /^Subject: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/m);
  assert.match(m.data, /\/password\/reset\?token=[A-Za-z0-9_-]{43}/);
  // Élodie's account is in French: the body is UTF-8 French.
  assert.match(m.data, /Content-Type: text\/plain; charset=utf-8/);
  // Sent once: nothing more arrives on the next passes of the sender.
  await sleep(2500);
  assert.equal(smtp.messages.length, 1);
});
