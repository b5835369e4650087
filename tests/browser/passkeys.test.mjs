// Passkeys in the browser, with Chromium's virtual authenticator (CDP WebAuthn: CTAP2, internal,
// resident keys, user verification): an approver adds a passkey on My details (password and a
// fresh oathtool code, then the ceremony) and renames it; approves and pays an invoice on its
// task and signs the bundle with the passkey; sees an assertion made for a bundle that another
// tab changed after the options were fetched refused with the server's sentence, the dialog
// showing the new bundle; approves an AutoPay payment (after a cancelled prompt, one calm
// sentence) and signs an upload with the passkey; removes the passkey with a code, and one added
// again with itself; and a System Administrator switches on "Require a passkey for Approve and pay". WebAuthn refuses an IP
// address as relying party, so the approver's pages are opened at http://localhost:<port> (the
// Worker runs with PASSKEY_RP_ID=localhost, support/app.mjs). Screenshots at 1280 and 390 px,
// My details also in Norwegian; axe on My details and the signing dialog.
// The tests run in order and build on each other.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, screenshot, BASE_URL, assertAccessible, newContext } from '../support/browser.mjs';
import { firstAdmin, newUser, activateTwoStep } from '../support/org.mjs';
import { newInvoice, approveAndPay } from '../support/approval.mjs';
import { autopayCompany, preApprovedInvoices, regularInvoices, exported, upload, payments, msgIdOf } from '../support/autopay.mjs';
import { oathtoolCode, timeStep, waitForStepAfter } from '../support/ui.mjs';

const LOCAL = BASE_URL.replace('127.0.0.1', 'localhost');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

let browser;
let admin;
let company;
let uploadCompany;
let uploadXml;
let approver;
let page;
/** The last TOTP step the approver's guard saw used: a code of a later step is fresh. */
let lastStep;

const h1 = (p, name) => p.getByRole('heading', { level: 1, name });
const unexpectedErrors = (p) =>
  p.errors.filter((e) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(e));
const dialog = () => page.getByRole('dialog', { name: 'Approve and pay: sign' });
const passkeys = () => page.getByTestId('passkeys');

/** A code of a TOTP step after the last one used. */
async function freshCode() {
  await waitForStepAfter(lastStep);
  lastStep = timeStep();
  return oathtoolCode(approver.secret);
}

async function openMyDetails() {
  await page.goto('/my-details');
  await h1(page, 'My details').waitFor();
  await passkeys().getByRole('heading', { name: 'Passkeys' }).waitFor();
}

before(async () => {
  browser = await launchBrowser();
  admin = await firstAdmin();
  company = await autopayCompany(admin, { level: 'on_approval', approvers: 1, preApproval: true });
  // Two-step on upload: its file waits for an AutoPay Approver's signature.
  uploadCompany = await autopayCompany(admin, { level: 'on_upload_and_approval', approvers: 1, preApproval: true });
  approver = await newUser(admin, {
    name: 'Petra Passkey',
    roles: Object.fromEntries([company, uploadCompany].map((c) => [c.id, ['invoice_approver', 'autopay_approver']])),
  });
  approver.secret = (await activateTwoStep(approver.client)).secret;
  // Signed with the next step's code (support/autopay.mjs), exported for the upload test.
  await preApprovedInvoices(approver, uploadCompany, 1);
  lastStep = timeStep() + 1;
  uploadXml = await exported(uploadCompany, 'pre-approved');

  const context = await newContext(browser, { baseURL: LOCAL });
  page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  const [name, value] = approver.client.cookie.split(/=(.*)/s);
  await context.addCookies([{ name, value, url: LOCAL }]);
  await page.setViewportSize(DESKTOP);

  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
});

after(async () => { await browser?.close(); });

test('an approver adds a passkey on My details with password and code, and renames it', async () => {
  await openMyDetails();
  await passkeys().getByText('You have no passkeys yet.').waitFor();
  assert.match(await passkeys().textContent(), /signs exactly the payments you are shown \(amount and payee\)/);

  await passkeys().getByRole('button', { name: 'Add a passkey' }).click();
  await passkeys().getByLabel('Password').fill(approver.password);
  await passkeys().getByLabel('Code from your authenticator app').fill(await freshCode());
  await passkeys().getByRole('button', { name: 'Continue' }).click();
  const item = passkeys().getByTestId('passkey');
  await item.waitFor();
  assert.equal(await item.count(), 1);
  assert.ok((await item.locator('.passkey-name').textContent()).trim().length > 0, 'the server named it');
  await item.getByText('Not used yet.').waitFor();

  await item.getByRole('button', { name: 'Rename' }).click();
  await item.getByLabel('Name', { exact: true }).fill('Work laptop');
  await item.getByRole('button', { name: 'Save the name' }).click();
  await passkeys().locator('[data-testid="passkey"][data-passkey="Work laptop"]').waitFor();

  await assertAccessible(page, 'My details with a passkey');
  await passkeys().scrollIntoViewIfNeeded();
  await screenshot(page, 'passkeys-my-details-1280');
  await page.setViewportSize(PHONE);
  await screenshot(page, 'passkeys-my-details-390');
  await page.setViewportSize(DESKTOP);
  assert.deepEqual(unexpectedErrors(page), []);
});

test('approve and pay on a task, then sign the bundle with the passkey', async () => {
  const number = `PK-${Date.now()}`;
  const id = await newInvoice(company, { invoice_number: number, supplier: { name: 'Passkey Papir AS' } });
  await page.goto(`/tasks/${id}`);
  await page.getByRole('button', { name: 'Approve and pay', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/tasks');
  const bundle = page.getByTestId('bundle');
  await bundle.locator(`tr[data-invoice="${number}"]`).waitFor();
  await bundle.getByRole('button', { name: 'Pay', exact: true }).click();
  await dialog().waitFor();
  const withPasskey = dialog().getByRole('button', { name: 'Sign with passkey' });
  await withPasskey.waitFor();
  // The passkey first (focused); password and code wait behind a link.
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Sign with passkey');
  assert.equal(await dialog().getByLabel('Code from your authenticator app').count(), 0);
  await assertAccessible(page, 'the signing dialog with a passkey');
  await screenshot(page, 'passkeys-signing-dialog-1280');
  await page.setViewportSize(PHONE);
  await screenshot(page, 'passkeys-signing-dialog-390');
  await page.setViewportSize(DESKTOP);
  await dialog().getByRole('button', { name: 'Use password and code instead' }).click();
  await dialog().getByLabel('Code from your authenticator app').waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'sign-password');
  assert.equal(await withPasskey.count(), 0);
  await dialog().getByRole('button', { name: 'Cancel' }).click();
  await dialog().waitFor({ state: 'hidden' });

  // Opened again, the passkey is offered first again; it signs.
  await bundle.getByRole('button', { name: 'Pay', exact: true }).click();
  await withPasskey.click();
  await dialog().waitFor({ state: 'hidden' });
  await page.getByRole('heading', { level: 2, name: /^Signed: 1 invoice approved/ }).waitFor();
  assert.equal(await bundle.count(), 0, 'the bundle is signed');
  assert.deepEqual(unexpectedErrors(page), []);
});

test('an assertion for a bundle that changed after the options were fetched is refused, and the new bundle shows', async () => {
  const first = `PK-${Date.now()}-A`;
  const second = `PK-${Date.now()}-B`;
  await approveAndPay(approver, await newInvoice(company, { invoice_number: first }));
  const later = await newInvoice(company, { invoice_number: second });
  await page.goto('/tasks');
  const bundle = page.getByTestId('bundle');
  await bundle.locator(`tr[data-invoice="${first}"]`).waitFor();
  await bundle.getByRole('button', { name: 'Pay', exact: true }).click();
  await dialog().waitFor();

  // The options are fetched for the bundle shown; before the browser signs, another tab adds an
  // invoice to the bundle.
  await page.route('**/api/v1/bundle/passkey-options', async (route) => {
    const answer = await route.fetch();
    await approveAndPay(approver, later);
    await route.fulfill({ response: answer });
  });
  await dialog().getByRole('button', { name: 'Sign with passkey' }).click();
  const alert = dialog().getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /The bundle changed since it was shown/);
  await dialog().getByTestId('signing-content').locator(`tr[data-invoice="${second}"]`).waitFor();
  await page.unroute('**/api/v1/bundle/passkey-options');
  await screenshot(page, 'passkeys-bundle-changed-1280');

  // The bundle now shown signs.
  await dialog().getByRole('button', { name: 'Sign with passkey' }).click();
  await dialog().waitFor({ state: 'hidden' });
  await page.getByRole('heading', { level: 2, name: /^Signed: 2 invoices approved/ }).waitFor();
  assert.deepEqual(unexpectedErrors(page), []);
});

test('an AutoPay payment is approved with the passkey', async () => {
  await regularInvoices(approver, company, 1);
  const xml = await exported(company, 'regular');
  const uploaded = await upload(company, xml);
  assert.equal(uploaded.status, 201, uploaded.text);
  const waiting = (await payments(approver, `?company=${company.id}&status=pending_approval`));
  assert.equal(waiting.length, 1, JSON.stringify(waiting));
  await page.goto(`/autopay/payments/${waiting[0].id}`);
  await page.getByRole('heading', { level: 2, name: 'Approve payment' }).waitFor();
  const withPasskey = page.getByRole('button', { name: 'Approve with passkey' });
  await screenshot(page, 'passkeys-autopay-approve-1280');
  await page.setViewportSize(PHONE);
  await screenshot(page, 'passkeys-autopay-approve-390');
  await page.setViewportSize(DESKTOP);

  // The user cancels the browser's prompt: a calm sentence, nothing approved.
  await page.evaluate(() => {
    navigator.credentials.get = () => Promise.reject(new DOMException('The operation either timed out or was not allowed.', 'NotAllowedError'));
  });
  await withPasskey.click();
  await page.getByRole('alert').getByText('No passkey was used: the request was cancelled or took too long. You can try again.').waitFor();
  assert.equal(await page.getByTestId('payment-status').textContent(), 'Pending approval');
  await page.reload();

  await withPasskey.click();
  await page.waitForFunction(() => document.querySelector('[data-testid="payment-status"]')?.textContent === 'Sent to bank');
  assert.equal(await page.getByTestId('approve-payment').count(), 0);
  assert.deepEqual(unexpectedErrors(page), []);
});

test('an upload waiting for signing is signed with the passkey', async () => {
  const up = await upload(uploadCompany, uploadXml);
  assert.equal(up.status, 201, up.text);
  assert.equal(up.body.status, 'pending_signing');
  await page.goto('/autopay');
  const form = page.getByTestId('sign-upload').filter({ hasText: msgIdOf(uploadXml) });
  await form.getByRole('button', { name: 'Sign with passkey' }).click();
  const note = page.getByTestId('upload-signed');
  await note.waitFor();
  assert.match(await note.textContent(), new RegExp(`^Upload of file ${msgIdOf(uploadXml)} signed and checked \\(1 payment\\): 1 sent to bank`));
  await screenshot(page, 'passkeys-upload-signed-1280');
  assert.deepEqual(unexpectedErrors(page), []);
});

test('My details in Norwegian shows the passkey as used; it is removed with a code', async () => {
  await openMyDetails();
  const item = passkeys().locator('[data-testid="passkey"][data-passkey="Work laptop"]');
  await item.getByText(/Last used/).waitFor();

  // In Norwegian (the footer's switch), then back.
  await page.getByTestId('my-language').getByTestId('language-nb').click();
  await page.getByRole('heading', { name: 'Passnøkler' }).waitFor();
  await item.getByText(/Sist brukt/).waitFor();
  await passkeys().scrollIntoViewIfNeeded();
  await screenshot(page, 'passkeys-my-details-nb-1280');
  await page.setViewportSize(PHONE);
  await screenshot(page, 'passkeys-my-details-nb-390');
  await page.setViewportSize(DESKTOP);
  await page.getByTestId('my-language').getByTestId('language-en').click();
  await passkeys().getByRole('heading', { name: 'Passkeys' }).waitFor();
  // My details draws its cards again for the new language: the passkey list is back in English
  // (and the absence card below it loaded) before a button of it is pressed.
  await item.getByText(/Last used/).waitFor();
  await page.getByTestId('absences').getByRole('heading', { name: 'Absence and substitute' }).waitFor();
  await page.getByTestId('absences').getByLabel('Substitute').waitFor();

  await item.getByRole('button', { name: 'Remove' }).click();
  await item.getByLabel('Code from your authenticator app').fill(await freshCode());
  await item.getByRole('button', { name: 'Remove the passkey' }).click();
  await passkeys().getByText('You have no passkeys yet.').waitFor();
  // Without a passkey the signing forms offer only password and code again.
  const me = await approver.client.call('GET', '/api/v1/session');
  assert.equal(me.body.user.passkeys, 0);
  assert.deepEqual(unexpectedErrors(page), []);
});

test('a passkey added again is removed with a passkey in place of the code', async () => {
  await passkeys().getByRole('button', { name: 'Add a passkey' }).click();
  await passkeys().getByLabel('Password').fill(approver.password);
  await passkeys().getByLabel('Code from your authenticator app').fill(await freshCode());
  await passkeys().getByRole('button', { name: 'Continue' }).click();
  const item = passkeys().getByTestId('passkey');
  await item.waitFor();
  await item.getByRole('button', { name: 'Remove' }).click();
  await item.getByRole('button', { name: 'Remove with a passkey' }).click();
  await passkeys().getByText('You have no passkeys yet.').waitFor();
  assert.deepEqual(unexpectedErrors(page), []);
});

test('a System Administrator switches on "Require a passkey for Approve and pay" for a company', async () => {
  const context = await newContext(browser);
  const adminPage = await context.newPage();
  const [name, value] = admin.cookie.split(/=(.*)/s);
  await context.addCookies([{ name, value, url: BASE_URL }]);
  await adminPage.goto('/admin/companies');
  await adminPage.getByRole('button', { name: `Edit ${company.name}` }).click();
  const editor = adminPage.getByTestId('company-editor');
  const require = editor.getByRole('switch', { name: 'Require a passkey for Approve and pay' });
  const saved = adminPage.waitForResponse((r) => r.url().endsWith(`/api/v1/companies/${company.id}/settings`) && r.request().method() === 'PATCH');
  await require.check();
  assert.equal((await saved).status(), 200);
  assert.equal(await editor.getByRole('alert').count(), 0);
  const stored = (await admin.call('GET', `/api/v1/companies/${company.id}`)).body;
  assert.equal(stored.settings.require_passkey, true);
  await editor.getByRole('heading', { name: 'Settings' }).scrollIntoViewIfNeeded();
  await screenshot(adminPage, 'passkeys-admin-require-1280');
  await context.close();
});
