// Issue 12 in the browser: a bundled invoice's task page shows one clear state ("In your
// bundle, waiting for you to sign", Remove from bundle, a link to the bundle, nothing
// "decided"); after signing, the confirmation links to "Signed by me", which lists the signing
// with its total and each invoice's path, survives a reload, and moves when the ERP exports.
// The tests run in order and build on each other.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPage, screenshot, BASE_URL, assertAccessible } from '../support/browser.mjs';
import { firstAdmin } from '../support/org.mjs';
import { readyCompany, approver, newInvoice } from '../support/approval.mjs';
import { exported } from '../support/autopay.mjs';
import { oathtoolCode, timeStep, waitForStepAfter } from '../support/ui.mjs';

let browser;
let page;
let company;
let user;
let activatedAt; // the TOTP step two-step verification was activated with
let invoiceId;
const number = `SB-${Date.now().toString(36).toUpperCase()}`;
const supplier = 'Kontorrekvisita AS';

const nbsp = (s) => s.replace(/\u00a0/g, ' ');
const unexpectedErrors = (p) =>
  p.errors.filter((e) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(e));

async function openTask() {
  await page.goto(`/tasks/${invoiceId}`);
  await page.getByRole('heading', { level: 2, name: `Invoice ${number} from ${supplier}` }).waitFor();
}

before(async () => {
  browser = await launchBrowser();
  const admin = await firstAdmin();
  company = await readyCompany(admin);
  user = await approver(admin, [company]);
  activatedAt = timeStep();
  invoiceId = await newInvoice(company, { invoice_number: number, amount: '1250.50', supplier: { name: supplier } });
  page = await newPage(browser);
  const [name, value] = user.client.cookie.split(/=(.*)/s);
  await page.context().addCookies([{ name, value, url: BASE_URL }]);
});

after(async () => { await browser?.close(); });

test("a bundled invoice's task page says it waits for my signature, with Remove and a link to the bundle", async () => {
  await openTask();
  await page.getByRole('button', { name: 'Approve and pay', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/tasks');
  await page.getByTestId('bundle').locator(`tr[data-invoice="${number}"]`).waitFor();

  await openTask();
  const decision = page.getByTestId('decision');
  await decision.getByText('In your bundle, waiting for you to sign').waitFor();
  assert.equal(await page.getByText('This invoice is decided').count(), 0, 'never "decided" while in the bundle');
  assert.equal(await decision.getByRole('button', { name: 'Approve', exact: true }).count(), 0);
  const toBundle = decision.getByRole('link', { name: 'Go to your bundle' });
  assert.equal(await toBundle.getAttribute('href'), '/tasks');
  assert.match(await page.getByTestId('approvals').textContent(), / · Your approval counts when you sign the bundle\.$/);
  assert.equal(await page.getByText('0 of 1 approvals').count(), 0);
  await screenshot(page, 'task-in-your-bundle');
  await assertAccessible(page, 'a task in my bundle');

  // Remove from bundle: back to a task I can decide, and off the bundle.
  await decision.getByRole('button', { name: 'Remove from bundle' }).click();
  await page.getByTestId('task-notice').getByText(`Invoice ${number} is out of your bundle and back on your task list.`).waitFor();
  await decision.getByRole('button', { name: 'Approve and pay', exact: true }).waitFor();
  assert.equal(await decision.getByText('In your bundle').count(), 0);
  assert.match(await page.getByTestId('approvals').textContent(), / · 0 of 1 approvals$/);

  // In again; the link leads to the bundle on the task list.
  await decision.getByRole('button', { name: 'Approve and pay', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/tasks');
  await openTask();
  await page.getByTestId('decision').getByRole('link', { name: 'Go to your bundle' }).click();
  await page.waitForURL((url) => url.pathname === '/tasks');
  await page.getByTestId('bundle').locator(`tr[data-invoice="${number}"]`).waitFor();
  assert.deepEqual(unexpectedErrors(page), []);
});

test('after signing, the confirmation links to Signed by me, which lists the signing and survives a reload', async () => {
  const bundle = page.getByTestId('bundle');
  await bundle.getByRole('button', { name: 'Pay', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Approve and pay: sign' });
  await dialog.waitFor();
  await dialog.getByLabel('Password').fill(user.password);
  await waitForStepAfter(activatedAt);
  await dialog.getByLabel('Code from your authenticator app').fill(oathtoolCode(user.secret));
  await dialog.getByRole('button', { name: 'Sign and pay' }).click();
  const confirmation = page.getByTestId('sign-confirmation');
  await confirmation.getByText('Signed: 1 invoice approved and pre-approved for payment').waitFor();

  await confirmation.getByRole('link', { name: 'Follow these payments in Signed by me' }).click();
  await page.waitForURL((url) => url.pathname === '/signed');
  await page.getByRole('heading', { level: 1, name: 'Signed by me' }).waitFor();
  const signing = page.getByTestId('signing').first();
  const row = signing.locator(`tr[data-invoice="${number}"]`);
  await row.waitFor();
  assert.equal(await row.getAttribute('data-stage'), 'awaiting_export');
  assert.equal(await row.getByTestId('stage').textContent(), 'Waiting for ERP export');
  assert.equal(await row.locator('[aria-current="step"]').textContent(), 'Waiting for ERP export');
  assert.equal(nbsp(await signing.getByTestId('signing-totals').textContent()), 'Total 1,250.50 NOK');
  assert.match(await signing.getByTestId('signing-summary').textContent(), /^1 invoice approved and pre-approved for payment · /);
  await signing.getByText(company.name).first().waitFor();
  assert.match(await signing.getByRole('heading', { level: 2 }).textContent(), /^Signed \d/);
  await screenshot(page, 'signed-by-me');
  await assertAccessible(page, 'Signed by me');

  // The confirmation is gone on reload; this screen is not.
  await page.reload();
  await page.getByTestId('signing').first().locator(`tr[data-invoice="${number}"]`).waitFor();

  // The ERP exports and acknowledges the payment suggestion: the invoice is on its way.
  await exported(company, 'pre-approved');
  await page.reload();
  const moved = page.getByTestId('signing').first().locator(`tr[data-invoice="${number}"]`);
  await moved.waitFor();
  assert.equal(await moved.getAttribute('data-stage'), 'in_autopay');
  assert.equal(await moved.locator('[aria-current="step"]').textContent(), 'In AutoPay');
  await moved.getByText('The ERP exported it; AutoPay has not received the payment yet.').waitFor();

  // The signed invoice's task page is decided now.
  await moved.getByRole('link', { name: `Invoice ${number} from ${supplier}` }).click();
  await page.getByText('This invoice is decided').waitFor();
  assert.deepEqual(unexpectedErrors(page), []);
});

test('the task list links to Signed by me', async () => {
  await page.goto('/tasks');
  await page.getByRole('link', { name: /^Signed by me/ }).click();
  await page.waitForURL((url) => url.pathname === '/signed');
  await page.getByTestId('signing').first().waitFor();
  assert.deepEqual(unexpectedErrors(page), []);
});

test('in Norwegian, Signed by me and the task page speak bokmål', async () => {
  await page.goto('/signed');
  await page.getByTestId('signing').first().waitFor();
  await page.getByRole('button', { name: 'Norsk' }).click();
  await page.getByRole('heading', { level: 1, name: 'Signert av meg' }).waitFor();
  const row = page.getByTestId('signing').first().locator(`tr[data-invoice="${number}"]`);
  await row.getByTestId('stage').getByText('I AutoPay').waitFor();
  await row.getByText('ERP-systemet har eksportert den; AutoPay har ikke mottatt betalingen ennå.').waitFor();
  await page.getByRole('columnheader', { name: 'Fakturanummer' }).first().waitFor();
  assert.match(await page.getByTestId('signing-summary').first().textContent(), /^1 faktura godkjent og forhåndsgodkjent for betaling · /);
  await screenshot(page, 'signed-by-me-nb');
  await assertAccessible(page, 'Signed by me in Norwegian');

  await row.getByRole('link', { name: `Faktura ${number} fra ${supplier}` }).click();
  await page.getByText('Denne fakturaen er ferdig behandlet: det er ikke mer å gjøre her.').waitFor();
  await page.getByRole('heading', { level: 2, name: 'Fakturaopplysninger' }).waitFor();
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByText('This invoice is decided: there is nothing left to do here.').waitFor();
  assert.deepEqual(unexpectedErrors(page), []);
});
