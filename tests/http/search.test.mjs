// search.test.mjs — the catalog's full-text search (GET /api/v1/courses?q=
// and /courses?q=): prefixes, every word required, accents and case
// ignored both ways, words from the summary, objectives, outline and unit
// text, ranking, hostile input that must never be query syntax, and the
// catalog's visibility rules (drafts, SPOC, another organisation's
// corporate sessions) kept under search.
//
// Like catalog.test.mjs, scripts/test.sh runs it again with
// LECTERN_HTTP_PG=1 on PostgreSQL (a database of its own): FTS5 on SQLite,
// tsvector on PostgreSQL.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopAll, demoStore, DEMO, Client, signinApi, uniq, cli } from './lib.mjs';

const store = demoStore('search');
cli(store, 'org', 'add', 'other', 'Other Org');
cli(store, 'user', 'add', 'outsider@other.test', 'Out Sider', '--password', 'outsider-pass-1', '--org', 'other', '--role', 'admin');
const srv = await startServer(store);
after(() => stopAll(srv));

const anon = () => new Client(srv);
const search = async (c, q, qs = '') => {
  const res = await c.get(`/api/v1/courses?q=${encodeURIComponent(q)}${qs}`);
  assert.equal(res.status, 200, `q=${JSON.stringify(q)}: ${res.text.slice(0, 200)}`);
  return res.json().items;
};
const titles = async (c, q, qs) => (await search(c, q, qs)).map((x) => x.title);

// A tag made of letters only, so that it is one word for the search.
const word = () => uniq().replace(/[0-9]/g, '') + 'zq';
const T = word();
const admin = await signinApi(srv, DEMO.admin.email, DEMO.admin.password);
const mk = async (fields, vis = 'mooc', who = admin, org = 'demo') => {
  const res = await who.api('POST', `/api/v1/orgs/${org}/courses`, { code: `S-${uniq()}`, published: true, ...fields });
  assert.equal(res.status, 201, res.text);
  const c = res.json();
  if (vis) assert.equal((await who.api('POST', `/api/v1/orgs/${org}/courses/${c.id}/runs`, { title: 'S', visibility: vis })).status, 201);
  return c;
};

test('words are prefixes, all required, found in title, summary and objectives', async () => {
  const c = await mk({ title: `Safety culture ${T}`, summary: 'Hazards in the warehouse, spotted early.',
    objectives: 'Report every near miss to the floor warden.' });
  for (const q of [`${T} safety`, `${T} safe`, `${T} SAF`, `${T.slice(0, 4)} culture`, `${T} warehou`, `${T} hazard`,
    `${T} near miss`, `${T} WARDEN`, `  ${T}   culture  `])
    assert.deepEqual(await titles(anon(), q), [c.title], q);
  // Every word must be found somewhere; a word in the middle of another does not count.
  assert.deepEqual(await titles(anon(), `${T} safety zebra`), []);
  assert.deepEqual(await titles(anon(), `${T} afety`), []);
  // The code is searched too, split at its punctuation.
  assert.deepEqual(await titles(anon(), c.code), [c.title]);
});

test('accents and case are ignored both ways', async () => {
  const accented = await mk({ title: `Sécurité des données ${T}b`, summary: 'Élodie Benoît explique le RGPD.' });
  const plain = await mk({ title: `Securite reseau ${T}b`, summary: 'Elodie Benoit, encore.' });
  const polish = await mk({ title: `Łódź logistics ${T}b` });
  const both = [accented.title, plain.title].sort();
  for (const q of ['securite', 'SÉCURITÉ', 'Sécu', 'sécurite', 'SECURITE'])
    assert.deepEqual((await titles(anon(), `${T}b ${q}`)).sort(), both, q);
  for (const q of ['elodie benoit', 'ÉLODIE BENOÎT', 'élo'])
    assert.deepEqual((await titles(anon(), `${T}b ${q}`)).sort(), both, q);
  assert.deepEqual(await titles(anon(), `${T}b donnees`), [accented.title]);
  assert.deepEqual(await titles(anon(), `${T}b lodz`), [polish.title]);
  // French elision: "l'" is a word of its own, matched whole.
  const team = await mk({ title: `Rejoindre l’équipe de nuit ${T}b` });
  for (const q of ["l'equipe", 'L’ÉQUIPE', 'l equip', 'equipe'])
    assert.deepEqual(await titles(anon(), `${T}b ${q}`), [team.title], q);
  assert.deepEqual(await titles(anon(), `${T}b ŁÓDŹ`), [polish.title]);
});

test('ranking: a title match comes before a summary-only match, then by title', async () => {
  const inSummary = await mk({ title: `Aaa posture basics ${T}r`, summary: 'Ergonomics at the desk, ergonomics at home.' });
  const inTitle = await mk({ title: `Zzz ergonomics ${T}r`, summary: 'Chairs and screens.' });
  const inObjectives = await mk({ title: `Mmm desks ${T}r`, objectives: 'Apply ergonomics.' });
  assert.deepEqual(await titles(anon(), `${T}r ergonomics`), [inTitle.title, inSummary.title, inObjectives.title]);
  // Without a word, the catalog's order: by title.
  const all = await titles(anon(), `${T}r`);
  assert.equal(all.length, 3);
});

test('section and unit titles and unit text are searched (the demo course, and after content changes)', async () => {
  // The demo course was indexed with its outline: a section title, a unit
  // title, words of a unit's Markdown body.
  for (const q of ['hazards at work', 'warehouse tour', 'floor warden', 'assembly point', 'SAFE-101'])
    assert.ok((await titles(anon(), q)).includes('Workplace safety essentials'), q);
  assert.equal((await search(anon(), 'SAFE-101'))[0].code, 'SAFE-101');
  // A course whose outline is edited through the API; a change of the
  // course itself re-indexes it with its sections and units.
  const c = await mk({ title: `Outline ${T}o` });
  const sec = await admin.api('POST', `/api/v1/orgs/demo/courses/${c.id}/sections`, { title: 'Forklift driving' });
  assert.equal(sec.status, 201, sec.text);
  const sid = sec.json().sections.at(-1).id;
  const unit = await admin.api('POST', `/api/v1/orgs/demo/courses/${c.id}/units`,
    { section_id: sid, kind: 'text', title: 'Pallet stacking', body: '## Rules\n\nNever stack above the **mezzanine** line. [More](https://example.org/pyramid)' });
  assert.equal(unit.status, 201, unit.text);
  assert.equal((await admin.api('PATCH', `/api/v1/orgs/demo/courses/${c.id}`, { summary: 'Warehouse machines.' })).status, 200);
  for (const q of ['forklift', 'pallet stack', 'mezzanine', 'warehouse machines'])
    assert.deepEqual(await titles(anon(), `${T}o ${q}`), [c.title], q);
  // Markup and link targets are not words of the text.
  assert.deepEqual(await titles(anon(), `${T}o pyramid`), []);
  assert.deepEqual(await titles(anon(), `${T}o https`), []);
});

test('a change to a course is searched at once: old words go, new words come', async () => {
  const c = await mk({ title: `Before rename ${T}u` });
  assert.deepEqual(await titles(anon(), `${T}u before`), [c.title]);
  const p = await admin.api('PATCH', `/api/v1/orgs/demo/courses/${c.id}`, { title: `Afterwards ${T}u` });
  assert.equal(p.status, 200);
  assert.deepEqual(await titles(anon(), `${T}u before`), []);
  assert.deepEqual(await titles(anon(), `${T}u afterwards`), [`Afterwards ${T}u`]);
});

test('hostile queries are words, never query syntax: no error, no injection', async () => {
  const c = await mk({ title: `Quoted near and or not ${T}h`, summary: 'Star * and dash - inside.' });
  const hostile = ['"', '""', '*', '**', '-', '-x', '(', ')', '()', '(a OR b)', 'NEAR', 'NEAR(a b, 2)', 'a NEAR/2 b',
    'AND', 'OR', 'NOT', 'a AND', 'OR b', 'NOT x', '^x', 'title:x', 'code : x', '{code title}: x', 'x:*', "'", "''", "x'y",
    '\\', '\\\\', '!x', 'x & y', 'x | y', 'x <-> y', 'x <2> y', ':*', "'; DROP TABLE course; --",
    "1' OR '1'='1", '%', '_', '%_%', '\u00a0', '😀', '\u0301', '\u200b', 'x'.repeat(5000), 'a '.repeat(300), 'é'.repeat(100)];
  for (const q of hostile) {
    await search(anon(), q);
    assert.equal((await anon().get(`/courses?q=${encodeURIComponent(q)}`)).status, 200, q);
    await search(anon(), `${T}h ${q}`);
  }
  // Bytes that are not UTF-8 are separators, not errors.
  assert.equal((await anon().get(`/api/v1/courses?q=%FF%FE${T}h`)).status, 200);
  // Operators typed by a person are only words: the tag with them finds
  // the course whose text holds those words, and nothing is negated.
  for (const q of [`"${T}h"`, `${T}h*`, `-${T}h`, `(${T}h)`, `${T}h AND`, `${T}h near`, `${T}h NOT`, `${T}h:*`, `'${T}h'`, `${T}h & or`])
    assert.deepEqual(await titles(anon(), q), [c.title], q);
  assert.deepEqual(await titles(anon(), `${T}h -quoted`), [c.title], 'a minus is not NOT');
  assert.deepEqual(await titles(anon(), `${T}h OR zebra`), [], 'OR is a word, and every word is required');
  // A query with no word at all is no filter: the catalog as without q.
  const plain = (await search(anon(), '')).map((x) => x.id);
  assert.deepEqual((await search(anon(), '"*()-')).map((x) => x.id), plain);
  // The tables are still there.
  assert.deepEqual(await titles(anon(), `${T}h quoted`), [c.title]);
});

test('visibility under search: drafts, SPOC, another organisation\'s corporate sessions', async () => {
  const V = word();
  const draft = await mk({ title: `Draft ${V}`, published: false });
  const noRun = await mk({ title: `No session ${V}` }, null);
  const spoc = await mk({ title: `Private ${V}` }, 'spoc');
  const corpDemo = await mk({ title: `Corporate demo ${V}` }, 'corporate');
  const outsider = await signinApi(srv, 'outsider@other.test', 'outsider-pass-1');
  const corpOther = await mk({ title: `Corporate other ${V}` }, 'corporate', outsider, 'other');
  const open = await mk({ title: `Open ${V}` });
  const learner = await signinApi(srv, DEMO.elodie.email, DEMO.elodie.password);
  const sorted = (xs) => xs.map((x) => x.title).sort();
  assert.deepEqual((await titles(anon(), V)).sort(), sorted([open]));
  assert.deepEqual((await titles(learner, V)).sort(), sorted([open, corpDemo]), 'members of demo: its corporate course');
  assert.deepEqual((await titles(outsider, V)).sort(), sorted([open, corpOther]), 'members of other: only theirs');
  // The organisation's own staff do not get drafts or private sessions in the public catalog either.
  assert.deepEqual((await titles(admin, V)).sort(), sorted([open, corpDemo]));
  for (const c of [draft, noRun, spoc]) {
    assert.deepEqual(await titles(anon(), c.title), [], c.title);
    assert.deepEqual(await titles(admin, c.title), [], c.title);
  }
  // The words of a draft are not found even alone.
  assert.deepEqual(await titles(anon(), `draft ${V}`), []);
  // Filters still apply to a search.
  assert.deepEqual(await titles(outsider, V, '&org=demo'), [open.title]);
  assert.deepEqual(await titles(learner, V, '&mode=corporate'), [corpDemo.title]);
  assert.deepEqual(await titles(learner, V, '&lang=fr'), []);
});

test('paging: 24 a page, the same order, no course twice', async () => {
  const P = word();
  const made = [];
  for (let i = 0; i < 27; i++) made.push((await mk({ title: `Paged ${String(i).padStart(2, '0')} ${P}` })).id);
  const first = (await search(anon(), `${P} paged`)).map((x) => x.id);
  const second = (await search(anon(), `${P} paged`, '&offset=24')).map((x) => x.id);
  assert.equal(first.length, 24);
  assert.equal(second.length, 3);
  assert.deepEqual([...first, ...second].sort((a, b) => a - b), made.sort((a, b) => a - b));
  // Equal relevance: by title.
  const t = await titles(anon(), `${P} paged`);
  assert.deepEqual(t, [...t].sort());
  // The page agrees.
  const page = await anon().get(`/courses?q=${P}`);
  assert.equal(page.status, 200);
  assert.match(page.text, new RegExp(`Paged 00 ${P}`));
});
