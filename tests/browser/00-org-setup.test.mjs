// Organisation setup in the browser: first-run setup, companies, bank agreements, users and
// roles, the one-time password, choosing a new password, two-step verification with real
// oathtool codes and a decoded QR code, sign-in with a code, and the readiness table.
// The tests run in order, first of all suites (the store is empty), and build on each other.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchBrowser, newPage, screenshot, OUTPUT_DIR } from '../support/browser.mjs';
import { oathtoolCode, timeStep, waitForStepAfter, decodeQr, secretOf, submitSignIn } from '../support/ui.mjs';

// The first System Administrator is created here, in the browser, with the credentials every
// other test signs in with; tests/run.mjs runs this file first, on the empty store.
import { ADMIN, uniqueNorwegianIban, paperIban, adminActivatesTwoStep, adminCode, pageClient } from '../support/org.mjs';
const USER = { name: 'Ingrid Approver', email: 'ingrid@example.test', password: 'a long walk to the fjord' };
const COMPANY = 'Nordlys AS';

let browser;
let admin; // the administrator's page, signed in for the whole file
let user; // the new user's page
let oneTimePassword;
let totpSecret;
let lastUsedStep;

before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const h1 = (page, name) => page.getByRole('heading', { level: 1, name });
// Refusals the tests provoke on purpose show up as failed requests in the console; anything
// else there is a bug.
const unexpectedErrors = (page) =>
  page.errors.filter((e) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(e));

test('first run offers to set up Approve & Pay and creates the first System Administrator', async () => {
  admin = await newPage(browser);
  await admin.goto('/');
  await h1(admin, 'Set up Approve & Pay').waitFor();
  assert.equal(new URL(admin.url()).pathname, '/setup');

  await admin.getByLabel('Name').fill(ADMIN.name);
  await admin.getByLabel('E-mail').fill(ADMIN.email);
  await admin.getByLabel('Password').fill('too short');
  await admin.getByRole('button', { name: 'Create administrator' }).click();
  await admin.getByText('Use at least 12 characters.').waitFor();
  assert.equal(await admin.getByLabel('Password').getAttribute('aria-invalid'), 'true');
  await admin.getByLabel('Password').fill(ADMIN.password);
  await screenshot(admin, 'setup');
  await admin.getByRole('button', { name: 'Create administrator' }).click();

  await h1(admin, 'Administration').waitFor();
  assert.equal(new URL(admin.url()).pathname, '/admin/companies');
  assert.equal(await admin.getByTestId('signed-in-user').textContent(), ADMIN.name);
  assert.ok(await admin.getByRole('button', { name: 'Sign out' }).isVisible());

  // Afterwards the setup page is gone.
  await admin.goto('/setup');
  await admin.getByText('Approve & Pay is already set up.').waitFor();
  assert.equal(await admin.getByLabel('Password').count(), 0);
  assert.deepEqual(unexpectedErrors(admin), []);
});

test('the administrator creates a company, switches settings and adds a bank agreement', async () => {
  await admin.goto('/admin/companies');
  await admin.getByRole('button', { name: 'New company' }).click();
  const form = admin.getByRole('form', { name: 'New company' });
  await form.getByLabel('Company name').fill(COMPANY);
  await form.getByLabel('Organisation number').fill('987654321');
  await form.getByLabel('Country (ISO code)').fill('NO');
  await form.getByLabel('Base currency').fill('NOK');
  await form.getByRole('button', { name: 'Create company' }).click();

  const editor = admin.getByTestId('company-editor');
  await editor.getByRole('heading', { level: 2, name: COMPANY }).waitFor();
  await admin.locator(`tr[data-company="${COMPANY}"]`).waitFor();

  for (const name of ['Enable two-step verification for AutoPay', 'Send workflows to Approval']) {
    await editor.getByRole('switch', { name }).check();
  }
  await admin.locator(`tr[data-company="${COMPANY}"] td`).nth(3).getByText('On').waitFor();
  await admin.locator(`tr[data-company="${COMPANY}"] td`).nth(4).getByText('On').waitFor();

  // Only an AutoPay Administrator of the company may allow pre-approval: the server refuses.
  const pre = admin.getByTestId('company-editor').getByRole('switch', { name: 'Allow pre-approval' });
  await pre.click();
  const refusal = admin.getByTestId('company-editor').getByRole('alert');
  await refusal.waitFor();
  assert.match(await refusal.textContent(), /AutoPay Administrator/);
  assert.equal(await pre.isChecked(), false);

  // Bank agreements (and later roles) need the administrator's two-step verification and a
  // fresh code confirmed in the last five minutes (step-up); the page's session does it
  // through the API.
  await adminActivatesTwoStep(pageClient(admin));

  // A wrong IBAN is named next to its field.
  await editor.getByRole('button', { name: 'Add bank agreement' }).click();
  const agreement = admin.getByRole('form', { name: 'New bank agreement' });
  await agreement.getByLabel('Bank name').fill('DNB');
  await agreement.getByLabel('BIC').fill('DNBANOKK');
  await agreement.getByLabel('Debtor account (IBAN)').fill('NO93 8601 1117 948');
  await agreement.getByLabel('Two-step authentication level').selectOption({ label: 'on approval' });
  await agreement.getByLabel('Approvers the bank requires').selectOption('1');
  await agreement.getByRole('button', { name: 'Add bank agreement' }).click();
  await admin.locator('#agreement-iban-error').waitFor();
  assert.equal(await agreement.getByLabel('Debtor account (IBAN)').getAttribute('aria-invalid'), 'true');
  await screenshot(admin, 'admin-bank-agreement-error');

  const account = uniqueNorwegianIban();
  await agreement.getByLabel('Debtor account (IBAN)').fill(paperIban(account));
  await agreement.getByRole('button', { name: 'Add bank agreement' }).click();
  const row = admin.locator('tr[data-agreement="DNB"]');
  await row.waitFor();
  // Shown in groups of four, never broken inside a group.
  assert.equal(await row.locator('td').nth(1).textContent(), paperIban(account).replaceAll(' ', '\u00a0'));
  assert.equal(await row.locator('td').nth(2).textContent(), 'on approval');
  await screenshot(admin, 'admin-companies');
  assert.deepEqual(unexpectedErrors(admin), []);
});

test('the administrator creates a user, reads the one-time password once and gives roles', async () => {
  await admin.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Users' }).click();
  await h1(admin, 'Administration').waitFor();
  const form = admin.getByRole('form', { name: 'New user' });
  await form.getByLabel('Name').fill(USER.name);
  await form.getByLabel('E-mail').fill(USER.email);
  await form.getByRole('button', { name: 'Create user' }).click();
  oneTimePassword = (await admin.getByTestId('initial-password').textContent()).trim();
  assert.ok(oneTimePassword.length >= 12, oneTimePassword);
  await screenshot(admin, 'admin-users-created');

  // The page's session stepped up before the bank agreement (above): roles need it too.
  await admin.getByRole('button', { name: `Edit roles of ${USER.name}` }).click();
  const editor = admin.getByTestId('roles-editor');
  await editor.getByRole('checkbox', { name: `Invoice Approver in ${COMPANY}` }).check();
  await editor.getByRole('button', { name: 'Save roles' }).click();
  await editor.waitFor({ state: 'detached' });
  await admin.locator(`tr[data-user="${USER.email}"] .roles-cell`).getByText(`${COMPANY}: Invoice Approver`).waitFor();

  await admin.getByRole('button', { name: 'I have passed it on' }).click();
  assert.equal(await admin.getByTestId('initial-password').count(), 0);
  await screenshot(admin, 'admin-users');
  assert.deepEqual(unexpectedErrors(admin), []);
});

test('the new user signs in with the one-time password and must choose a new one first', async () => {
  user = await newPage(browser);
  await user.goto('/my-details');
  await h1(user, 'My details').waitFor();
  await submitSignIn(user, { email: USER.email, password: oneTimePassword });
  await h1(user, 'Choose a new password').waitFor();
  await screenshot(user, 'choose-password');
  await user.getByLabel('One-time or current password').fill(oneTimePassword);
  await user.getByLabel('New password', { exact: true }).fill(USER.password);
  await user.getByLabel('New password again').fill(USER.password);
  await user.getByRole('button', { name: 'Change password' }).click();

  // Back to where the user was going.
  await h1(user, 'My details').waitFor();
  assert.equal(new URL(user.url()).pathname, '/my-details');
  assert.equal(await user.getByTestId('my-email').textContent(), USER.email);
  const row = user.locator(`[data-testid="my-roles"] tr[data-company="${COMPANY}"]`);
  await row.waitFor();
  assert.match(await row.textContent(), /Invoice Approver/);
  assert.match(await row.textContent(), /Not available/);
  assert.match(await row.textContent(), /You need the AutoPay Approver role in Nordlys AS/);
  assert.match(await row.textContent(), /You have not activated two-step verification/);

  // Not a System Administrator: the navigation does not offer Administration, and the screen
  // itself says which role is needed.
  assert.equal(await user.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Administration' }).count(), 0);
  await user.goto('/admin');
  await user.getByTestId('needs-admin').waitFor();
  assert.match(await user.getByTestId('needs-admin').textContent(), /You need the System Administrator role/);
  await screenshot(user, 'admin-not-allowed');
  assert.deepEqual(unexpectedErrors(user), []);
});

test('the user activates two-step verification from the QR code / otpauth URI and an oathtool code', async () => {
  await user.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My details' }).click();
  await h1(user, 'My details').waitFor();
  await user.getByRole('button', { name: 'Activate', exact: true }).click();

  const uri = (await user.getByTestId('otpauth-uri').textContent()).trim();
  assert.match(uri, /^otpauth:\/\/totp\//);
  const params = new URL(uri).searchParams;
  assert.equal(params.get('issuer'), 'Approve & Pay');
  totpSecret = secretOf(uri);
  assert.equal((await user.getByTestId('totp-secret').textContent()).trim().replace(/\s/g, ''), totpSecret);

  const qr = user.getByRole('img', { name: 'QR code to scan with your authenticator app' });
  const qrFile = join(OUTPUT_DIR, 'two-step-qr.png');
  await qr.screenshot({ path: qrFile });
  assert.equal(decodeQr(qrFile), uri);
  await screenshot(user, 'my-details-enrolment');

  lastUsedStep = timeStep();
  await user.getByLabel('Code from your authenticator app').fill(oathtoolCode(totpSecret));
  await user.getByRole('button', { name: 'Activate two-step verification' }).click();
  await user.getByTestId('two-step-status').getByText('Active', { exact: true }).waitFor();
  await screenshot(user, 'my-details');
  assert.deepEqual(unexpectedErrors(user), []);
});

test('the user signs out and signs in again with password and a fresh code', async () => {
  await user.getByRole('button', { name: 'Sign out' }).click();
  await h1(user, 'Sign in').waitFor();
  assert.equal(await user.getByTestId('signed-in-user').count(), 0);

  // A wrong code is refused without saying which factor was wrong.
  await submitSignIn(user, { email: USER.email, password: USER.password, code: '000000' });
  const alert = user.getByRole('alert');
  await alert.waitFor();
  assert.doesNotMatch(await alert.textContent(), /code is wrong|password is wrong/i);
  await screenshot(user, 'sign-in-refused');

  await waitForStepAfter(lastUsedStep);
  lastUsedStep = timeStep();
  await submitSignIn(user, { email: USER.email, password: USER.password, code: oathtoolCode(totpSecret) });
  await h1(user, 'Tasks').waitFor();
  assert.equal(await user.getByTestId('signed-in-user').textContent(), USER.name);
  assert.deepEqual(unexpectedErrors(user), []);
});

test("the readiness table shows why the user cannot approve and pay", async () => {
  await admin.goto('/admin/readiness');
  const cell = admin.locator(`tr[data-user="${USER.name}"] td[data-company="${COMPANY}"]`);
  await cell.waitFor();
  const text = await cell.textContent();
  // The administrator reads about the user in the third person, never "You …".
  assert.ok(text.includes(`${USER.name} does not have the AutoPay Approver role in Nordlys AS.`), text);
  assert.match(text, /Pre-approval is not allowed in Nordlys AS/);
  assert.doesNotMatch(text, /\bYou\b/);
  assert.doesNotMatch(text, /has not activated two-step verification/); // the user activated it
  assert.doesNotMatch(text, /Invoice Approver/);
  await screenshot(admin, 'admin-readiness');
  assert.deepEqual(unexpectedErrors(admin), []);
});

test('integration keys are shown once and sign-in attempts are events', async () => {
  await admin.goto('/admin/keys');
  // The key is for a company: choose once the companies have loaded (a click before that is
  // answered "Choose the company the key is for.").
  await admin.locator('#key-company option').first().waitFor({ state: 'attached' });
  await admin.getByLabel('Label').fill('Visma Business test');
  await admin.getByRole('button', { name: 'Create key' }).click();
  const secret = (await admin.getByTestId('new-key-secret').textContent()).trim();
  assert.ok(secret.length >= 20, secret);
  const row = admin.locator('tr[data-key="Visma Business test"]');
  await row.waitFor();
  assert.doesNotMatch(await row.textContent(), new RegExp(secret));
  await screenshot(admin, 'admin-keys');
  await row.getByRole('button', { name: 'Revoke Visma Business test' }).click();
  await row.getByText(/Revoked/).waitFor();

  await admin.goto('/admin/events');
  await admin.getByTestId('events').waitFor();
  const events = await admin.getByTestId('events').textContent();
  assert.match(events, new RegExp(USER.email));
  assert.ok(await admin.locator('tr[data-kind*="fail"]').count() >= 1);
  await screenshot(admin, 'admin-events');
});

test('after repeated failures the user is told until when; an administrator unlocks', async () => {
  await user.getByRole('button', { name: 'Sign out' }).click();
  await h1(user, 'Sign in').waitFor();
  let message = '';
  for (let attempt = 1; attempt <= 6 && !/locked/i.test(message); attempt++) {
    const answered = user.waitForResponse((r) => r.url().endsWith('/api/v1/session') && r.request().method() === 'POST');
    await submitSignIn(user, { email: USER.email, password: USER.password, code: '000000' });
    await answered;
    message = await user.getByRole('alert').textContent();
  }
  assert.match(message, /locked .*until/i);
  await screenshot(user, 'sign-in-locked');

  await admin.goto('/admin/users');
  const row = admin.locator(`tr[data-user="${USER.email}"]`);
  await row.getByText(/Locked until/).waitFor();
  await row.getByRole('button', { name: `Unlock ${USER.name}` }).click();
  await row.getByText(/Locked until/).waitFor({ state: 'detached' });
  assert.deepEqual(unexpectedErrors(admin), []);
});

test('an AutoPay Administrator of the company may allow pre-approval', async () => {
  // The step-up of the first roles test may have lapsed: confirm a fresh code on the screen.
  await admin.goto('/admin/users');
  const stepUpForm = admin.getByTestId('step-up');
  await stepUpForm.getByLabel('Code from your authenticator app').fill(await adminCode());
  await stepUpForm.getByRole('button', { name: 'Confirm code' }).click();
  await stepUpForm.getByRole('status').waitFor();
  await admin.getByRole('button', { name: `Edit roles of ${ADMIN.name}` }).click();
  const editor = admin.getByTestId('roles-editor');
  await editor.getByRole('checkbox', { name: `AutoPay Administrator in ${COMPANY}` }).check();
  await editor.getByRole('button', { name: 'Save roles' }).click();
  await editor.waitFor({ state: 'detached' });

  await admin.goto('/admin/companies');
  await admin.getByRole('button', { name: `Edit ${COMPANY}` }).click();
  await admin.getByTestId('company-editor').getByRole('switch', { name: 'Allow pre-approval' }).check();
  await admin.locator(`tr[data-company="${COMPANY}"] td`).nth(5).getByText('On').waitFor();
  assert.equal(await admin.getByTestId('company-editor').getByRole('alert').count(), 0);

  await admin.goto('/admin/readiness');
  const cell = admin.locator(`tr[data-user="${USER.name}"] td[data-company="${COMPANY}"]`);
  await cell.waitFor();
  assert.doesNotMatch(await cell.textContent(), /Pre-approval is not allowed/);
  assert.match(await cell.textContent(), /AutoPay Approver role/);
  assert.deepEqual(unexpectedErrors(admin), []);
});
