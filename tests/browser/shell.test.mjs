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
  for (const name of ['Tasks', 'Process overview', 'AutoPay', 'Administration', 'My details']) {
    assert.ok(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).isVisible(), name);
  }
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
  assert.equal(await page.getByRole('link', { name: 'Tasks' }).getAttribute('aria-current'), 'page');
  // Navigation inside the SPA works without a reload too.
  await page.getByRole('link', { name: 'AutoPay' }).click();
  await page.getByRole('heading', { level: 1, name: 'AutoPay' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/autopay');
  assert.deepEqual(page.errors, []);
});
