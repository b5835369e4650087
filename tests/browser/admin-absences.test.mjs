// "An administrator can do it for them" (issue 10's substitutes): on the users screen a System
// Administrator opens a user's absence (the same card as My details, about that user), sets a
// period and a substitute, sees a refusal's sentence, and removes it; the user finds it on My
// details. In Norwegian the card reads in Norwegian. Screenshots and axe at 1280 and 390 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { launchBrowser, newPage, newContext, screenshot, assertAccessible, BASE_URL } from '../support/browser.mjs';
import { ROOT } from '../support/app.mjs';
import { firstAdmin, newUser, newCompany, unique } from '../support/org.mjs';

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

const nb = (key, values = {}) => {
  const [ns, ...path] = key.split('.');
  let text = JSON.parse(readFileSync(join(ROOT, 'app', 'locales', 'nb', `${ns}.json`), 'utf8'));
  for (const p of path) text = text[p];
  assert.equal(typeof text, 'string', `nb text ${key}`);
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, v) => String(values[v]));
};
const day = (n) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

let browser;
let admin;
let ola;
let kari;

/** An Invoice Approver of `company` whose e-mail address puts them on the users list's first page. */
async function approverOnFirstPage(company, name) {
  const email = `aaa-${unique()}@example.com`;
  const created = await admin.call('POST', '/api/v1/admin/users', { json: { name, email } });
  assert.equal(created.status, 201, created.text);
  const id = created.body.user.id;
  const roles = await admin.call('PUT', `/api/v1/admin/users/${id}/roles`, {
    json: { is_system_admin: false, roles: { [company.id]: ['invoice_approver'] } },
  });
  assert.equal(roles.status, 200, roles.text);
  return { id, email, name };
}

async function signedInPage(cookie, context) {
  const page = context ? await context.newPage() : await newPage(browser);
  if (context) {
    page.errors = [];
    page.on('pageerror', (e) => page.errors.push(String(e)));
  }
  const [name, value] = cookie.split(/=(.*)/s);
  await page.context().addCookies([{ name, value, url: BASE_URL }]);
  return page;
}

/** axe and a screenshot at 1280 px, then at 390 px with no sideways scrolling; back to 1280. */
async function lookAt(p, name) {
  await assertAccessible(p, `${name} at 1280 px`);
  await screenshot(p, name);
  await p.setViewportSize(PHONE);
  await p.waitForTimeout(150);
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${name} at 390 px is ${overflow} px too wide`);
  await assertAccessible(p, `${name} at 390 px`);
  await screenshot(p, `phone-${name}`);
  await p.setViewportSize(DESKTOP);
}

before(async () => {
  browser = await launchBrowser();
  admin = await firstAdmin();
  const company = await newCompany(admin);
  const tag = unique('');
  ola = await approverOnFirstPage(company, `Ola Away ${tag}`);
  kari = await approverOnFirstPage(company, `Kari Stand-in ${tag}`);
});

after(async () => { await browser?.close(); });

test('the administrator sets a user’s absence and substitute on the users screen, and removes it', async () => {
  const page = await signedInPage(admin.cookie);
  await page.setViewportSize(DESKTOP);
  await page.goto('/admin/users');
  const row = page.locator(`[data-testid="users"] tr[data-user="${ola.email}"]`);
  await row.getByRole('button', { name: `Set the absence of ${ola.name}` }).click();
  const card = page.getByTestId('absences');
  await card.getByRole('heading', { name: `Absence and substitute of ${ola.name}` }).waitFor();
  await card.getByText('No absence planned.').waitFor();
  await card.locator('#absence-substitute option', { hasText: kari.name }).waitFor({ state: 'attached' });
  assert.equal(await card.locator('#absence-substitute option', { hasText: ola.name }).count(), 0, 'not their own substitute');
  await card.getByLabel('Substitute').selectOption({ label: kari.name });
  await card.getByLabel('First day away').fill(day(1));
  await card.getByLabel('Last day away').fill(day(5));
  const saved = page.waitForResponse((r) => r.url().endsWith(`/api/v1/admin/users/${ola.id}/absences`) && r.request().method() === 'POST');
  await card.getByRole('button', { name: 'Set absence' }).click();
  assert.equal((await saved).status(), 201);
  await card.getByRole('status').filter({ hasText: `The absence of ${ola.name} is set.` }).waitFor();
  const listed = card.getByTestId('absence');
  await listed.first().waitFor();
  assert.match(await listed.first().textContent(), new RegExp(`^${ola.name} is away .+; ${kari.name} substitutes\\.`));
  const stored = await admin.call('GET', `/api/v1/admin/users/${ola.id}/absences`);
  assert.deepEqual(stored.body.absences.map((a) => [a.from, a.to, a.mine]), [[day(1), day(5), true]]);
  await lookAt(page, 'admin-absence');

  // The rules are the server's: an overlapping period is refused with its sentence.
  await card.getByLabel('First day away').fill(day(3));
  await card.getByLabel('Last day away').fill(day(4));
  await card.getByRole('button', { name: 'Set absence' }).click();
  await card.getByRole('alert').filter({ hasText: 'overlaps this period already' }).waitFor();
  await screenshot(page, 'admin-absence-refused');

  // Kari's own list says she substitutes for Ola.
  await page.locator(`[data-testid="users"] tr[data-user="${kari.email}"]`)
    .getByRole('button', { name: `Set the absence of ${kari.name}` }).click();
  await card.getByRole('heading', { name: `Absence and substitute of ${kari.name}` }).waitFor();
  await card.getByTestId('absence').filter({ hasText: `${kari.name} substitutes for ${ola.name}` }).waitFor();
  assert.equal(await card.getByRole('button', { name: 'Remove' }).count(), 0, 'only the user’s own absence is removed here');

  await row.getByRole('button', { name: `Set the absence of ${ola.name}` }).click();
  await card.getByRole('heading', { name: `Absence and substitute of ${ola.name}` }).waitFor();
  await card.getByTestId('absence').first().waitFor();
  await card.getByRole('button', { name: 'Remove' }).click();
  await card.getByRole('status').filter({ hasText: 'The absence is removed.' }).waitFor();
  await card.getByText('No absence planned.').waitFor();
  assert.deepEqual((await admin.call('GET', `/api/v1/admin/users/${ola.id}/absences`)).body.absences, []);
  await card.getByRole('button', { name: 'Close' }).click();
  assert.equal(await page.getByTestId('absences').count(), 0);
  assert.deepEqual(page.errors.filter((e) => !/status of 4\d\d/.test(e)), []);
  await page.close();
});

test('in Norwegian the administrator’s absence card reads in Norwegian', async () => {
  const other = await newUser(admin, { isSystemAdmin: true });
  const context = await newContext(browser, { locale: 'nb-NO', viewport: DESKTOP });
  const page = await signedInPage(other.client.cookie, context);
  await page.goto('/admin/users');
  const row = page.locator(`[data-testid="users"] tr[data-user="${ola.email}"]`);
  await row.getByRole('button', { name: nb('admin.users.absence_label', { name: ola.name }) }).click();
  const card = page.getByTestId('absences');
  await card.getByRole('heading', { name: nb('account.absence_title_of', { name: ola.name }) }).waitFor();
  await card.locator('#absence-substitute option', { hasText: kari.name }).waitFor({ state: 'attached' });
  await card.getByLabel(nb('account.absence_substitute')).selectOption({ label: kari.name });
  await card.getByLabel(nb('account.absence_from')).fill(day(2));
  await card.getByLabel(nb('account.absence_to')).fill(day(3));
  await card.getByRole('button', { name: nb('account.absence_save') }).click();
  await card.getByRole('status').filter({ hasText: nb('account.absence_saved_of', { name: ola.name }) }).waitFor();
  assert.match(await card.getByTestId('absence').first().textContent(), new RegExp(`^${ola.name} er borte .+; ${kari.name} er stedfortreder\\.`));
  await lookAt(page, 'nb-admin-absence');
  assert.deepEqual(page.errors.filter((e) => !/status of 4\d\d/.test(e)), []);
  await context.close();
});
