// Render time of the task list's first page in headless Chromium with 1,000 open tasks: from
// the moment the `/api/v1/tasks` answer has arrived (resource timing `responseEnd`) to the
// moment the table holds the page's rows (a MutationObserver's `performance.now()`), median of
// 7 loads, without and with 4x CPU throttling (Chrome DevTools Protocol); and the whole time
// from navigation to rows.
// Run: node tests/run.mjs benches/task-list-render/render.bench.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPage, BASE_URL } from '../../tests/support/browser.mjs';
import { firstAdmin } from '../../tests/support/org.mjs';
import { readyCompany, approver, sendDocument, documentFor } from '../../tests/support/approval.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test('task list first page with 1,000 open tasks', async () => {
  const admin = await firstAdmin();
  const company = await readyCompany(admin);
  const user = await approver(admin, [company], { twoStep: false });
  const docs = Array.from({ length: 1000 }, (_, i) => documentFor(company, { due_date: `2030-06-${String(1 + (i % 28)).padStart(2, '0')}` }));
  for (let i = 0; i < docs.length; i += 20) {
    for (const a of await Promise.all(docs.slice(i, i + 20).map((d) => sendDocument(company, d)))) assert.equal(a.status, 201, a.text);
  }
  for (const rate of [1, 4]) {
  const render = [];
  const total = [];
  for (let run = 0; run < 7; run++) {
    const page = await newPage(browser);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    const [name, value] = user.client.cookie.split(/=(.*)/s);
    await page.context().addCookies([{ name, value, url: BASE_URL }]);
    await page.addInitScript(() => {
      new MutationObserver(() => {
        if (!window.__rows && document.querySelectorAll('[data-testid="task-list"] tbody tr').length >= 50) window.__rows = performance.now();
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto('/tasks');
    await page.waitForFunction(() => window.__rows);
    const [rows, answered] = await page.evaluate(() => [
      window.__rows,
      performance.getEntriesByType('resource').filter((e) => /\/api\/v1\/tasks(\?|$)/.test(e.name)).map((e) => e.responseEnd).pop(),
    ]);
    render.push(rows - answered);
    total.push(rows);
    await page.close();
  }
  console.log(`BENCH task list, 1,000 open tasks, first page of 50, CPU slowed ${rate}x: render ${median(render).toFixed(1)} ms after the answer (runs: ${render.map((x) => x.toFixed(0)).join(', ')}), ${median(total).toFixed(0)} ms from navigation`);
  }
});
