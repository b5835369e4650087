// Headless Debian Chromium driven by playwright-core (no browser download).
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './app.mjs';

export const BASE_URL = process.env.BASE_URL;
export const OUTPUT_DIR = join(ROOT, 'tests', 'output');

export async function launchBrowser() {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** A browser context on the app (`options` as playwright's). A busy CI machine (workerd and
 * Chromium sharing two cores) can take longer than playwright's 30 s default to load the SPA,
 * so it waits longer before calling it a failure; nothing here measures speed (BENCHMARKS.md
 * does). */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext({ baseURL: BASE_URL, ...options });
  context.setDefaultTimeout(60_000);
  context.setDefaultNavigationTimeout(90_000);
  return context;
}

/** A fresh page whose console errors and failed requests fail the test when checked. */
export async function newPage(browser) {
  const context = await newContext(browser);
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  return page;
}

/** A page signed in as `user` (made by tests/support/org.mjs), `width` px wide, in `locale`;
 * its uncaught errors are kept in `page.errors`. */
export async function pageAs(browser, user, { width = 1280, locale = 'en-GB' } = {}) {
  const context = await newContext(browser, { locale });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.setViewportSize({ width, height: width > 400 ? 900 : 844 });
  const [name, value] = user.client.cookie.split(/=(.*)/s);
  await context.addCookies([{ name, value, url: BASE_URL }]);
  return page;
}

export async function screenshot(page, name) {
  await page.screenshot({ path: join(OUTPUT_DIR, `${name}.png`), fullPage: true });
}

const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

/** axe-core on the page as it is now: no serious or critical violation. */
export async function assertAccessible(page, what) {
  // Evaluated through the DevTools protocol: an inline <script> tag would be (rightly) refused
  // by the page's Content-Security-Policy.
  await page.evaluate(readFileSync(AXE, 'utf8'));
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(bad, [], `axe on ${what}`);
}
