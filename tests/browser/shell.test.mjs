import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPage, screenshot } from '../support/browser.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('the SPA loads, shows the shell and renders the health result', async () => {
  const page = await newPage(browser);
  await page.goto('/status');
  await page.getByTestId('health-status').waitFor();
  assert.equal(await page.getByTestId('health-status').textContent(), 'ok');
  assert.equal(await page.locator('tr[data-check="kv"] td').nth(1).textContent(), 'ok');
  assert.equal(await page.locator('tr[data-check="durable_object"] td').nth(1).textContent(), 'ok');
  // Signed out, the header offers signing in and no screen (issue 12: menus show only what the
  // user may open).
  assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 0);
  assert.ok(await page.locator('header').getByRole('link', { name: 'Sign in' }).isVisible());
  await screenshot(page, 'status');
  assert.deepEqual(page.errors, []);
});

test('a deep link reloads into the right screen', async () => {
  const page = await newPage(browser);
  const resp = await page.goto('/tasks');
  assert.equal(resp.status(), 200);
  await page.getByRole('heading', { level: 1, name: 'Tasks' }).waitFor();
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Tasks' }).waitFor();
  // Navigation inside the SPA works without a reload too.
  await page.getByRole('link', { name: 'Service status' }).click();
  await page.getByTestId('health-status').waitFor();
  assert.equal(new URL(page.url()).pathname, '/status');
  assert.deepEqual(page.errors, []);
});

test('one trailing slash names the same screen; an unknown path or admin section is not found', async () => {
  // The routing table is ap_core::places (unit-tested there); this checks the SPA follows it.
  const page = await newPage(browser);
  const h1 = (name) => page.getByRole('heading', { level: 1, name });
  await page.goto('/status/');
  await page.getByTestId('health-status').waitFor();
  await page.goto('/admin/no-such-section');
  await h1('Page not found').waitFor();
  // From "not found" to a screen and back, inside the SPA.
  await page.getByRole('link', { name: 'Service status' }).click();
  await page.getByTestId('health-status').waitFor();
  await page.goBack();
  await h1('Page not found').waitFor();
  assert.equal(new URL(page.url()).pathname, '/admin/no-such-section');
  assert.deepEqual(page.errors, []);
});
