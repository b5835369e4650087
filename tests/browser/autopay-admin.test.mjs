// An AutoPay Administrator who is not a System Administrator reaches the company's AutoPay
// settings from My details: switches Allow pre-approval on (it stays on after a reload) and
// adds a bank agreement.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPage, screenshot, BASE_URL } from '../support/browser.mjs';
import { firstAdmin, newUser, newCompany, uniqueNorwegianIban, paperIban } from '../support/org.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const h1 = (p, name) => p.getByRole('heading', { level: 1, name });
const unexpectedErrors = (p) =>
  p.errors.filter((e) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(e));

test('an AutoPay Administrator changes Allow pre-approval and bank agreements from My details', async () => {
  const admin = await firstAdmin();
  const company = await newCompany(admin);
  const user = await newUser(admin, { roles: { [company.id]: ['autopay_administrator'] } });
  const page = await newPage(browser);
  const [name, value] = user.client.cookie.split(/=(.*)/s);
  await page.context().addCookies([{ name, value, url: BASE_URL }]);

  await page.goto('/my-details');
  await h1(page, 'My details').waitFor();
  await page.getByRole('link', { name: `AutoPay settings for ${company.name}` }).click();
  await h1(page, 'AutoPay settings').waitFor();
  assert.equal(new URL(page.url()).pathname, `/company/${company.id}/autopay`);
  await page.getByRole('heading', { level: 2, name: company.name }).waitFor();

  const pre = page.getByRole('switch', { name: 'Allow pre-approval' });
  assert.equal(await pre.isChecked(), false);
  const saved = page.waitForResponse((r) => r.url().endsWith(`/api/v1/companies/${company.id}/settings`) && r.request().method() === 'PATCH');
  await pre.check();
  assert.equal((await saved).status(), 200);
  await page.reload();
  await page.getByRole('heading', { level: 2, name: company.name }).waitFor();
  assert.equal(await page.getByRole('switch', { name: 'Allow pre-approval' }).isChecked(), true);

  await page.getByRole('button', { name: 'Add bank agreement' }).click();
  const form = page.getByRole('form', { name: 'New bank agreement' });
  await form.getByLabel('Bank name').fill('DNB');
  await form.getByLabel('BIC').fill('DNBANOKK');
  await form.getByLabel('Debtor account (IBAN)').fill(paperIban(uniqueNorwegianIban()));
  await form.getByRole('button', { name: 'Add bank agreement' }).click();
  await page.locator('[data-testid="bank-agreements"] tr[data-agreement="DNB"]').waitFor();
  await screenshot(page, 'company-autopay');

  const stored = (await user.client.call('GET', `/api/v1/companies/${company.id}`)).body;
  assert.equal(stored.settings.allow_pre_approval, true);
  assert.deepEqual(stored.bank_agreements.map((a) => a.bank_name), ['DNB']);
  assert.deepEqual(unexpectedErrors(page), []);
});

test('a_switch_flipped_on_a_stale_screen_is_refused_and_the_screen_shows_the_company_as_it_is', async () => {
  const admin = await firstAdmin();
  const company = await newCompany(admin);
  const user = await newUser(admin, { roles: { [company.id]: ['autopay_administrator'] } });
  const page = await newPage(browser);
  const [name, value] = user.client.cookie.split(/=(.*)/s);
  await page.context().addCookies([{ name, value, url: BASE_URL }]);
  await page.goto(`/company/${company.id}/autopay`);
  await page.getByRole('heading', { level: 2, name: company.name }).waitFor();
  const pre = page.getByRole('switch', { name: 'Allow pre-approval' });
  assert.equal(await pre.isChecked(), false);

  // Someone else switches it on while this screen still shows it off.
  const other = await user.client.call('PATCH', `/api/v1/companies/${company.id}/settings`, { json: { allow_pre_approval: true } });
  assert.equal(other.status, 200, other.text);
  // Flipping the stale switch is refused rather than applied to a company this screen never saw.
  const answer = page.waitForResponse((r) => r.url().endsWith(`/api/v1/companies/${company.id}/settings`) && r.request().method() === 'PATCH');
  await pre.click();
  assert.equal((await answer).status(), 409);
  await page.getByRole('alert').filter({ hasText: 'changed meanwhile' }).waitFor();
  // The screen now shows the company as it is: on.
  for (let i = 0; i < 50 && !(await pre.isChecked()); i++) await page.waitForTimeout(100);
  assert.equal(await pre.isChecked(), true);
  assert.equal((await user.client.call('GET', `/api/v1/companies/${company.id}`)).body.settings.allow_pre_approval, true);
});
