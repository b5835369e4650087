// AutoPay in the browser, continuing the approve-and-pay journey: the Document Center sends
// invoices; the approver approves and pays two (one bundle, signed with a code) and approves two
// normally; the ERP exports the pre-approved and the regular payment-suggestion files. Then, in
// the browser, the approver (also AutoPay Approver) uploads the pre-approved file through the
// upload screen and sees "Sent to bank", opens a payment and its events (the pre-approval:
// approver, bundle, TOTP, file), uploads the regular file, sees "Pending approval" and approves
// one payment with a fresh oathtool code; a refused file shows its reasons with line numbers.
// The bank's pain.002 rejects a payment and the administrator's process overview shows it.
// axe-core runs on the payments overview and the payment page.
// The tests run in order against one store and build on each other.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPage, screenshot, BASE_URL, assertAccessible } from '../support/browser.mjs';
import { firstAdmin, newUser, activateTwoStep } from '../support/org.mjs';
import { autopayCompany, preApprovedInvoices, regularInvoices, exported, statusReport, sendStatusReport, msgIdOf } from '../support/autopay.mjs';
import { oathtoolCode, timeStep, waitForStepAfter } from '../support/ui.mjs';

let browser;
let admin; // API client of the System Administrator
let company;
let approver; // Invoice Approver and AutoPay Approver with two-step verification
let lastUsedStep; // the latest TOTP step the approver used
let page; // the approver's page
const files = {}; // 'pre' | 'regular' -> pain.001 XML exported by the ERP
const processIds = {}; // 'pre' | 'regular' -> the invoice processes

const h1 = (p, name) => p.getByRole('heading', { level: 1, name });
const unexpectedErrors = (p) =>
  p.errors.filter((e) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(e));
const endToEndIds = (xml) => [...xml.matchAll(/<EndToEndId>([^<]+)<\/EndToEndId>/g)].map((m) => m[1]);

async function pageAs(user) {
  const p = await newPage(browser);
  const [name, value] = user.client.cookie.split(/=(.*)/s);
  await p.context().addCookies([{ name, value, url: BASE_URL }]);
  return p;
}

async function openAutoPay() {
  await page.goto('/autopay');
  await h1(page, 'AutoPay').waitFor();
  await page.locator('[data-testid="payment-list"], [data-testid="no-payments"]').first().waitFor();
}

/** Chooses `xml` in the upload area's file input (as a user would with the keyboard or the
 * file picker) and uploads it. */
async function uploadThroughScreen(name, xml) {
  await page.getByLabel('Payment file (pain.001)').setInputFiles({ name, mimeType: 'application/xml', buffer: Buffer.from(xml) });
  await page.getByTestId('chosen-file').getByText(name).waitFor();
  await page.getByRole('button', { name: 'Upload payment file' }).click();
}

const paymentRow = (e2e) => page.locator(`[data-testid="payment-list"] tr[data-e2e="${e2e}"]`);
const uploadedRow = (e2e) => page.locator(`[data-testid="uploaded-payments"] tr[data-e2e="${e2e}"]`);

before(async () => {
  browser = await launchBrowser();
  admin = await firstAdmin();
  company = await autopayCompany(admin, { level: 'on_approval', approvers: 1, preApproval: true });
  approver = await newUser(admin, {
    name: 'Ingrid Approver',
    roles: { [company.id]: ['invoice_approver', 'autopay_approver'] },
  });
  approver.secret = (await activateTwoStep(approver.client)).secret;

  // Approve and pay two invoices (one bundle, signed with the next step's code), approve two.
  processIds.pre = await preApprovedInvoices(approver, company, 2);
  lastUsedStep = timeStep() + 1;
  processIds.regular = await regularInvoices(approver, company, 2);

  // The ERP exports them: the pre-approved ones carry their tokens in InstrId, the others none.
  files.pre = await exported(company, 'pre-approved');
  files.regular = await exported(company, 'regular');
  assert.equal(endToEndIds(files.pre).length, 2);
  assert.equal(endToEndIds(files.regular).length, 2);
  assert.equal((files.regular.match(/<InstrId>/g) ?? []).length, 0);

  page = await pageAs(approver);
});

after(async () => { await browser?.close(); });

test('without the AutoPay Approver role, AutoPay names the role that is needed', async () => {
  const other = await newUser(admin, { roles: { [company.id]: ['invoice_approver'] } });
  const p = await pageAs(other);
  await p.goto('/autopay');
  await h1(p, 'AutoPay').waitFor();
  await p.getByTestId('needs-autopay-role').getByText('You need the AutoPay Approver role').waitFor();
  assert.equal(await p.getByLabel('Payment file (pain.001)').count(), 0);
  await p.close();
});

test('a file the reader refuses is announced with its reasons and their lines', async () => {
  await openAutoPay();
  await page.getByTestId('no-payments').waitFor();
  const broken = files.pre.replace(/<NbOfTxs>2<\/NbOfTxs>/, '<NbOfTxs>7</NbOfTxs>');
  await uploadThroughScreen('broken.xml', broken);
  const alert = page.getByRole('alert').filter({ hasText: 'refused' });
  await alert.waitFor();
  assert.match(await alert.textContent(), /line \d+/);
  assert.match(await alert.textContent(), /NbOfTxs|number of transactions/i);
  await screenshot(page, 'autopay-upload-refused');
  assert.equal(await page.getByTestId('no-payments').count(), 1, 'nothing was stored');
});

test('uploading the pre-approved file through the screen sends its payments to the bank', async () => {
  await openAutoPay();
  // Hold the answer a moment so the progress bar can be seen while the file travels.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route('**/api/v1/autopay/files', async (route) => {
    if (route.request().method() === 'POST') await held;
    await route.continue();
  });
  await uploadThroughScreen('pre-approved.xml', files.pre);
  const progress = page.getByRole('progressbar', { name: 'Upload progress' });
  await progress.waitFor();
  assert.equal(await page.getByRole('button', { name: 'Uploading…' }).isDisabled(), true);
  await screenshot(page, 'autopay-upload-progress');
  release();

  const summary = page.getByTestId('upload-summary');
  await summary.getByText('2 payments: 2 sent to bank, 0 pending approval, 0 warnings.').waitFor();
  await page.unroute('**/api/v1/autopay/files');
  await summary.getByText(msgIdOf(files.pre)).waitFor();
  for (const e2e of endToEndIds(files.pre)) {
    assert.equal(await uploadedRow(e2e).getByTestId('status').textContent(), 'Sent to bank');
    assert.equal(await uploadedRow(e2e).getByTestId('pre-approved').textContent(), 'Yes');
  }
  assert.equal(await progress.count(), 0, 'the progress bar goes when the answer is in');

  // The payments overview below lists them too.
  for (const e2e of endToEndIds(files.pre)) {
    await paymentRow(e2e).waitFor();
    assert.equal(await paymentRow(e2e).getByTestId('status').textContent(), 'Sent to bank');
    assert.equal(await paymentRow(e2e).getByTestId('pre-approved').textContent(), 'Yes');
    assert.equal(await paymentRow(e2e).locator('td.num').evaluate((td) => getComputedStyle(td).textAlign), 'right');
  }
  assert.equal(await page.locator('[data-testid="payment-list"] th[scope="col"]').count(), 8);
  await screenshot(page, 'autopay-overview');
  await assertAccessible(page, 'the payments overview after an upload');
  assert.deepEqual(unexpectedErrors(page), []);
});

test('Show events on a pre-approved payment shows who pre-approved it, when, the bundle, TOTP and the file', async () => {
  const e2e = endToEndIds(files.pre)[0];
  await openAutoPay();
  await paymentRow(e2e).getByRole('link', { name: e2e }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/autopay/payments/'));
  await h1(page, 'Payment').waitFor();
  // The heading names the supplier; the ERP's end-to-end id is kept under the references.
  await page.getByRole('heading', { level: 2, name: /^Payment to / }).waitFor();
  assert.ok((await page.getByTestId('payment-references').textContent()).includes(e2e));
  assert.equal(await page.getByTestId('payment-status').textContent(), 'Sent to bank');
  assert.equal(await page.getByTestId('approve-payment').count(), 0, 'nothing to approve');

  const show = page.getByRole('button', { name: 'Show events' });
  assert.equal(await show.getAttribute('aria-expanded'), 'false');
  await show.focus();
  await page.keyboard.press('Enter');
  const events = page.getByTestId('payment-events');
  await events.waitFor();
  assert.equal(await page.getByRole('button', { name: 'Hide events' }).getAttribute('aria-expanded'), 'true');
  const pre = events.locator('tr[data-kind="pre_approved"]');
  await pre.waitFor();
  await pre.getByText('Ingrid Approver').first().waitFor();
  assert.equal(await pre.getByTestId('event-method').textContent(), 'TOTP');
  assert.ok((await pre.getByTestId('event-bundle').textContent()).length > 4, 'the bundle is named');
  await pre.getByText('Approved at').waitFor();
  const fileLink = pre.getByRole('link');
  assert.match(await fileLink.getAttribute('href'), /^\/autopay\/files\//);
  await pre.getByText('Pending approval → Sent to bank').or(pre.getByText('Sent to bank')).first().waitFor();
  await screenshot(page, 'autopay-payment-events');
  await assertAccessible(page, 'the payment page with its events');

  // The file the pre-approval names opens with its outcome per payment.
  await fileLink.click();
  await h1(page, 'Payment file').waitFor();
  await page.getByTestId('upload-summary').getByText('2 sent to bank').waitFor();
  await screenshot(page, 'autopay-file');
  assert.deepEqual(unexpectedErrors(page), []);
});

test('the regular file waits for approval; an approver approves a payment with a fresh code', async () => {
  await openAutoPay();
  await uploadThroughScreen('regular.xml', files.regular);
  await page.getByTestId('upload-summary').getByText('2 payments: 0 sent to bank, 2 pending approval, 0 warnings.').waitFor();
  const [first, second] = endToEndIds(files.regular);
  for (const e2e of [first, second]) {
    assert.equal(await uploadedRow(e2e).getByTestId('status').textContent(), 'Pending approval');
    assert.equal(await uploadedRow(e2e).getByTestId('pre-approved').textContent(), 'No');
  }
  // Filter the overview by status.
  await page.getByLabel('Status').selectOption({ label: 'Pending approval' });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="payment-list"] tbody tr').length === 2);
  await paymentRow(first).waitFor();
  await screenshot(page, 'autopay-pending-approval');

  await paymentRow(first).getByRole('link', { name: first }).click();
  await page.getByRole('heading', { level: 2, name: 'Approve payment' }).waitFor();
  assert.equal(await page.getByTestId('payment-status').textContent(), 'Pending approval');
  // Without a code the bank agreement's level ("on approval") refuses, next to the field.
  await page.getByRole('button', { name: 'Approve payment' }).click();
  await page.getByRole('alert').getByText('two-step verification on approval').waitFor();
  await page.locator('#approve-code[aria-invalid="true"]').waitFor();
  await screenshot(page, 'autopay-approve');
  await assertAccessible(page, 'the payment page with the approval form');

  await waitForStepAfter(lastUsedStep);
  lastUsedStep = timeStep();
  await page.getByLabel('Code from your authenticator app').fill(oathtoolCode(approver.secret));
  await page.getByRole('button', { name: 'Approve payment' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="payment-status"]')?.textContent === 'Sent to bank');
  assert.equal(await page.getByTestId('approve-payment').count(), 0);
  // The approval state fits a payment already sent: who approved, not "1 of 1".
  assert.match(await page.getByTestId('approvals').textContent(), /^Approved in AutoPay by Ingrid Approver( <[^>]+>)?\.$/);
  await page.getByRole('button', { name: 'Show events' }).click();
  await page.getByTestId('payment-events').locator('tr[data-kind="approved"]').getByText('Ingrid Approver').first().waitFor();
  await screenshot(page, 'autopay-approved');

  // Back in the overview: one sent to bank without pre-approval, one still pending.
  await openAutoPay();
  assert.equal(await paymentRow(first).getByTestId('status').textContent(), 'Sent to bank');
  assert.equal(await paymentRow(first).getByTestId('pre-approved').textContent(), 'No');
  assert.equal(await paymentRow(second).getByTestId('status').textContent(), 'Pending approval');
  assert.deepEqual(unexpectedErrors(page), []);
});

test('a bank rejection from a pain.002 report shows in AutoPay and as a warning in the process overview', async () => {
  const rejected = endToEndIds(files.pre)[1];
  const accepted = endToEndIds(files.pre)[0];
  const report = statusReport(msgIdOf(files.pre), [
    { e2e: accepted, status: 'ACSC' },
    { e2e: rejected, status: 'RJCT', reason: 'AC04' },
  ]);
  const res = await sendStatusReport(company, report);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.changed, 2, res.text);

  await openAutoPay();
  await paymentRow(rejected).waitFor();
  assert.equal(await paymentRow(rejected).getByTestId('status').textContent(), 'Rejected in bank');
  await paymentRow(rejected).getByText('AC04').waitFor();
  assert.notEqual(await paymentRow(accepted).getByTestId('status').textContent(), 'Sent to bank');
  await page.getByLabel('Status').selectOption({ label: 'Rejected in bank' });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="payment-list"] tbody tr').length === 1);
  await screenshot(page, 'autopay-rejected');

  // The System Administrator's process overview shows the rejection on the invoice.
  const adminPage = await pageAs({ client: admin });
  await adminPage.goto('/process-overview');
  await h1(adminPage, 'Process overview').waitFor();
  await adminPage.getByLabel('Warning').selectOption('payment_rejected');
  // Exactly one of the two pre-approved invoices is flagged (the other was paid).
  const flagged = processIds.pre.map((id) => adminPage.locator(`[data-testid="process-list"] tr:has(a[href="/process-overview/${id}"])`));
  await adminPage.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-testid="process-list"] tbody tr')];
    return rows.length > 0 && rows.every((tr) => tr.querySelector('[data-warning="payment_rejected"]'));
  });
  const counts = await Promise.all(flagged.map((l) => l.count()));
  assert.deepEqual([...counts].sort(), [0, 1], 'one pre-approved invoice carries the rejection');
  await flagged[counts.indexOf(1)].locator('[data-warning="payment_rejected"]').waitFor();
  await screenshot(adminPage, 'process-overview-rejection');

  // The administrator may read AutoPay, but not upload or approve.
  await adminPage.goto('/autopay');
  await h1(adminPage, 'AutoPay').waitFor();
  await adminPage.getByTestId('read-only').waitFor();
  await adminPage.locator(`[data-testid="payment-list"] tr[data-e2e="${rejected}"]`).waitFor();
  assert.equal(await adminPage.getByLabel('Payment file (pain.001)').count(), 0);
  assert.deepEqual(unexpectedErrors(adminPage), []);
  await adminPage.close();
});
