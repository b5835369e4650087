// The approver's journey in Norwegian bokmål, at 1280 px and at 390×844: the task list, a task,
// Approve and pay, the bundle, signing with password and an oathtool code, the confirmation,
// Signed by me and AutoPay. Every label is read from app/locales/nb/, so the test proves the
// Norwegian texts are the ones shown; amounts and dates must be in Norwegian form. axe-core
// finds no serious or critical violation on any screen at either width. (The same journey in
// English is approve-and-pay.test.mjs.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { launchBrowser, screenshot, BASE_URL, assertAccessible, newContext } from '../support/browser.mjs';
import { ROOT } from '../support/app.mjs';
import { firstAdmin } from '../support/org.mjs';
import { readyCompany, approver as newApprover, documentFor, sendDocument } from '../support/approval.mjs';
import { oathtoolCode, timeStep, waitForStepAfter } from '../support/ui.mjs';

const nb = (key, values = {}) => {
  const [ns, ...path] = key.split('.');
  let text = JSON.parse(readFileSync(join(ROOT, 'app', 'locales', 'nb', `${ns}.json`), 'utf8'));
  for (const p of path) text = text[p];
  assert.equal(typeof text, 'string', `nb text ${key}`);
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, v) => String(values[v]));
};
const nbsp = (s) => s.replace(/[\u00a0\u202f]/g, ' ');
// A sentence the server writes, as its Norwegian catalog (core/locales/nb.json) has it.
const catalog = JSON.parse(readFileSync(join(ROOT, 'core', 'locales', 'nb.json'), 'utf8'));
const server = (template, ...values) => {
  assert.equal(typeof catalog[template], 'string', `core/locales/nb.json: ${template}`);
  let i = 0;
  return catalog[template].replace(/\{[^}]*\}/g, () => values[i++]);
};

let browser;
let context;
let page;
let user;
const invoices = [];


/** axe and a screenshot at 1280 px, then at 390×844 with no sideways scrolling; back to 1280. */
async function lookAt(name) {
  await assertAccessible(page, `${name} at 1280 px`);
  await screenshot(page, `nb-${name}`);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(100);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${name} at 390 px is ${overflow} px too wide`);
  await assertAccessible(page, `${name} at 390 px`);
  await screenshot(page, `nb-phone-${name}`);
  await page.setViewportSize({ width: 1280, height: 900 });
}

before(async () => {
  browser = await launchBrowser();
  const admin = await firstAdmin();
  const company = await readyCompany(admin);
  user = await newApprover(admin, [company]);
  for (const [number, supplier, amount] of [['NB-4411', 'Bergen Kontor AS', '12500.00'], ['NB-4412', 'Tromsø Trykk AS', '845.50']]) {
    const doc = documentFor(company, { invoice_number: number, supplier: { name: supplier }, amount, due_date: '2030-03-31' });
    const res = await sendDocument(company, doc);
    assert.equal(res.status, 201, res.text);
    invoices.push({ number, supplier });
  }
  // One overdue invoice, for a warning in Norwegian (it is never put in the bundle).
  const overdue = await sendDocument(company, documentFor(company, { invoice_number: 'NB-4413', invoice_date: '2020-02-01', due_date: '2020-03-01' }));
  assert.equal(overdue.status, 201, overdue.text);
  context = await newContext(browser, { locale: 'nb-NO', viewport: { width: 1280, height: 900 } });
  const [name, value] = user.client.cookie.split(/=(.*)/s);
  await context.addCookies([{ name, value, url: BASE_URL }]);
  page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
});

after(async () => { await browser?.close(); });

test('the task list and a task are in Norwegian, with Norwegian amounts and dates', async () => {
  await page.goto('/tasks');
  await page.getByRole('heading', { level: 1, name: nb('tasks.title') }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'nb');
  const row = page.locator(`[data-testid="task-list"] tr[data-invoice="NB-4411"]`);
  await row.waitFor();
  assert.match(nbsp(await row.textContent()), /12 500,00 NOK/);
  assert.match(await row.textContent(), /31\.03\.2030/);
  // The server's warning sentence, in Norwegian with a Norwegian date.
  const overdue = page.locator(`[data-testid="task-list"] tr[data-invoice="NB-4413"]`);
  assert.ok((await overdue.textContent()).includes(server('The due date {due_date} has passed.', '01.03.2020')), await overdue.textContent());
  await lookAt('tasks');

  await page.getByRole('link', { name: nb('tasks.task_link', { number: 'NB-4411', supplier: 'Bergen Kontor AS' }) }).first().click();
  await page.getByRole('heading', { level: 2, name: nb('task.title', { number: 'NB-4411', supplier: 'Bergen Kontor AS' }) }).waitFor();
  assert.match(nbsp(await page.getByTestId('invoice-amount').textContent()), /^12 500,00 NOK$/);
  // Its status badge and its history are Norwegian too.
  await page.getByText(nb('widgets.status_awaiting_approval'), { exact: true }).first().waitFor();
  await page.getByText(server('Received from the Document Center; needs one approval.'), { exact: true }).waitFor();
  await lookAt('task');
  assert.deepEqual(page.errors, []);
});

test('Approve and pay, the bundle, and signing with password and code, in Norwegian', async () => {
  await page.getByRole('button', { name: nb('task.approve_and_pay'), exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/tasks');
  const bundle = page.getByTestId('bundle');
  await bundle.locator('tr[data-invoice="NB-4411"]').waitFor();
  await bundle.getByRole('heading', { name: nb('tasks.bundle_title') }).waitFor();
  await lookAt('bundle');

  await bundle.getByRole('button', { name: nb('tasks.pay'), exact: true }).click();
  const dialog = page.getByRole('dialog', { name: nb('signing.title') });
  await dialog.waitFor();
  assert.match(nbsp(await dialog.getByTestId('signing-totals').textContent()), /12 500,00 NOK/);
  await assertAccessible(page, 'the signing dialog');
  await screenshot(page, 'nb-signing');

  await dialog.locator('#sign-password').fill(user.password);
  await waitForStepAfter(timeStep());
  await dialog.locator('#sign-code').fill(oathtoolCode(user.secret));
  await dialog.getByRole('button', { name: nb('signing.sign_and_pay') }).click();
  await page.getByText(nb('signing.confirmed_singular')).waitFor();
  await screenshot(page, 'nb-signed-confirmation');
  await assertAccessible(page, 'the confirmation');
  assert.deepEqual(page.errors, []);
});

test('Signed by me and AutoPay are in Norwegian', async () => {
  await page.getByTestId('signed-by-me-link').click();
  await page.getByRole('heading', { level: 1, name: nb('signed.title') }).waitFor();
  await page.getByText('NB-4411').first().waitFor();
  await lookAt('signed');

  await page.goto('/autopay');
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.getByRole('heading', { name: nb('autopay.payments_title') }).first().waitFor();
  await lookAt('autopay');
  assert.deepEqual(page.errors, []);
});
