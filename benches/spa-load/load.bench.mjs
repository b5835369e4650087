// The SPA's first load, cold (empty cache), in headless Chromium: what the browser downloads and
// how long until the first screen is usable, for the sign-in screen (signed out) and the task
// list (signed in, 60 open tasks, an empty bundle), plus the first visit of a screen that is
// split out (the task page, a second after the list is shown). As is, and throttled like the issue measured: 10 Mbit/s down,
// 5 Mbit/s up, 40 ms latency, CPU 4x slower (Chrome DevTools Protocol). Median of 5 loads each.
// Bytes are what went over the wire (CDP `encodedDataLength`, compressed as `wrangler dev`
// serves them to Chromium), by kind.
// Run: node tests/run.mjs benches/spa-load/load.bench.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, BASE_URL } from '../../tests/support/browser.mjs';
import { firstAdmin } from '../../tests/support/org.mjs';
import { readyCompany, approver, sendDocument, documentFor } from '../../tests/support/approval.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => `${(n / 1000).toFixed(1)} KB`;

/** Loads `path` cold and waits for `ready`; answers the time and the bytes by kind. */
async function coldLoad({ path, ready, cookie, throttled, then }) {
  const context = await browser.newContext({ baseURL: BASE_URL });
  if (cookie) {
    const [name, value] = cookie.split(/=(.*)/s);
    await context.addCookies([{ name, value, url: BASE_URL }]);
  }
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (throttled) {
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 40, downloadThroughput: 10e6 / 8, uploadThroughput: 5e6 / 8,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  }
  const urls = new Map();
  const bytes = {};
  cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
  cdp.on('Network.loadingFinished', (e) => {
    const url = new URL(urls.get(e.requestId) ?? 'http://x/other');
    const kind = url.pathname.startsWith('/api/') ? 'api'
      : url.pathname.endsWith('.wasm') ? 'wasm'
      : url.pathname.endsWith('.js') ? 'js'
      : url.pathname.endsWith('.css') ? 'css' : 'html and other';
    bytes[kind] = (bytes[kind] ?? 0) + e.encodedDataLength;
  });
  const start = Date.now();
  await page.goto(path);
  await ready(page);
  const ms = Date.now() - start;
  const first = { ...bytes };
  let next;
  if (then) {
    for (const k of Object.keys(bytes)) bytes[k] = 0;
    next = { ms: await then(page), wasm: 0 };
    next.wasm = bytes.wasm ?? 0;
  }
  await context.close();
  return { ms, bytes: first, next };
}

test('cold first load of sign-in and the task list', async () => {
  const admin = await firstAdmin();
  const company = await readyCompany(admin);
  const user = await approver(admin, [company], { twoStep: false });
  for (let i = 0; i < 60; i++) {
    const a = await sendDocument(company, documentFor(company, { due_date: `2030-07-${String(1 + (i % 28)).padStart(2, '0')}` }));
    assert.equal(a.status, 201, a.text);
  }
  const screens = [
    { name: 'sign-in (signed out)', path: '/sign-in', ready: (p) => p.getByLabel('Password').waitFor() },
    {
      name: 'task list (signed in, 60 tasks), then the first task page',
      path: '/tasks',
      cookie: user.client.cookie,
      ready: (p) => p.locator('[data-testid="task-list"] tbody tr').nth(49).waitFor(),
      // As an approver would: a second reading the list, then the first task (the time is from
      // the click; its bytes include whatever was fetched during that second).
      then: async (p) => {
        await p.waitForTimeout(1000);
        const t = Date.now();
        await p.locator('[data-testid="task-list"] tbody tr a').first().click();
        await p.getByRole('heading', { level: 2, name: /^Invoice / }).first().waitFor();
        return Date.now() - t;
      },
    },
  ];
  for (const throttled of [false, true]) {
    for (const screen of screens) {
      const runs = [];
      for (let run = 0; run < 5; run++) runs.push(await coldLoad({ ...screen, throttled }));
      const total = (r) => Object.entries(r.bytes).filter(([k]) => k !== 'api').reduce((a, [, v]) => a + v, 0);
      const last = runs.at(-1);
      const kinds = Object.entries(last.bytes).map(([k, v]) => `${k} ${kb(v)}`).join(', ');
      const next = screen.then
        ? `; then the task page in ${median(runs.map((r) => r.next.ms))} ms (${kb(last.next.wasm)} more wasm)`
        : '';
      console.log(`BENCH ${screen.name}, ${throttled ? 'throttled (10 Mbit/s, 40 ms, CPU 4x)' : 'not throttled'}: ` +
        `${median(runs.map((r) => r.ms))} ms to the screen (runs ${runs.map((r) => r.ms).join(', ')}); ` +
        `downloaded ${kb(total(last))} of app (${kinds})${next}`);
    }
  }
});
