// Wording on real screens (issue 12): amounts formatted from the server's exact text, account
// numbers grouped in fours, dates in the reader's format; a payment of a file that waits for a
// signed upload says "Waiting for upload signing" (not a red "No"); the code field takes digits
// only; a wrong code says how many attempts are left before the lock; signing the upload says
// what happened; the payment page speaks of supplier, invoice and company, not raw ids.
// The tests run in order against one store and build on each other.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPage, screenshot, BASE_URL } from '../support/browser.mjs';
import { firstAdmin, newUser, activateTwoStep } from '../support/org.mjs';
import { autopayCompany, preApprovedInvoices, exported, upload, payments, CREDITOR_IBAN } from '../support/autopay.mjs';
import { oathtoolCode, timeStep, waitForStepAfter } from '../support/ui.mjs';

let browser;
let admin;
let company;
let approver;
let lastUsedStep;
let page;
let file; // the upload waiting for signing
let payment; // its one payment, as the API lists it
let invoiceNumber;

const h1 = (p, name) => p.getByRole('heading', { level: 1, name });
const NBSP = '\u00a0';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** "2030-03-31" as the English screens write it: "31 Mar 2030". */
const enDate = (iso) => {
  const [y, m, d] = iso.split('-').map(Number);
  return `${d} ${MONTHS[m - 1]} ${y}`;
};
const unexpectedErrors = (p) =>
  p.errors.filter((e) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(e));

async function pageAs(user) {
  const p = await newPage(browser);
  const [name, value] = user.client.cookie.split(/=(.*)/s);
  await p.context().addCookies([{ name, value, url: BASE_URL }]);
  return p;
}

async function openAutoPay(p = page) {
  await p.goto('/autopay');
  await h1(p, 'AutoPay').waitFor();
  await p.locator('[data-testid="payment-list"], [data-testid="no-payments"]').first().waitFor();
}

const paymentRow = () => page.locator(`[data-testid="payment-list"] tr[data-e2e="${payment.end_to_end_id}"]`);

before(async () => {
  browser = await launchBrowser();
  admin = await firstAdmin();
  // Two-step on upload: the uploaded file waits for an AutoPay Approver's signature.
  company = await autopayCompany(admin, { level: 'on_upload_and_approval', approvers: 1, preApproval: true });
  approver = await newUser(admin, {
    name: 'Wenche Wording',
    roles: { [company.id]: ['invoice_approver', 'autopay_approver'] },
  });
  approver.secret = (await activateTwoStep(approver.client)).secret;
  const [processId] = await preApprovedInvoices(approver, company, 1, { amount: '12500.00' });
  lastUsedStep = timeStep() + 1;
  invoiceNumber = (await admin.call('GET', `/api/v1/admin/processes/${processId}`)).body.invoice.invoice_number;
  const up = await upload(company, await exported(company, 'pre-approved'));
  assert.equal(up.status, 201, up.text);
  assert.equal(up.body.status, 'pending_signing');
  file = up.body;
  [payment] = (await payments(approver, `?company=${company.id}`));
  assert.equal(payment.status, 'pending_signing');
  page = await pageAs(approver);
});

after(async () => { await browser?.close(); });

test('a payment of a file waiting for upload signing says so, with its amount and account formatted', async () => {
  await openAutoPay();
  const row = paymentRow();
  await row.waitFor();
  assert.equal(await row.getByTestId('pre-approved').textContent(), 'Waiting for upload signing');
  assert.equal(await row.locator('.badge-no').count(), 0, 'no red "No"');
  // The amount from the server's exact "12500.00": grouped, decimal point, no-break spaces.
  assert.equal(await row.locator('td.num').textContent(), `12,500.00${NBSP}NOK`);
  // The supplier's IBAN in groups of four (NO83 3000 1234 567), never broken inside.
  assert.equal(CREDITOR_IBAN, 'NO8330001234567');
  const account = row.locator('.account').nth(1); // after the debtor's
  assert.equal(await account.textContent(), ['NO83', '3000', '1234', '567'].join(NBSP));
  assert.equal(await account.evaluate((el) => getComputedStyle(el).whiteSpace), 'nowrap');
  // The requested date as English readers write it, not ISO.
  await row.getByText(enDate(payment.requested_execution_date), { exact: true }).waitFor();
  // The files waiting say "1 payment", not "1 payment(s)".
  const waiting = page.getByTestId('files-waiting');
  await waiting.getByText(/ · 1 payment · uploaded /).waitFor();
  assert.doesNotMatch(await waiting.textContent(), /\(s\)/);
  await screenshot(page, 'wording-autopay-waiting-for-signing');
  assert.deepEqual(unexpectedErrors(page), []);
});

test('the payment page speaks of supplier, invoice and company; ids only under references', async () => {
  await paymentRow().getByRole('link').first().click();
  await page.waitForURL((url) => url.pathname.startsWith('/autopay/payments/'));
  await page.getByRole('heading', { level: 2, name: 'Payment to Kontorrekvisita AS' }).waitFor();
  assert.equal(await page.getByTestId('payment-pre-approved').textContent(), 'Pre-approved: Waiting for upload signing');
  assert.equal(await page.getByTestId('payment-invoice-number').textContent(), invoiceNumber);
  assert.equal(await page.getByTestId('payment-company').textContent(), company.name);
  assert.equal(await page.getByTestId('creditor-account').textContent(), ['NO83', '3000', '1234', '567'].join(NBSP));
  assert.match(await page.getByTestId('approvals').textContent(), /^Waiting for upload signing/);
  const body = await page.locator('body').textContent();
  assert.doesNotMatch(body, /InstrId/, 'no element names');
  assert.doesNotMatch(body, /\b0 of 1\b/);
  // The raw ids an auditor needs are there, labelled, behind "References for auditors".
  const refs = page.getByTestId('payment-references');
  assert.equal(await refs.evaluate((d) => d.open), false);
  await refs.getByText('References for auditors').click();
  await refs.getByText(payment.end_to_end_id, { exact: true }).waitFor();
  await refs.getByText('End-to-end ID (from the ERP)').waitFor();
  await screenshot(page, 'wording-payment-detail');
  assert.deepEqual(unexpectedErrors(page), []);
});

test('the code field refuses letters; a wrong code says the attempts left; signing says what happened', async () => {
  await openAutoPay();
  const form = page.getByTestId('sign-upload');
  const code = form.getByLabel('Code from your authenticator app');
  assert.equal(await code.getAttribute('inputmode'), 'numeric');
  assert.equal(await code.getAttribute('autocomplete'), 'one-time-code');
  assert.equal(await code.getAttribute('maxlength'), '6');
  assert.equal(await code.getAttribute('pattern'), '[0-9]{6}');
  await code.pressSequentially('12ab 3x4');
  assert.equal(await code.inputValue(), '1234', 'letters and spaces are dropped as they are typed');
  await code.fill('');
  await code.evaluate((el) => {
    const data = new DataTransfer();
    data.setData('text/plain', '98 76 54');
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  assert.equal(await code.inputValue(), '987654', 'a pasted code with spaces keeps its six digits');

  // A wrong code: refused without saying which factor, with the attempts left before the lock.
  const wrong = oathtoolCode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  await code.fill(wrong);
  await form.getByRole('button', { name: 'Sign upload' }).click();
  const alert = form.getByRole('alert');
  await alert.getByText('4 attempts left before two-step verification is locked for 15 minutes.').waitFor();
  assert.match(await alert.textContent(), /^The code is not correct\. Nothing was approved or signed\. 4 attempts left/);
  await screenshot(page, 'wording-attempts-left');

  // The right code: the upload is signed and the screen says so.
  await waitForStepAfter(lastUsedStep);
  lastUsedStep = timeStep();
  await code.fill(oathtoolCode(approver.secret));
  await form.getByRole('button', { name: 'Sign upload' }).click();
  const note = page.getByTestId('upload-signed');
  await note.waitFor();
  assert.match(await note.textContent(), new RegExp(`^Upload of file ${file.msg_id} signed and checked \\(1 payment\\): 1 sent to bank, 0 pending approval\\.`));
  await paymentRow().getByTestId('pre-approved').getByText('Yes').waitFor();
  await screenshot(page, 'wording-upload-signed');
  assert.deepEqual(unexpectedErrors(page), []);
});

test('the requested-date filter reads day-first dates, never mm/dd/yyyy', async () => {
  await openAutoPay();
  const input = page.getByLabel('Requested date');
  assert.equal(await input.getAttribute('type'), 'text');
  const [y, m, d] = payment.requested_execution_date.split('-');
  await input.fill(`${d}.${m}.${y}`);
  await input.press('Tab');
  assert.equal(await input.inputValue(), enDate(payment.requested_execution_date));
  await paymentRow().waitFor();
  // A US-style date is not read as one.
  await input.fill(`${m}/${d}/${y}`);
  await input.press('Tab');
  if (Number(d) > 12) {
    await page.getByText(/^Not a date\./).waitFor();
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
  }
  assert.deepEqual(unexpectedErrors(page), []);
});

test('AutoPay links to where Allow pre-approval is set, for those who may set it', async () => {
  // The approver is no AutoPay Administrator: no link.
  assert.equal(await page.getByTestId('autopay-settings-links').count(), 0);
  const adminPage = await pageAs({ client: admin });
  await openAutoPay(adminPage);
  const links = adminPage.getByTestId('autopay-settings-links');
  await links.getByRole('link', { name: `AutoPay settings of ${company.name}` }).click();
  await h1(adminPage, 'AutoPay settings').waitFor();
  assert.equal(new URL(adminPage.url()).pathname, `/company/${company.id}/autopay`);
  await adminPage.getByRole('switch', { name: 'Allow pre-approval' }).waitFor();
  assert.deepEqual(unexpectedErrors(adminPage), []);
  await adminPage.close();
});
