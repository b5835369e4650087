// Issue 12's confirmations on the users screen: an administrator's own row offers no Deactivate
// (the server refuses it too); Deactivate and Reactivate ask first, saying what they do beyond
// their name, and "No" changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPage, screenshot, BASE_URL } from '../support/browser.mjs';
import { ADMIN, firstAdmin, unique } from '../support/org.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('deactivate and reactivate ask first, and nobody is offered to deactivate themselves', async () => {
  const admin = await firstAdmin();
  // Users are listed by e-mail address: this one is on the first page.
  const email = `aaa-${unique()}@example.com`;
  const name = `Aase ${unique()}`;
  const created = await admin.call('POST', '/api/v1/admin/users', { json: { name, email } });
  assert.equal(created.status, 201, created.text);

  const page = await newPage(browser);
  const [cookie, value] = admin.cookie.split(/=(.*)/s);
  await page.context().addCookies([{ name: cookie, value, url: BASE_URL }]);
  await page.goto('/admin/users');
  const row = (mail) => page.locator(`[data-testid="users"] tr[data-user="${mail}"]`);
  await row(email).waitFor();

  assert.equal(await row(ADMIN.email).getByRole('button', { name: /Deactivate/ }).count(), 0, 'no Deactivate on my own row');
  await row(ADMIN.email).getByText('You').waitFor();

  await row(email).getByRole('button', { name: `Deactivate ${name}` }).click();
  const ask = row(email).getByRole('group', { name: `Deactivate ${name}` });
  await ask.getByText(`Deactivate ${name}? They are signed out at once and cannot sign in until reactivated.`).waitFor();
  await screenshot(page, 'admin-users-confirm');
  await ask.getByRole('button', { name: 'No, keep active' }).click();
  await row(email).getByText('Active', { exact: true }).waitFor();
  assert.equal((await admin.call('GET', `/api/v1/admin/users/${created.body.user.id}`)).body.active, true, '"No" changed nothing');

  await row(email).getByRole('button', { name: `Deactivate ${name}` }).click();
  await row(email).getByRole('button', { name: 'Yes, deactivate' }).click();
  await row(email).getByText('Deactivated', { exact: true }).waitFor();
  assert.equal((await admin.call('GET', `/api/v1/admin/users/${created.body.user.id}`)).body.active, false);

  await row(email).getByRole('button', { name: `Reactivate ${name}` }).click();
  await row(email).getByText(/sets a new one-time password, shown here once, in place of their current password/).waitFor();
  await row(email).getByRole('button', { name: 'Yes, reactivate' }).click();
  await page.getByTestId('initial-password').waitFor();
  await row(email).getByText('Active', { exact: true }).waitFor();
  assert.deepEqual(page.errors.filter((e) => !/status of 4\d\d/.test(e)), []);
});
