// Approve and pay in the browser: the Document Center sends invoices for two companies; the
// approver approves one, rejects one, approves and pays three across both companies, cancels
// approval, approves and pays again, removes one, and signs with password and a real oathtool
// code; the bundle empties and a confirmation shows. The administrator's process overview shows
// Payment approved yes/no, and the ERP endpoint lists the tokens. axe-core runs on every screen
// and the signing dialog is checked with the keyboard alone.
// The tests run in order against one store and build on each other.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchBrowser, newPage, screenshot, BASE_URL, assertAccessible } from '../support/browser.mjs';
import { firstAdmin, newCompany, newUser, activateTwoStep, adminCode, ADMIN } from '../support/org.mjs';
import { AGREEMENT, documentFor, sendDocument, approvedInvoices, TOKEN_RE } from '../support/approval.mjs';
import { oathtoolCode, timeStep, waitForStepAfter, submitSignIn } from '../support/ui.mjs';

let browser;
let admin; // API client of the System Administrator
let approver; // { id, email, password, client, secret }
let lastUsedStep; // the latest TOTP step the approver used
let page; // the approver's page
let adminPage;
const companies = {};
const inv = {}; // key -> { number, supplier, id, company }
const confirmedLastFour = {}; // invoice number -> token's last four, from the confirmation
const erpTokens = {}; // invoice number -> the full token, from the ERP endpoint

// --- Arrange helpers ---------------------------------------------------------------------------

const isoDay = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** A valid Norwegian IBAN for an 11-digit BBAN (ISO 13616 check digits). */
function norwegianIban(bban) {
  const numeric = `${bban}${'NO'.split('').map((c) => c.charCodeAt(0) - 55).join('')}00`;
  const check = 98n - (BigInt(numeric) % 97n);
  return `NO${String(check).padStart(2, '0')}${bban}`;
}

/** An IBAN as the screens show it: groups of four joined by no-break spaces. */
const grouped = (iban) => iban.replace(/(.{4})(?=.)/g, '$1\u00a0');

/** A day `days` from now as the English screens write it: "29 Nov 2026". */
const enDay = (days) => {
  const d = new Date(Date.now() + days * 86_400_000);
  return `${d.getUTCDate()} ${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()]} ${d.getUTCFullYear()}`;
};

/** A KID with a MOD10 (Luhn) check digit. */
function kid(base) {
  const digits = String(base).split('').map(Number).reverse();
  const sum = digits.reduce((s, d, i) => {
    const v = i % 2 === 0 ? d * 2 : d;
    return s + (v > 9 ? v - 9 : v);
  }, 0);
  return `${base}${(10 - (sum % 10)) % 10}`;
}

async function readyCompany(name, adminUserId) {
  const company = await newCompany(admin, { name });
  const settings = await admin.call('PATCH', `/api/v1/companies/${company.id}/settings`, {
    json: { send_workflows_to_approval: true, two_step_for_autopay: true },
  });
  assert.equal(settings.status, 200, settings.text);
  const agreement = await admin.call('POST', `/api/v1/admin/companies/${company.id}/bank-agreements`, { json: AGREEMENT });
  assert.equal(agreement.status, 201, agreement.text);
  const keys = {};
  for (const [name, scope] of [['docKey', 'documents:write'], ['erpKey', 'erp:read']]) {
    const res = await admin.call('POST', `/api/v1/admin/companies/${company.id}/integration-keys`, {
      json: { label: `${scope} for the journey`, scopes: [scope] },
    });
    assert.equal(res.status, 201, res.text);
    keys[name] = res.body.secret;
  }
  return { ...company, ...keys, adminUserId };
}

/** The Document Center sends an invoice; answers what the screens show of it. */
async function send(key, company, { supplier, orgNumber, account, number, amount, currency = 'NOK', due }) {
  const doc = documentFor(company, {
    supplier: { name: supplier, organisation_number: orgNumber, iban: norwegianIban(account) },
    invoice_number: number,
    invoice_date: isoDay(-6),
    due_date: isoDay(due),
    amount,
    currency,
    payment_reference: kid(number.replace(/\D/g, '') + '0071'),
  });
  const res = await sendDocument(company, doc);
  assert.equal(res.status, 201, res.text);
  inv[key] = { number, supplier, id: res.body.process_id, company };
}

// --- Browser helpers ---------------------------------------------------------------------------

const h1 = (p, name) => p.getByRole('heading', { level: 1, name });
const unexpectedErrors = (p) =>
  p.errors.filter((e) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(e));

const taskRow = (key) => page.locator(`[data-testid="task-list"] tr[data-invoice="${inv[key].number}"]`);
const bundle = () => page.getByTestId('bundle');
const dialog = () => page.getByRole('dialog', { name: 'Approve and pay: sign' });

async function openTasks() {
  await page.goto('/tasks');
  await h1(page, 'Tasks').waitFor();
  await page.locator('[data-testid="task-list"], [data-testid="no-tasks"]').first().waitFor();
}

async function openTask(key) {
  const { number, supplier } = inv[key];
  await page.getByRole('link', { name: `Invoice ${number} from ${supplier}` }).click();
  await page.getByRole('heading', { level: 2, name: `Invoice ${number} from ${supplier}` }).waitFor();
}

async function approveAndPay(key) {
  await openTasks();
  await openTask(key);
  await page.getByRole('button', { name: 'Approve and pay', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/tasks');
  await page.getByTestId('notice').getByText(`Invoice ${inv[key].number} is in your bundle.`).waitFor();
  await bundle().locator(`tr[data-invoice="${inv[key].number}"]`).waitFor();
}

const bundleSummary = () => page.getByTestId('bundle-summary').textContent();
const nbsp = (s) => s.replace(/\u00a0/g, ' ');

before(async () => {
  browser = await launchBrowser();

  admin = await firstAdmin();
  const me = await admin.call('GET', '/api/v1/session');
  const adminId = me.body.user.id;
  companies.north = await readyCompany('Nordvik Handel AS', adminId);
  companies.fjell = await readyCompany('Fjellstad Bygg AS', adminId);
  // Allow pre-approval is for an AutoPay Administrator: the System Administrator takes that role.
  const roles = await admin.call('PUT', `/api/v1/admin/users/${adminId}/roles`, {
    json: {
      is_system_admin: true,
      roles: { [companies.north.id]: ['autopay_administrator'], [companies.fjell.id]: ['autopay_administrator'] },
    },
  });
  assert.equal(roles.status, 200, roles.text);
  for (const c of Object.values(companies)) {
    const res = await admin.call('PATCH', `/api/v1/companies/${c.id}/settings`, { json: { allow_pre_approval: true } });
    assert.equal(res.status, 200, res.text);
  }

  const approverRoles = ['invoice_approver', 'autopay_approver'];
  approver = await newUser(admin, {
    name: 'Ingrid Approver',
    roles: { [companies.north.id]: approverRoles, [companies.fjell.id]: approverRoles },
  });
  approver.secret = (await activateTwoStep(approver.client)).secret;
  lastUsedStep = timeStep();

  const { north, fjell } = companies;
  await send('plain', north, { supplier: 'Kontorrekvisita AS', orgNumber: '913456782', account: '86011117947', number: 'KR-20417', amount: '1250.50', due: 12 });
  await send('power', north, { supplier: 'Elektro Nord AS', orgNumber: '918273645', account: '15032080119', number: 'EN-88412', amount: '18400.00', due: 20 });
  await send('clean', north, { supplier: 'Renhold Partner AS', orgNumber: '927364518', account: '12345678903', number: 'RP-3310', amount: '3200.00', due: 9 });
  await send('coffee', north, { supplier: 'Kaffebrenneriet AS', orgNumber: '936451827', account: '60110512349', number: 'KB-7781', amount: '845.00', due: 15 });
  await send('late', north, { supplier: 'Trykk og Papir AS', orgNumber: '945182736', account: '97101234564', number: 'TP-1209', amount: '5600.00', due: 25 });
  await send('steel', fjell, { supplier: 'Stål og Betong AS', orgNumber: '954827361', account: '32070512341', number: 'SB-55120', amount: '125000.00', due: 14 });
  // The same supplier, amount and invoice date again: a possible duplicate.
  await send('dup', north, { supplier: 'Kontorrekvisita AS', orgNumber: '913456782', account: '86011117947', number: 'KR-20431', amount: '1250.50', due: 40 });
  await send('alps', fjell, { supplier: 'Alpine Equipment AS', orgNumber: '963518274', account: '52060987654', number: 'AE-2026-88', amount: '2450.00', currency: 'EUR', due: 30 });

  page = await newPage(browser);
  const [name, value] = approver.client.cookie.split(/=(.*)/s);
  await page.context().addCookies([{ name, value, url: BASE_URL }]);
});

after(async () => { await browser?.close(); });

test('the task list shows my open invoices of both companies, filtered and sorted', async () => {
  await openTasks();
  assert.equal(await page.getByTestId('signed-in-user').textContent(), 'Ingrid Approver');
  const rows = page.locator('[data-testid="task-list"] tbody tr');
  assert.equal(await rows.count(), 8);
  // Amount right-aligned with its currency; company and supplier in their columns.
  const steel = taskRow('steel');
  assert.equal(nbsp(await steel.locator('td.num').textContent()), '125,000.00 NOK');
  assert.equal(await steel.locator('td.num').evaluate((td) => getComputedStyle(td).textAlign), 'right');
  await steel.getByText('Fjellstad Bygg AS').waitFor();
  await steel.getByText('Stål og Betong AS').waitFor();
  assert.equal(await page.locator('[data-testid="task-list"] th[scope="col"]').count(), 6);
  await screenshot(page, 'tasks');
  await assertAccessible(page, 'the task list');

  // Sorted by due date by default: the earliest first.
  assert.equal(await rows.first().getAttribute('data-invoice'), inv.clean.number);
  // By amount: largest first, per currency (EUR before NOK).
  await page.getByLabel('Sort by').selectOption('amount');
  await page.waitForFunction((n) => document.querySelector('[data-testid="task-list"] tbody tr')?.dataset.invoice === n, inv.alps.number);
  assert.equal(await rows.nth(1).getAttribute('data-invoice'), inv.steel.number);
  // One company only.
  await page.getByLabel('Company').selectOption({ label: 'Fjellstad Bygg AS' });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="task-list"] tbody tr').length === 2);
  await page.getByLabel('Company').selectOption({ label: 'All my companies' });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="task-list"] tbody tr').length === 8);
  // Warnings show as badges with their message.
  const duplicate = page.locator(`[data-testid="task-list"] tr[data-invoice="KR-20431"] [data-warning="possible_duplicate"]`);
  assert.equal(await duplicate.count(), 1);
  assert.match(await duplicate.textContent(), /^Possible duplicate of invoice .+: same supplier, amount and invoice date\.$/);
  assert.deepEqual(unexpectedErrors(page), []);
});

test('a task shows all invoice data, the PDF, history and comments; Approve completes it', async () => {
  await openTasks();
  await openTask('plain');
  const facts = page.locator('.invoice-facts');
  await facts.getByText('913456782').waitFor();
  // Grouped in fours for reading, never broken inside.
  assert.equal(await page.getByTestId('supplier-account').textContent(), grouped(norwegianIban('86011117947')));
  await facts.getByText('KR-20417').waitFor();
  assert.equal(nbsp(await page.getByTestId('invoice-amount').textContent()), '1,250.50 NOK');
  const pdf = page.locator(`iframe[title="Invoice KR-20417 from Kontorrekvisita AS (PDF)"]`);
  assert.equal(await pdf.getAttribute('src'), `/api/v1/tasks/${inv.plain.id}/pdf`);
  await page.getByTestId('history').locator('tbody tr').first().waitFor();
  await page.getByRole('button', { name: 'Approve and pay', exact: true }).waitFor();
  await screenshot(page, 'task');
  await assertAccessible(page, 'the task');

  await page.getByRole('textbox', { name: 'Add a comment' }).fill('Checked against the purchase order 4471.');
  await page.getByRole('button', { name: 'Add comment' }).click();
  await page.getByTestId('comments').getByText('Checked against the purchase order 4471.').waitFor();

  await page.getByRole('button', { name: 'Approve', exact: true }).click();
  await page.getByTestId('task-notice').getByText('You approved invoice KR-20417.').waitFor();
  await page.getByText('This invoice is decided').waitFor();
  await openTasks();
  assert.equal(await taskRow('plain').count(), 0);
  assert.deepEqual(unexpectedErrors(page), []);
});

test('rejecting needs a comment; someone acting first is told, and the task reloads', async () => {
  await openTasks();
  await openTask('coffee');
  await page.getByRole('button', { name: 'Reject', exact: true }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'reject-reason');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter'); // "Reject invoice", by keyboard
  await page.getByText('Write why you reject the invoice').waitFor();
  assert.equal(await page.getByLabel('Why do you reject this invoice?').getAttribute('aria-invalid'), 'true');
  await page.getByLabel('Why do you reject this invoice?').fill('Not our order: nobody here ordered coffee beans.');
  await page.getByRole('button', { name: 'Reject invoice' }).click();
  await page.getByTestId('task-notice').getByText('You rejected invoice KB-7781.').waitFor();
  await page.getByTestId('history').getByText('Not our order').first().waitFor();

  // The page shows TP-1209; meanwhile the same approver approves it elsewhere (another tab).
  await openTasks();
  await openTask('late');
  const shown = await approver.client.call('GET', `/api/v1/tasks/${inv.late.id}`);
  const elsewhere = await approver.client.call('POST', `/api/v1/tasks/${inv.late.id}/approve`, { json: { expected_version: shown.body.version } });
  assert.equal(elsewhere.status, 200, elsewhere.text);
  await page.getByRole('button', { name: 'Approve', exact: true }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'The invoice has been reloaded with its current state.' });
  await alert.waitFor();
  await page.getByText('This invoice is decided').waitFor();
  assert.deepEqual(unexpectedErrors(page), []);
});

test('approve and pay moves three invoices of two companies into the bundle; Cancel approval returns them', async () => {
  for (const key of ['power', 'clean', 'steel']) await approveAndPay(key);
  assert.equal(nbsp(await bundleSummary()), '3 invoices to approve and pay · 146,600.00 NOK');
  assert.equal(await bundle().locator('.bundle-group').count(), 2);
  for (const key of ['power', 'clean', 'steel']) assert.equal(await taskRow(key).count(), 0);
  await screenshot(page, 'bundle');
  await assertAccessible(page, 'the bundle');

  // The bundle is kept on the server: a reload shows the same.
  await page.reload();
  await bundle().waitFor();
  assert.equal(nbsp(await bundleSummary()), '3 invoices to approve and pay · 146,600.00 NOK');

  // Cancel approval asks first, saying what it does; "No" keeps the bundle as it was.
  await bundle().getByRole('button', { name: 'Cancel approval' }).click();
  const ask = bundle().getByRole('group', { name: 'Cancel approval' });
  await ask.getByText('Cancel the approval of all 3 invoices? They go back to your task list, unapproved; nothing is paid.').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Yes, cancel approval', 'focus moves to the answer');
  await ask.getByRole('button', { name: 'No, keep my bundle' }).click();
  assert.equal(nbsp(await bundleSummary()), '3 invoices to approve and pay · 146,600.00 NOK');
  await bundle().getByRole('button', { name: 'Cancel approval' }).click();
  await bundle().getByRole('button', { name: 'Yes, cancel approval' }).click();
  await page.getByTestId('notice').getByText('Approval cancelled').waitFor();
  await bundle().waitFor({ state: 'detached' });
  for (const key of ['power', 'clean', 'steel']) await taskRow(key).waitFor();
  assert.deepEqual(unexpectedErrors(page), []);
});

test('approve and pay again, then remove one invoice from the bundle', async () => {
  for (const key of ['power', 'clean', 'steel']) await approveAndPay(key);
  await bundle().getByRole('button', { name: `Remove invoice ${inv.clean.number} from the bundle` }).click();
  await page.getByTestId('notice').getByText(`Invoice ${inv.clean.number} is out of the bundle`).waitFor();
  await taskRow('clean').waitFor();
  assert.equal(nbsp(await bundleSummary()), '2 invoices to approve and pay · 143,400.00 NOK');
  assert.deepEqual(unexpectedErrors(page), []);
});

test('the signing dialog shows what is signed, keeps focus inside and closes with Escape', async () => {
  const pay = bundle().getByRole('button', { name: 'Pay', exact: true });
  await pay.focus();
  await page.keyboard.press('Enter');
  await dialog().waitFor();
  const inDialog = () => page.evaluate(() => document.querySelector('dialog[open]')?.contains(document.activeElement) ?? false);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'sign-password');
  // Exactly what is signed: every payee, account, amount and due date, per company, and totals.
  const content = dialog().getByTestId('signing-content');
  for (const key of ['power', 'steel']) {
    const row = content.locator(`tr[data-invoice="${inv[key].number}"]`);
    await row.getByText(inv[key].supplier).waitFor();
  }
  await content.locator('table[data-company="Nordvik Handel AS"]').getByText(grouped(norwegianIban('15032080119'))).waitFor();
  await content.locator('table[data-company="Fjellstad Bygg AS"]').getByText(enDay(14), { exact: true }).waitFor();
  assert.equal(await content.locator(`tr[data-invoice="${inv.clean.number}"]`).count(), 0);
  assert.equal(nbsp(await dialog().getByTestId('signing-totals').textContent()), 'Total NOK143,400.00 NOK');
  const code = dialog().getByLabel('Code from your authenticator app');
  assert.equal(await code.getAttribute('inputmode'), 'numeric');
  assert.equal(await code.getAttribute('autocomplete'), 'one-time-code');
  await screenshot(page, 'signing-dialog');
  await assertAccessible(page, 'the signing dialog');

  // Tab cycles inside: past the last element back to the first, and Shift+Tab the other way.
  const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select, textarea, [tabindex="0"]';
  const count = await page.evaluate((sel) => document.querySelector('dialog[open]').querySelectorAll(sel).length, FOCUSABLE);
  const seen = new Set();
  for (let i = 0; i < count + 2; i++) {
    await page.keyboard.press('Tab');
    assert.ok(await inDialog(), `focus inside after ${i + 1} Tab`);
    seen.add(await page.evaluate(() => document.activeElement.id || document.activeElement.textContent));
  }
  assert.ok(seen.has('sign-password') && seen.has('Cancel'), [...seen].join(', '));
  await page.evaluate((sel) => document.querySelector('dialog[open]').querySelector(sel).focus(), FOCUSABLE);
  await page.keyboard.press('Shift+Tab');
  assert.ok(await inDialog(), 'focus inside after Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Cancel');

  await page.keyboard.press('Escape');
  await dialog().waitFor({ state: 'hidden' });
  assert.equal(await bundle().locator('.bundle-group').count(), 2, 'closing changes nothing');
  assert.deepEqual(unexpectedErrors(page), []);
});

test('a wrong factor is announced; a bundle changed since it was shown is refused and reloaded', async () => {
  await bundle().getByRole('button', { name: 'Pay', exact: true }).click();
  await dialog().waitFor();
  await dialog().getByLabel('Password').fill('not my password at all');
  await dialog().getByLabel('Code from your authenticator app').fill('000000');
  await dialog().getByRole('button', { name: 'Sign and pay' }).click();
  await dialog().getByRole('alert').getByText('The password or code is not correct. Nothing was signed.').waitFor();

  // Another tab adds an invoice to the bundle while the dialog shows two.
  const shown = await approver.client.call('GET', `/api/v1/tasks/${inv.alps.id}`);
  const added = await approver.client.call('POST', `/api/v1/tasks/${inv.alps.id}/approve-and-pay`, { json: { expected_version: shown.body.version } });
  assert.equal(added.status, 200, added.text);
  await dialog().getByLabel('Password').fill(approver.password);
  await dialog().getByLabel('Code from your authenticator app').fill('000000');
  await dialog().getByRole('button', { name: 'Sign and pay' }).click();
  await dialog().getByRole('alert').getByText('The bundle changed since it was shown').waitFor();
  await dialog().getByTestId('signing-content').locator(`tr[data-invoice="${inv.alps.number}"]`).waitFor();
  await dialog().getByRole('button', { name: 'Cancel' }).click();
  await dialog().waitFor({ state: 'hidden' });
  await bundle().getByRole('button', { name: `Remove invoice ${inv.alps.number} from the bundle` }).click();
  await taskRow('alps').waitFor();
  assert.deepEqual(unexpectedErrors(page), []);
});

test('paying with password and a fresh oathtool code signs both companies and empties the bundle', async () => {
  await bundle().getByRole('button', { name: 'Pay', exact: true }).click();
  await dialog().waitFor();
  await dialog().getByLabel('Password').fill(approver.password);
  await waitForStepAfter(lastUsedStep);
  lastUsedStep = timeStep();
  await dialog().getByLabel('Code from your authenticator app').fill(oathtoolCode(approver.secret));
  await dialog().getByRole('button', { name: 'Sign and pay' }).click();

  const confirmation = page.getByTestId('sign-confirmation');
  // Issue 12: nothing is paid yet, so the confirmation does not say so; it gives the total and
  // the next step, and no internal bundle id.
  await confirmation.getByText('Signed: 2 invoices approved and pre-approved for payment').waitFor();
  assert.equal(nbsp(await confirmation.getByTestId('signed-totals').textContent()), 'Total 143,400.00 NOK');
  await confirmation.getByText(/^Nothing is paid yet\. Next, your ERP puts these invoices in its payment file/).waitFor();
  assert.equal(await confirmation.getByText(/^Bundle /).count(), 0, 'no internal bundle id');
  await dialog().waitFor({ state: 'hidden' });
  await bundle().waitFor({ state: 'detached' });
  for (const key of ['power', 'steel']) {
    const item = confirmation.locator(`li[data-invoice="${inv[key].number}"]`);
    const text = nbsp(await item.textContent());
    const match = text.match(/approval token …([0-9A-HJKMNP-TV-Z]{4})$/);
    assert.ok(match, text);
    confirmedLastFour[inv[key].number] = match[1];
  }
  await confirmation.locator('[data-company="Nordvik Handel AS"]').waitFor();
  await confirmation.locator('[data-company="Fjellstad Bygg AS"]').waitFor();
  assert.equal(await confirmation.getByRole('heading', { level: 2 }).count(), 1);
  assert.equal(await page.locator('[role="status"][data-testid="sign-confirmation"]').count(), 1);
  await screenshot(page, 'sign-confirmation');
  assert.deepEqual(unexpectedErrors(page), []);
});

test('the process overview is for System Administrators: Payment approved yes for the paid, no for the others', async () => {
  await page.goto('/process-overview');
  await page.getByTestId('needs-admin').waitFor();

  adminPage = await newPage(browser);
  await adminPage.goto('/process-overview');
  await submitSignIn(adminPage, { email: ADMIN.email, password: ADMIN.password, code: await adminCode() });
  await adminPage.locator('[data-testid="process-list"]').waitFor();
  const row = (key) => adminPage.locator(`[data-testid="process-list"] tr[data-invoice="${inv[key].number}"]`);
  for (const key of ['power', 'steel']) {
    assert.equal(await row(key).getByTestId('payment-approved').textContent(), 'Yes', key);
  }
  for (const key of ['plain', 'dup', 'clean', 'coffee', 'late', 'alps']) {
    assert.equal(await row(key).getByTestId('payment-approved').textContent(), 'No', key);
  }
  await row('late').getByText('Ingrid Approver').waitFor();
  await row('coffee').getByText('Rejected').waitFor();
  await screenshot(adminPage, 'process-overview');
  await assertAccessible(adminPage, 'the process overview');

  // Filters (other test files may have added processes of other companies to the store).
  const rowCount = (n) => adminPage.waitForFunction((n) => document.querySelectorAll('[data-testid="process-list"] tbody tr').length === n, n);
  await adminPage.getByLabel('Company').selectOption({ label: 'Nordvik Handel AS' });
  await adminPage.getByLabel('Payment approved').selectOption('yes');
  await rowCount(1);
  await row('power').waitFor();
  await adminPage.getByLabel('Company').selectOption({ label: 'Fjellstad Bygg AS' });
  await adminPage.getByLabel('Payment approved').selectOption('no');
  await rowCount(1);
  await row('alps').waitFor();
  await adminPage.getByLabel('Status').selectOption('awaiting_approval');
  await rowCount(1);
  await adminPage.getByLabel('Status').selectOption('rejected');
  await adminPage.getByText('No process matches these filters.').waitFor();
  await adminPage.getByRole('button', { name: 'Clear filters' }).click();
  await adminPage.waitForFunction(() => document.querySelectorAll('[data-testid="process-list"] tbody tr').length >= 8);
  assert.deepEqual(unexpectedErrors(adminPage), []);
  assert.deepEqual(unexpectedErrors(page), []);
});

test('the ERP endpoint lists the approval tokens of the paid invoices', async () => {
  for (const [company, paid, unpaid] of [[companies.north, 'power', 'plain'], [companies.fjell, 'steel', null]]) {
    const res = await approvedInvoices(company);
    assert.equal(res.status, 200, res.text);
    const item = res.body.items.find((i) => i.invoice_number === inv[paid].number);
    assert.ok(item, `${paid} listed`);
    assert.match(item.approval_token, TOKEN_RE);
    assert.equal(item.payment_approved, true);
    assert.equal(item.approval_token.slice(-4), confirmedLastFour[inv[paid].number]);
    erpTokens[item.invoice_number] = item.approval_token;
    if (unpaid) {
      const other = res.body.items.find((i) => i.invoice_number === inv[unpaid].number);
      assert.ok(other, `${unpaid} listed`);
      assert.equal(other.approval_token, null);
      assert.equal(other.payment_approved, false);
    }
  }
});

test('a process shows its data, history and token (last four only); the administrator revokes it', async () => {
  const { number, supplier } = inv.steel;
  await adminPage.getByRole('link', { name: number, exact: true }).click();
  await adminPage.getByRole('heading', { level: 2, name: `Invoice ${number} from ${supplier}` }).waitFor();
  const lastFour = confirmedLastFour[number];
  assert.equal(await adminPage.getByTestId('token-last-four').textContent(), `…${lastFour}`);
  assert.ok(!(await adminPage.content()).includes(erpTokens[number]), 'the full token is not in the page');
  await adminPage.getByTestId('history').locator('tbody tr').nth(1).waitFor();
  await adminPage.getByTestId('history').getByText('Ingrid Approver').first().waitFor();
  await screenshot(adminPage, 'process-detail');
  await assertAccessible(adminPage, 'a process');

  await adminPage.getByRole('button', { name: 'Revoke token' }).click();
  await adminPage.getByText(`Revoke the token ending ${lastFour}?`).waitFor();
  await adminPage.waitForFunction(() => document.activeElement?.closest('[role="group"]') && document.activeElement.textContent === 'Revoke token');
  await adminPage.keyboard.press('Enter');
  await adminPage.getByTestId('token').getByText('Revoked').waitFor();
  await adminPage.locator('.warnings [data-warning="token_revoked"]').waitFor();
  assert.deepEqual(unexpectedErrors(adminPage), []);
});

test('when a prerequisite is missing, the task says which instead of offering Approve and pay', async () => {
  const off = await admin.call('PATCH', `/api/v1/companies/${companies.fjell.id}/settings`, { json: { allow_pre_approval: false } });
  assert.equal(off.status, 200, off.text);
  await openTasks();
  await openTask('alps');
  const missing = page.getByTestId('approve-and-pay-missing');
  await missing.getByText('Pre-approval is not allowed in Fjellstad Bygg AS.').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Approve and pay', exact: true }).count(), 0);
  await page.getByRole('button', { name: 'Approve', exact: true }).waitFor();
  assert.deepEqual(unexpectedErrors(page), []);
});
