// Recovery codes in the browser: a user activates two-step verification on My details with a
// real oathtool code, sees the ten codes once with "shown once", downloads them as a text file,
// signs out, signs in with "Use a recovery code instead", is told how many are left, and sees
// the count drop on My details; then, having lost the phone, signs in with another recovery
// code, follows "Set up a new authenticator app" from the notice, sets up a new app (a real
// oathtool code for the new secret, no code of the old one), sees fresh recovery codes, signs
// out, and signs in with the NEW app's code (the old secret's code is refused). axe on each
// screen; screenshots at 1280 and 390 px.
// The tests run in order and build on each other.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launchBrowser, newPage, screenshot, BASE_URL, assertAccessible } from '../support/browser.mjs';
import { firstAdmin, newUser } from '../support/org.mjs';
import { oathtoolCode, timeStep, waitForStepAfter } from '../support/ui.mjs';

const CODE_RE = /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

let browser;
let page;
let user;
let codes;
/** The last TOTP step the guard saw used: a code of a later step is fresh. */
let lastStep;
/** The secret of the first authenticator app (the one that is lost). */
let firstSecret;

const unexpectedErrors = (p) =>
  p.errors.filter((e) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(e));
const h1 = (p, name) => p.getByRole('heading', { level: 1, name });

/** The page is no wider than the viewport: nothing sticks out sideways on a phone. */
async function assertNoSidewaysScroll(p) {
  const [scroll, client] = await p.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(scroll <= client, `page is ${scroll}px wide in a ${client}px viewport`);
}

before(async () => {
  browser = await launchBrowser();
  const admin = await firstAdmin();
  user = await newUser(admin);
  page = await newPage(browser);
  await page.setViewportSize(DESKTOP);
  const [name, value] = user.client.cookie.split(/=(.*)/s);
  await page.context().addCookies([{ name, value, url: BASE_URL }]);
});

after(async () => { await browser?.close(); });

test('activating two-step verification shows the ten codes once, with a download', async () => {
  await page.goto('/my-details');
  await h1(page, 'My details').waitFor();
  await page.getByRole('button', { name: 'Activate', exact: true }).click();
  const secret = (await page.getByTestId('totp-secret').textContent()).trim().replace(/\s/g, '');
  firstSecret = secret;
  lastStep = timeStep();
  await page.getByLabel('Code from your authenticator app').fill(oathtoolCode(secret));
  await page.getByRole('button', { name: 'Activate two-step verification' }).click();
  await page.getByTestId('two-step-status').getByText('Active', { exact: true }).waitFor();

  const shown = page.getByTestId('shown-recovery-codes');
  await shown.waitFor();
  assert.match(await shown.textContent(), /Shown once/);
  codes = (await shown.locator('li code').allTextContents()).map((c) => c.trim());
  assert.equal(codes.length, 10);
  for (const code of codes) assert.match(code, CODE_RE);
  assert.equal((await page.getByTestId('recovery-codes-left').textContent()).trim(), '10 recovery codes left.');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download as a text file' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'approve-and-pay-recovery-codes.txt');
  const text = readFileSync(await download.path(), 'utf8');
  assert.match(text, new RegExp(`^Approve & Pay recovery codes for ${user.email.replace(/[.+]/g, '\\$&')}\n`));
  assert.deepEqual(text.trim().split('\n').slice(-10), codes);

  await assertAccessible(page, 'My details with new recovery codes');
  await screenshot(page, 'recovery-codes-shown-1280');
  await page.setViewportSize(PHONE);
  await assertNoSidewaysScroll(page);
  await screenshot(page, 'recovery-codes-shown-390');
  await page.setViewportSize(DESKTOP);

  // Saved: they are gone from the screen and never come back.
  await page.getByRole('button', { name: 'I have saved my codes' }).click();
  assert.equal(await shown.count(), 0);
  await page.reload();
  await page.getByTestId('recovery-codes-left').waitFor();
  assert.equal(await page.getByTestId('shown-recovery-codes').count(), 0);
  assert.deepEqual(unexpectedErrors(page), []);
});

test('signing in with a recovery code works and says how many are left', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await h1(page, 'Sign in').waitFor();
  await page.getByLabel('E-mail').fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  assert.equal(await page.getByLabel('Code from your authenticator app').count(), 0);
  // Typed as people do: lower case, no dash.
  await page.getByLabel('Recovery code').fill(codes[0].toLowerCase().replace('-', ''));
  await assertAccessible(page, 'the sign-in form with a recovery code');
  await screenshot(page, 'recovery-sign-in-1280');
  await page.setViewportSize(PHONE);
  await assertNoSidewaysScroll(page);
  await screenshot(page, 'recovery-sign-in-390');
  await page.setViewportSize(DESKTOP);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();

  const notice = page.getByTestId('recovery-code-used');
  await notice.waitFor();
  assert.match(await notice.textContent(), /You signed in with a recovery code\. 9 recovery codes are left\./);
  // Generating new codes would need a code from the app this user may have lost: the notice
  // offers only a new app.
  assert.deepEqual(await notice.getByRole('link').allTextContents(), ['Set up a new authenticator app']);
  await notice.getByRole('link', { name: 'Set up a new authenticator app' }).click();
  await h1(page, 'My details').waitFor();
  assert.equal((await page.getByTestId('recovery-codes-left').textContent()).trim(), '9 recovery codes left.');
  await assertAccessible(page, 'My details after a recovery sign-in');
  await screenshot(page, 'recovery-my-details-1280');
  await page.setViewportSize(PHONE);
  await assertNoSidewaysScroll(page);
  await screenshot(page, 'recovery-my-details-390');
  await page.setViewportSize(DESKTOP);
  assert.deepEqual(unexpectedErrors(page), []);
});

test('a used recovery code is refused at the next sign-in', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await h1(page, 'Sign in').waitFor();
  await page.getByLabel('E-mail').fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await page.getByLabel('Recovery code').fill(codes[0]);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /The e-mail, password or code is not correct\./);
  assert.deepEqual(unexpectedErrors(page), []);
});

test('after a recovery sign-in a new authenticator app replaces the old one, with fresh codes', async () => {
  const oldSecret = firstSecret;
  await page.getByLabel('E-mail').fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  if ((await page.getByLabel('Recovery code').count()) === 0) {
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  }
  await page.getByLabel('Recovery code').fill(codes[1]);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  const notice = page.getByTestId('recovery-code-used');
  await notice.waitFor();
  assert.match(await notice.textContent(), /8 recovery codes are left\./);
  await notice.getByRole('link', { name: 'Set up a new authenticator app' }).click();
  await h1(page, 'My details').waitFor();
  const replace = page.getByTestId('replace-authenticator');
  await replace.getByRole('button', { name: 'Set up a new authenticator app' }).click();
  const newSecret = (await replace.getByTestId('totp-secret').textContent()).trim().replace(/\s/g, '');
  assert.notEqual(newSecret, oldSecret);
  await assertAccessible(page, 'My details setting up a new authenticator app');
  await screenshot(page, 'recovery-replace-1280');
  await page.setViewportSize(PHONE);
  await assertNoSidewaysScroll(page);
  await screenshot(page, 'recovery-replace-390');
  await page.setViewportSize(DESKTOP);

  await waitForStepAfter(lastStep);
  lastStep = timeStep();
  await replace.getByLabel('Code from your authenticator app').fill(oathtoolCode(newSecret));
  await replace.getByRole('button', { name: 'Replace the authenticator app' }).click();
  const shown = page.getByTestId('shown-recovery-codes');
  await shown.waitFor();
  const fresh = (await shown.locator('li code').allTextContents()).map((c) => c.trim());
  assert.equal(fresh.length, 10);
  for (const code of fresh) assert.match(code, CODE_RE);
  assert.ok(fresh.every((c) => !codes.includes(c)), 'a fresh set');
  assert.equal(await page.getByTestId('replace-authenticator').count(), 0, 'once');
  assert.equal(await page.getByTestId('recovery-code-used').count(), 0);
  assert.equal((await page.getByTestId('recovery-codes-left').textContent()).trim(), '10 recovery codes left.');
  await assertAccessible(page, 'My details with the codes of the new authenticator app');
  await page.setViewportSize(PHONE);
  await assertNoSidewaysScroll(page);
  await screenshot(page, 'recovery-replaced-390');
  await page.setViewportSize(DESKTOP);
  await page.getByRole('button', { name: 'I have saved my codes' }).click();

  // The old app's codes no longer sign in; the new app's do.
  const signIn = async (code) => {
    await page.getByLabel('E-mail').fill(user.email);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByLabel('Code from your authenticator app').fill(code);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  };
  await page.getByRole('button', { name: 'Sign out' }).click();
  await h1(page, 'Sign in').waitFor();
  await signIn(oathtoolCode(oldSecret));
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /The e-mail, password or code is not correct\./);
  await waitForStepAfter(lastStep);
  await signIn(oathtoolCode(newSecret));
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  assert.equal(await page.getByTestId('recovery-code-used').count(), 0);
  assert.deepEqual(unexpectedErrors(page), []);
});
