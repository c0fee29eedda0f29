// quiz.test.mjs — a quiz from both sides, in headless Chromium: the demo
// trainer adds a quiz unit, sets two attempts with feedback after the last
// one, pastes a GIFT file, previews and imports it; a learner takes the quiz,
// answers wrong (no feedback yet: an attempt is left), then right on the
// second attempt (feedback and right answers now shown), in English and in
// French.  A second quiz with a time limit of a few seconds: the attempt
// page counts down and submits itself at the limit, with what was typed.
//
// Env: LECTERN_BIN, LECTERN_TEST_TMP.  Screenshots go to tests/browser/out/.
// No console errors (CSP violations included) are allowed on any page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, env, setUp, tearDown, newContext, shot, signIn, nav, serverStderr } from './lib.mjs';

const TRAINER = { email: 'trainer@lectern.test', password: 'demo-trainer-pass' };
const LEARNER = { email: 'francois@lectern.test', password: 'demo-learner-pass' };
const LIMIT_S = 4;
const GIFT = `$CATEGORY: Safety

::Extinguisher::Which extinguisher for an electrical fire? {
  =CO2#Right, CO2 does not conduct electricity.
  ~Water#Never water on live equipment.
  ~Foam#Foam conducts electricity.
  ####Cut the power first when you can.
}

::Exits::Emergency exits may be locked during working hours. {FALSE#They must open at all times.}

::Floors::How many floors does the building have? {#4:0}
`;
let base, course, run, sectionId;

before(async () => {
    await setUp('quiz');
    base = env.base;
    const api = await apiAs(TRAINER);
    course = await api('POST', '/api/v1/orgs/demo/courses', { code: 'QUIZ-B', title: 'Fire safety', published: true });
    const r = await api('POST', `/api/v1/orgs/demo/courses/${course.id}/runs`, { title: 'Winter', visibility: 'corporate' });
    run = r.id;
    await api('POST', `/api/v1/orgs/demo/runs/${run}/enrolments/import?apply=1`, `${LEARNER.email}\n`, 'text/csv');
    const o = await api('POST', `/api/v1/orgs/demo/courses/${course.id}/sections`, { title: 'Fire' });
    sectionId = o.sections[0].id;
});

after(tearDown);

/** The trainer adds a quiz unit from the outline page; returns its id. */
async function addQuiz(t, title) {
    await t.goto(`${base}/o/demo/courses/${course.id}/outline`);
    const section = t.locator('section.outline-section').first();
    await section.getByLabel('Kind').selectOption('quiz');
    await section.getByLabel('Unit title').fill(title);
    await section.getByRole('button', { name: 'Add a unit' }).click();
    await t.getByRole('heading', { name: title, level: 1 }).waitFor();
    return Number(new URL(t.url()).pathname.split('/').pop());
}

/** Answers of one question section, by its title. */
const question = (p, title) => p.locator('section.quiz-item').filter({ hasText: title });

async function submit(p) {
    await p.getByRole('button', { name: 'Submit my answers' }).click();   // the confirm is accepted below
    await p.locator('.quiz-score').waitFor();
}

test('a trainer imports a GIFT quiz; a learner fails, then passes, and sees feedback per the settings', { timeout: 120000 }, async () => {
    const tctx = await newContext();
    const t = await tctx.newPage();
    t.on('dialog', (d) => d.accept());
    await t.goto(`${base}/`);
    await signIn(t, TRAINER);
    const uid = await addQuiz(t, 'Fire quiz');

    // settings: two attempts, feedback after the last one, pass mark 60 %
    await t.getByLabel('Attempts allowed (0: unlimited)').fill('2');
    await t.getByLabel('Pass mark (%; 0: submitting is enough)').fill('60');
    await t.getByLabel('Feedback and right answers are shown').selectOption('after_last');
    await t.getByRole('button', { name: 'Save the settings' }).click();
    await t.getByText('Saved.').waitFor();

    // GIFT: a malformed text is refused with its line and column, then the real one
    await t.getByLabel('Or paste GIFT text').fill('::A::Broken {=yes ~no\n');
    await t.getByRole('button', { name: 'Preview', exact: true }).click();
    await t.getByText(/Nothing was imported\. Line and column: 1:/).waitFor();
    await shot(t, 'quiz-01-gift-error.png');
    // the refusal is a 422, which Chromium logs: expected here, nowhere else
    const i = env.consoleErrors.findIndex((e) => /quiz\/gift: .*status of 422/.test(e));
    assert.ok(i >= 0, 'the malformed GIFT text is answered 422');
    env.consoleErrors.splice(i, 1);
    await t.getByLabel('GIFT text').or(t.getByLabel('Or paste GIFT text')).fill(GIFT);
    await t.getByRole('button', { name: 'Preview', exact: true }).click();
    assert.equal(await t.locator('[data-preview-count]').getAttribute('data-preview-count'), '3');
    await shot(t, 'quiz-02-gift-preview.png');
    await t.getByRole('button', { name: 'Import these questions' }).click();
    await t.getByText('3 questions imported.').waitFor();
    assert.equal(await t.locator('#quiz-items tbody tr').count(), 3);
    await shot(t, 'quiz-03-trainer-unit.png');

    // ---- the learner ----
    const lctx = await newContext();
    const p = await lctx.newPage();
    p.on('dialog', (d) => d.accept());
    await p.goto(`${base}/`);
    await signIn(p, LEARNER);
    await p.goto(`${base}/runs/${run}/units/${uid}`);
    await p.getByText('0 / 2 used').waitFor();
    await shot(p, 'quiz-04-learner-unit.png');
    await p.getByRole('button', { name: 'Start an attempt' }).click();
    await p.getByRole('heading', { name: /Attempt 1/, level: 1 }).waitFor();
    // the answers and feedback are not in the page
    const html = await p.content();
    for (const secret of ['CO2 does not conduct', 'Cut the power', 'They must open']) assert.ok(!html.includes(secret), secret);
    await question(p, 'Extinguisher').getByLabel('Water').check();
    await question(p, 'Exits').getByLabel('True').check();
    await question(p, 'Floors').getByLabel('Your answer').fill('3');
    // saved as they go: a reload (a closed tab, a lost connection) keeps the answers
    await p.getByText('Your answers are saved.').waitFor();
    await p.reload();
    await p.getByRole('heading', { name: /Attempt 1/, level: 1 }).waitFor();
    assert.equal(await question(p, 'Extinguisher').getByLabel('Water').isChecked(), true, 'the choice is back');
    assert.equal(await question(p, 'Exits').getByLabel('True').isChecked(), true);
    assert.equal(await question(p, 'Floors').getByLabel('Your answer').inputValue(), '3', 'the text is back');
    await shot(p, 'quiz-05-attempt.png');
    await submit(p);
    assert.match(await p.locator('.quiz-score').innerText(), /0%.*not passed/);
    await p.getByText('Feedback and the right answers are shown after your last attempt.').waitFor();
    assert.equal(await p.getByText('Never water on live equipment.').count(), 0, 'no feedback before the last attempt');
    await shot(p, 'quiz-06-wrong-no-feedback.png');

    await p.getByRole('link', { name: 'Back to the quiz' }).click();
    await p.getByText('1 / 2 used').waitFor();
    await p.getByRole('button', { name: 'Start an attempt' }).click();
    await p.getByRole('heading', { name: /Attempt 2/, level: 1 }).waitFor();
    await question(p, 'Extinguisher').getByLabel('CO2').check();
    await question(p, 'Exits').getByLabel('False').check();
    await question(p, 'Floors').getByLabel('Your answer').fill('4');
    await submit(p);
    assert.match(await p.locator('.quiz-score').innerText(), /100%.*passed/);
    // the last attempt: feedback and right answers, for this attempt and the first
    await p.getByText('Right, CO2 does not conduct electricity.').waitFor();
    await p.getByText('Cut the power first when you can.').waitFor();
    assert.equal(await p.locator('.badge.done').count(), 3);
    await shot(p, 'quiz-07-right-feedback.png');
    await p.getByRole('link', { name: 'Back to the quiz' }).click();
    await p.getByText('2 / 2 used').waitFor();
    await p.getByText('You have used every attempt allowed.').waitFor();
    await p.getByRole('link', { name: '1', exact: true }).click();
    await p.getByText('Never water on live equipment.').waitFor();
    assert.ok(await p.locator('.badge.wrong').count() >= 2);

    // in French
    await nav(p).getByRole('button', { name: 'Français' }).click();
    await p.waitForFunction(() => document.documentElement.lang === 'fr');
    await p.getByText('Votre réponse\u202f:').first().waitFor();
    await shot(p, 'quiz-08-feedback-fr.png');
    await p.goto(`${base}/runs/${run}/units/${uid}`);
    await shot(p, 'quiz-09-learner-unit-fr.png');
    await t.goto(`${base}/o/demo/courses/${course.id}/units/${uid}`);
    await nav(t).getByRole('button', { name: 'Français' }).click();
    await t.waitForFunction(() => document.documentElement.lang === 'fr');
    await shot(t, 'quiz-10-trainer-unit-fr.png');
    for (const page of [p, t]) {        // back to English for the next test
        await nav(page).getByRole('button', { name: 'English' }).click();
        await page.waitForFunction(() => document.documentElement.lang === 'en');
    }
    await tctx.close();
    await lctx.close();
    assert.deepEqual(env.consoleErrors, [], 'no console errors or CSP violations');
});

test('a time-limited attempt counts down and submits itself at the limit', { timeout: 60000 }, async () => {
    const tctx = await newContext();
    const t = await tctx.newPage();
    t.on('dialog', (d) => d.accept());
    await t.goto(`${base}/`);
    await signIn(t, TRAINER);
    const uid = await addQuiz(t, 'Timed quiz');
    await t.getByLabel('Time limit in seconds (0: none)').fill(String(LIMIT_S));
    await t.getByRole('button', { name: 'Save the settings' }).click();
    await t.getByText('Saved.').waitFor();
    await t.getByLabel('Or paste GIFT text').fill(GIFT);
    await t.getByRole('button', { name: 'Import at once' }).click();
    await t.getByText('3 questions imported.').waitFor();

    const lctx = await newContext();
    const p = await lctx.newPage();
    let confirmed = '';
    p.on('dialog', (d) => { confirmed = d.message(); d.accept(); });
    await p.goto(`${base}/`);
    await signIn(p, LEARNER);
    await p.goto(`${base}/runs/${run}/units/${uid}`);
    await p.getByText(`${LIMIT_S} s`).first().waitFor();
    await p.getByRole('button', { name: 'Start an attempt' }).click();
    await p.getByRole('heading', { name: /Attempt 1/, level: 1 }).waitFor();
    assert.match(confirmed, /The time limit starts now/);
    const timer = p.locator('[data-time-left]');
    assert.match(await timer.innerText(), /^0:0[0-4]$/);
    await question(p, 'Floors').getByLabel('Your answer').fill('4');
    await shot(p, 'quiz-11-countdown.png');
    // nobody presses Submit: the page sends the form when the time is up
    await p.locator('.quiz-score').waitFor({ timeout: (LIMIT_S + 10) * 1000 }).catch(() => {
        throw new Error(`the attempt did not submit itself; server log:\n${serverStderr().slice(-2000)}`);
    });
    const main = await p.locator('main').innerText();
    assert.match(main, /Status: submitted/);
    assert.match(main, /Your answer: 4/);
    assert.match(await p.locator('.quiz-score').innerText(), /33\.3%/);
    await shot(p, 'quiz-12-auto-submitted.png');
    await tctx.close();
    await lctx.close();
    assert.deepEqual(env.consoleErrors, [], 'no console errors or CSP violations');
});

test('a trainer writes questions in the page, without GIFT: several choices, fill in the blanks, edit, move, remove', { timeout: 60000 }, async () => {
    const tctx = await newContext();
    const t = await tctx.newPage();
    t.on('dialog', (d) => d.accept());
    await t.goto(`${base}/`);
    await signIn(t, TRAINER);
    await addQuiz(t, 'Written quiz');
    await t.getByLabel('Add a question:').selectOption('multiple');
    await t.getByRole('button', { name: 'Add', exact: true }).click();
    await t.getByRole('heading', { name: /New question/, level: 1 }).waitFor();
    await t.getByLabel('Title (optional)').fill('Classes');
    await t.getByLabel('Question', { exact: true }).fill('Which fires does **CO2** put out?');
    const row = (i) => t.locator('fieldset.author-choice').nth(i);
    for (const [i, text, credit, fb] of [[0, 'Class B (liquids)', '50', ''], [1, 'Electrical', '50', ''], [2, 'Class A (wood)', '-50', 'Not on embers.']]) {
        await row(i).getByLabel('Text').fill(text);
        await row(i).getByLabel('Credit %').fill(credit);
        await row(i).getByLabel('Feedback').fill(fb);
    }
    await t.getByRole('button', { name: 'More answer rows' }).click();
    assert.equal(await t.locator('fieldset.author-choice').count(), 9, 'the four rows and five more');
    await row(1).getByLabel('Credit %').fill('lots');
    await t.getByRole('button', { name: 'Save the question' }).click();
    await t.getByText('Give a credit between -100 and 100 %.').first().waitFor();
    await shot(t, 'quiz-13-author-error.png');
    await row(1).getByLabel('Credit %').fill('50');
    await t.getByRole('button', { name: 'Save the question' }).click();
    await t.getByText('Question saved.').waitFor();

    await t.getByLabel('Add a question:').selectOption('cloze');
    await t.getByRole('button', { name: 'Add', exact: true }).click();
    await t.getByLabel('Question', { exact: true }).fill('Call {#1} and keep {#2} metres away.');
    await row(0).getByLabel('Blank no.').fill('1');
    await row(0).getByLabel('Text').fill('112');
    await row(1).getByLabel('Blank no.').fill('2');
    await row(1).getByLabel('Kind').selectOption('numeric');
    await row(1).getByLabel('Text').fill('10');
    await row(1).getByLabel('± tolerance (numbers)').fill('2');
    await shot(t, 'quiz-14-author-cloze.png');
    await t.getByRole('button', { name: 'Save the question' }).click();
    await t.getByText('Question saved.').waitFor();
    const rows = t.locator('#quiz-items tbody tr');
    assert.equal(await rows.count(), 2);
    await rows.nth(1).getByRole('button', { name: /Move up/ }).click();
    await t.getByText('Call {#1}').first().waitFor();
    assert.match(await rows.first().innerText(), /Fill in the blanks/);
    await shot(t, 'quiz-15-author-list.png');
    await t.getByRole('link', { name: 'Classes' }).click();
    await t.getByRole('heading', { name: /Edit the question/, level: 1 }).waitFor();
    assert.equal(await row(2).getByLabel('Credit %').inputValue(), '-50');
    await nav(t).getByRole('button', { name: 'Français' }).click();
    await t.waitForFunction(() => document.documentElement.lang === 'fr');
    await shot(t, 'quiz-16-author-edit-fr.png');
    await nav(t).getByRole('button', { name: 'English' }).click();
    await t.waitForFunction(() => document.documentElement.lang === 'en');
    await t.getByLabel('Points').fill('2');
    await t.getByRole('button', { name: 'Save the question' }).click();
    await t.getByText('Question saved.').waitFor();
    assert.match(await rows.nth(1).innerText(), /Classes.*\t2/s);
    await rows.nth(0).getByRole('button', { name: /Remove/ }).click();
    await t.getByText('Question removed.').waitFor();
    assert.equal(await rows.count(), 1);
    await tctx.close();
    assert.deepEqual(env.consoleErrors.filter((e) => !/status of 422/.test(e)), [], 'no console errors or CSP violations');
});
