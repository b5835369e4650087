// Languages in the browser: the browser's language picks Norwegian or English, the switch in the
// footer changes every text at once and is remembered, a signed-in user's choice is saved on
// them and follows them to another browser, and the server's messages come in the same language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, screenshot, newContext } from '../support/browser.mjs';
import { firstAdmin, newUser } from '../support/org.mjs';
import { submitSignIn } from '../support/ui.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

async function page(locale) {
  const context = await newContext(browser, { baseURL: process.env.BASE_URL, locale });
  const p = await context.newPage();
  p.errors = [];
  p.on('pageerror', (e) => p.errors.push(String(e)));
  return p;
}

const h1 = (p) => p.getByRole('heading', { level: 1 });

test('a Norwegian browser sees Norwegian, an English one English, and <html lang> says which', async () => {
  const nb = await page('nb-NO');
  await nb.goto('/status');
  await h1(nb).filter({ hasText: 'Tjenestestatus' }).waitFor();
  assert.equal(await nb.locator('html').getAttribute('lang'), 'nb');
  await nb.goto('/no-such-page');
  await h1(nb).filter({ hasText: 'Fant ikke siden' }).waitFor();
  await screenshot(nb, 'language-nb-not-found');

  const en = await page('en-GB');
  await en.goto('/status');
  await h1(en).filter({ hasText: 'Service status' }).waitFor();
  assert.equal(await en.locator('html').getAttribute('lang'), 'en');
  assert.deepEqual([...nb.errors, ...en.errors], []);
});

test('the switch in the footer changes the texts at once and this browser remembers it', async () => {
  const p = await page('en-US');
  await p.goto('/status');
  await h1(p).filter({ hasText: 'Service status' }).waitFor();
  await p.getByTestId('language-nb').click();
  await h1(p).filter({ hasText: 'Tjenestestatus' }).waitFor();
  assert.equal(await p.getByTestId('language-nb').getAttribute('aria-pressed'), 'true');
  await p.reload();
  await h1(p).filter({ hasText: 'Tjenestestatus' }).waitFor();
  await p.getByTestId('language-en').click();
  await h1(p).filter({ hasText: 'Service status' }).waitFor();
  assert.deepEqual(p.errors, []);
});

test("the server's refusal comes in the language shown", async () => {
  const p = await page('nb-NO');
  await p.goto('/sign-in');
  await p.locator('#sign-in-email').fill('nobody@example.com');
  await p.locator('#sign-in-password').fill('not the password at all');
  await p.locator('form button[type=submit]').click();
  await p.getByText('E-postadressen, passordet eller koden er ikke riktig.').waitFor();
});

test("a signed-in user's choice is saved on them and follows them to another browser", async () => {
  const admin = await firstAdmin();
  const user = await newUser(admin);
  const first = await page('en-US');
  await first.goto('/sign-in');
  await submitSignIn(first, { email: user.email, password: user.password });
  await first.getByTestId('signed-in-user').waitFor();
  await first.getByTestId('language-nb').click();
  // Saved on the user: the session answers their choice.
  await assert.doesNotReject(async () => {
    for (let i = 0; i < 50; i++) {
      const me = (await user.client.call('GET', '/api/v1/session')).body.user;
      if (me.language === 'nb') return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the choice was not saved');
  });
  // Another browser, in English: after sign-in the user's choice wins.
  const second = await page('en-US');
  await second.goto('/sign-in');
  await submitSignIn(second, { email: user.email, password: user.password });
  await second.getByTestId('signed-in-user').waitFor();
  await second.goto('/status');
  await h1(second).filter({ hasText: 'Tjenestestatus' }).waitFor();
  assert.deepEqual([...first.errors, ...second.errors], []);
});
