// Approve & Pay on a phone (390×844): the task list, a task, the bundle, the signing dialog with
// five invoices of two companies, AutoPay and a payment page are no wider than the screen; the
// amount, the due date and (bundle, dialog) the total are inside the screen without scrolling
// sideways; the dialog's grand total is in view while its list scrolls; buttons are touch-sized;
// the header is one line with a Menu button that opens, navigates and closes; axe-core finds no
// serious or critical violation. The navigation offers only what the user may open. The same
// screens are kept as screenshots at 390 px and 1280 px (tests/output/phone-*.png).
// The tests run in order against one store and build on each other.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchBrowser, newPage, screenshot, BASE_URL, assertAccessible } from '../support/browser.mjs';
import { ROOT } from '../support/app.mjs';
import { firstAdmin, newUser, activateTwoStep, adminCode, ADMIN } from '../support/org.mjs';
import { newInvoice, approveAndPay } from '../support/approval.mjs';
import { autopayCompany, preApprovedInvoices, exported, upload } from '../support/autopay.mjs';
import { submitSignIn } from '../support/ui.mjs';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

let browser;
let admin;
let north;
let fjell;
let approver;
let page; // the approver's page
const bundled = []; // invoice numbers in the bundle
const open = []; // invoice numbers left on the task list
let paymentE2e;

const h1 = (p, name) => p.getByRole('heading', { level: 1, name });
const unexpectedErrors = (p) =>
  p.errors.filter((e) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(e));
const isoDay = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** The page is no wider than the screen: nothing needs sideways scrolling. */
async function assertNoSidewaysScroll(p, what) {
  const { scrollWidth, innerWidth, wide } = await p.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    // What sticks out, to say where the problem is.
    wide: [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
      .slice(0, 5)
      .map((el) => `<${el.tagName.toLowerCase()} class="${el.className}"> ${el.textContent.trim().slice(0, 30)}`),
  }));
  assert.ok(scrollWidth <= innerWidth, `${what}: the page is ${scrollWidth} px wide on a ${innerWidth} px screen: ${wide.join('; ')}`);
}

/** Every element `locator` finds is shown, and within the screen's width (0..innerWidth); with
 * `fully`, also within its height (in view without scrolling at all). */
async function assertInsideScreen(p, locator, what, { fully = false } = {}) {
  const count = await locator.count();
  assert.ok(count > 0, `${what}: present`);
  const { innerWidth, innerHeight } = await p.evaluate(() => ({ innerWidth: window.innerWidth, innerHeight: window.innerHeight }));
  for (let i = 0; i < count; i++) {
    const box = await locator.nth(i).boundingBox();
    assert.ok(box && box.width > 0 && box.height > 0, `${what} #${i}: shown`);
    assert.ok(box.x >= 0 && box.x + box.width <= innerWidth + 0.5,
      `${what} #${i}: x ${box.x.toFixed(1)}..${(box.x + box.width).toFixed(1)} on a ${innerWidth} px screen`);
    if (fully) {
      assert.ok(box.y >= 0 && box.y + box.height <= innerHeight + 0.5,
        `${what} #${i}: y ${box.y.toFixed(1)}..${(box.y + box.height).toFixed(1)} on a ${innerHeight} px screen`);
    }
  }
}

/** Every visible button, form field and a.button inside `scope` is at least 44 px tall. */
async function assertTouchTargets(p, scope, what) {
  const small = await p.evaluate((sel) => {
    const root = document.querySelector(sel);
    return [...root.querySelectorAll('button, a.button, input:not([type="checkbox"]):not([type="radio"]):not([type="file"]), select')]
      .filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
      .map((el) => [el.textContent.trim() || el.id || el.name || el.tagName, el.getBoundingClientRect().height])
      .filter(([, h]) => h < 43.5)
      .map(([name, h]) => `${name} (${h.toFixed(1)} px)`);
  }, scope);
  assert.deepEqual(small, [], `${what}: touch targets smaller than 44 px`);
}

/** The visible names of the header's navigation links. */
const navLinks = (p) => p.locator('header nav[aria-label="Main"] a').allTextContents();

async function pageAs(user, viewport = PHONE) {
  const p = await newPage(browser);
  await p.setViewportSize(viewport);
  const [name, value] = user.client.cookie.split(/=(.*)/s);
  await p.context().addCookies([{ name, value, url: BASE_URL }]);
  return p;
}

async function openTasks(p = page) {
  await p.goto('/tasks');
  await h1(p, 'Tasks').waitFor();
  await p.locator('[data-testid="task-list"], [data-testid="no-tasks"]').first().waitFor();
}

const bundle = (p = page) => p.getByTestId('bundle');
const dialog = (p = page) => p.getByRole('dialog', { name: 'Approve and pay: sign' });

before(async () => {
  browser = await launchBrowser();
  admin = await firstAdmin();
  north = await autopayCompany(admin, { level: 'on_approval', approvers: 1, preApproval: true });
  fjell = await autopayCompany(admin, { level: 'on_approval', approvers: 1, preApproval: true });
  approver = await newUser(admin, {
    name: 'Ingrid Marie Kristoffersen-Haugland',
    roles: {
      [north.id]: ['invoice_approver', 'autopay_approver'],
      [fjell.id]: ['invoice_approver', 'autopay_approver'],
    },
  });
  approver.secret = (await activateTwoStep(approver.client)).secret;

  // Two pre-approved invoices, exported by the ERP and uploaded: AutoPay has payments to show.
  await preApprovedInvoices(approver, north, 2, { amount: '48250.00', invoice_date: isoDay(-3), due_date: isoDay(10) });
  const file = await exported(north, 'pre-approved');
  const uploaded = await upload(north, file);
  assert.equal(uploaded.status, 201, uploaded.text);
  paymentE2e = file.match(/<EndToEndId>([^<]+)<\/EndToEndId>/)[1];

  // Five invoices in the bundle (two companies, long names and references), two on the list.
  const invoices = [
    [north, 'Kontorrekvisita og Papirvarehandel Nordland AS', 'KR-2026-000417-P', '12500.00', 12, true],
    [north, 'Elektroinstallasjon Nord-Norge AS', 'EN-88412-P', '184000.00', 20, true],
    [north, 'Renhold Partner AS', 'RP-3310-P', '3200.00', 9, true],
    [fjell, 'Stål og Betong Entreprenør AS', 'SB-55120-2026-ABCDEFGHIJ-P', '1250000.00', 14, true],
    [fjell, 'Alpine Equipment AS', 'AE-2026-88-P', '2450.00', 30, true],
    [north, 'Kaffebrenneriet i Tromsø AS', 'KB-7781-P', '845.00', 15, false],
    [fjell, 'Trykk og Papir AS', 'TP-1209-2026-P', '56000.00', 25, false],
  ];
  for (const [company, supplier, number, amount, due, pay] of invoices) {
    const id = await newInvoice(company, {
      supplier: { name: supplier },
      invoice_number: number,
      amount,
      due_date: isoDay(due),
      invoice_date: isoDay(-6),
    });
    if (pay) {
      await approveAndPay(approver, id);
      bundled.push(number);
    } else {
      open.push(number);
    }
  }
  page = await pageAs(approver);
});

after(async () => { await browser?.close(); });

test('the task list fits a phone: each task shows its amount and due date on screen', async () => {
  await openTasks();
  await assertNoSidewaysScroll(page, 'the task list');
  for (const number of open) {
    const row = page.locator(`[data-testid="task-list"] tr[data-invoice="${number}"]`);
    await assertInsideScreen(page, row.getByTestId('amount'), `amount of ${number}`);
    await assertInsideScreen(page, row.getByTestId('due-date'), `due date of ${number}`);
    await assertInsideScreen(page, row.getByRole('link'), `link to ${number}`);
  }
  await assertTouchTargets(page, 'main', 'the task list');
  await screenshot(page, 'phone-tasks');
  await assertAccessible(page, 'the task list at 390 px');
  assert.deepEqual(unexpectedErrors(page), []);
});

test('the header is one line; its menu opens, is keyboard usable and closes on navigation', async () => {
  await openTasks();
  const header = page.locator('header.app-header');
  const height = (await header.boundingBox()).height;
  assert.ok(height <= 64, `the header is ${height} px tall`);
  const menu = page.getByRole('button', { name: 'Menu' });
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.getByRole('link', { name: 'AutoPay' }).isVisible(), false, 'the navigation is folded away');
  await assertTouchTargets(page, 'header', 'the header');

  await menu.click();
  assert.equal(await menu.getAttribute('aria-expanded'), 'true');
  assert.deepEqual(await navLinks(page), ['Tasks', 'AutoPay', 'My details']);
  await assertTouchTargets(page, 'header', 'the open menu');
  await assertInsideScreen(page, page.locator('#site-menu a, #site-menu button'), 'the menu items');
  await screenshot(page, 'phone-menu');
  await assertAccessible(page, 'the open menu');

  // Escape closes it and gives focus back to the button.
  await page.keyboard.press('Escape');
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-controls')), 'site-menu');
  // By keyboard: open, Tab to AutoPay, Enter navigates and the menu closes.
  await page.keyboard.press('Enter');
  assert.equal(await menu.getAttribute('aria-expanded'), 'true');
  await page.keyboard.press('Tab'); // Tasks
  await page.keyboard.press('Tab'); // AutoPay
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'AutoPay');
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.pathname === '/autopay');
  await h1(page, 'AutoPay').waitFor();
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.getByRole('link', { name: 'My details' }).isVisible(), false);
  assert.deepEqual(unexpectedErrors(page), []);
});

test('a task fits a phone: the whole amount and the due date on screen', async () => {
  await openTasks();
  await page.getByRole('link', { name: new RegExp(`^Invoice ${open[1]} from `) }).click();
  await page.getByTestId('task-amount').waitFor();
  await assertNoSidewaysScroll(page, 'the task');
  await assertInsideScreen(page, page.getByTestId('task-amount'), 'the amount at the top');
  assert.equal((await page.getByTestId('task-amount').textContent()).replace(/\s/g, ' '), '56,000.00 NOK');
  await assertInsideScreen(page, page.getByTestId('invoice-amount'), 'the amount in the facts');
  await assertInsideScreen(page, page.locator('.task-amount').getByText(/^Due /), 'the due date');
  await assertInsideScreen(page, page.getByTestId('supplier-account'), 'the account');
  await assertTouchTargets(page, 'main', 'the task');
  await screenshot(page, 'phone-task');
  await assertAccessible(page, 'the task at 390 px');
  assert.deepEqual(unexpectedErrors(page), []);
});

test('the bundle fits a phone: every amount, due date, Remove and the total on screen', async () => {
  await openTasks();
  await bundle().waitFor();
  await assertNoSidewaysScroll(page, 'the bundle');
  for (const number of bundled) {
    const row = bundle().locator(`tr[data-invoice="${number}"]`);
    await assertInsideScreen(page, row.getByTestId('amount'), `amount of ${number}`);
    await assertInsideScreen(page, row.getByTestId('due-date'), `due date of ${number}`);
    await assertInsideScreen(page, row.getByRole('button', { name: `Remove invoice ${number} from the bundle` }), `Remove ${number}`);
  }
  await assertInsideScreen(page, bundle().getByTestId('bundle-totals').locator('dd'), 'the totals');
  await assertInsideScreen(page, bundle().getByTestId('bundle-summary'), 'the summary');
  await assertInsideScreen(page, bundle().getByRole('button', { name: 'Pay', exact: true }), 'Pay');
  await assertTouchTargets(page, 'main', 'the bundle');
  await screenshot(page, 'phone-bundle');
  await assertAccessible(page, 'the bundle at 390 px');

  // Cancel approval's question fits too.
  await bundle().getByRole('button', { name: 'Cancel approval' }).click();
  const ask = bundle().getByRole('group', { name: 'Cancel approval' });
  await assertInsideScreen(page, ask, 'the question of Cancel approval');
  await assertNoSidewaysScroll(page, 'the bundle asking to cancel');
  await ask.getByRole('button', { name: 'No, keep my bundle' }).click();
  assert.deepEqual(unexpectedErrors(page), []);
});

test('the signing dialog fits a phone: every line with its amount, and the total always in view', async () => {
  await openTasks();
  await bundle().getByRole('button', { name: 'Pay', exact: true }).click();
  await dialog().waitFor();
  await assertNoSidewaysScroll(page, 'the page under the dialog');
  await assertInsideScreen(page, dialog(), 'the dialog', { fully: true });
  // Centred: as much room on the left as on the right.
  const box = await dialog().boundingBox();
  assert.ok(Math.abs(box.x - (PHONE.width - box.x - box.width)) <= 2, `centred: ${box.x} px left of ${box.width} px`);
  const totals = dialog().getByTestId('signing-totals').locator('dd');
  await assertInsideScreen(page, totals, 'the grand total', { fully: true });
  assert.equal((await totals.textContent()).replace(/\s/g, ' '), '1,452,150.00 NOK');
  const content = dialog().getByTestId('signing-content');
  for (const number of bundled) {
    const row = content.locator(`tr[data-invoice="${number}"]`);
    await row.scrollIntoViewIfNeeded();
    await assertInsideScreen(page, row.getByTestId('amount'), `amount of ${number}`, { fully: true });
    await assertInsideScreen(page, row.getByTestId('due-date'), `due date of ${number}`);
    // Scrolling the list keeps the total in view, and the page behind does not move.
    await assertInsideScreen(page, totals, `the grand total with ${number} in view`, { fully: true });
  }
  await assertInsideScreen(page, content.getByTestId('company-total'), 'the company totals');
  assert.equal(await page.evaluate(() => window.scrollY), 0, 'the page behind did not scroll');
  for (const field of ['Password', 'Code from your authenticator app']) {
    await assertInsideScreen(page, dialog().getByLabel(field, { exact: true }), field, { fully: true });
  }
  await assertInsideScreen(page, dialog().getByRole('button', { name: 'Sign and pay' }), 'Sign and pay', { fully: true });
  await assertTouchTargets(page, 'dialog[open]', 'the signing dialog');
  await content.evaluate((el) => { el.scrollTop = 0; });
  await page.screenshot({ path: join(ROOT, 'tests', 'output', 'phone-signing-dialog.png') });
  await assertAccessible(page, 'the signing dialog at 390 px');
  await page.keyboard.press('Escape');
  await dialog().waitFor({ state: 'hidden' });
  assert.deepEqual(unexpectedErrors(page), []);
});

test('AutoPay and a payment fit a phone: amounts and dates on screen', async () => {
  await page.goto('/autopay');
  await h1(page, 'AutoPay').waitFor();
  const row = page.locator(`[data-testid="payment-list"] tr[data-e2e="${paymentE2e}"]`);
  await row.waitFor();
  await assertNoSidewaysScroll(page, 'AutoPay');
  const rows = page.locator('[data-testid="payment-list"] tbody tr');
  for (let i = 0; i < await rows.count(); i++) {
    await assertInsideScreen(page, rows.nth(i).locator('td.num'), `amount of payment ${i}`);
    await assertInsideScreen(page, rows.nth(i).locator('td[data-label="Requested date"]'), `date of payment ${i}`);
  }
  await assertTouchTargets(page, 'main', 'AutoPay');
  await screenshot(page, 'phone-autopay');
  await assertAccessible(page, 'AutoPay at 390 px');

  await row.getByRole('link', { name: paymentE2e }).click();
  await h1(page, 'Payment').waitFor();
  await page.getByTestId('payment-status').waitFor();
  await assertNoSidewaysScroll(page, 'the payment');
  await assertInsideScreen(page, page.locator('.task-amount .amount'), 'the amount');
  assert.equal((await page.locator('.task-amount .amount').textContent()).replace(/\s/g, ' '), '48,250.00 NOK');
  await assertInsideScreen(page, page.locator('.facts dd'), 'the facts');
  await page.getByRole('button', { name: 'Show events' }).click();
  await page.getByTestId('payment-events').waitFor();
  await assertNoSidewaysScroll(page, 'the payment with its events');
  await assertTouchTargets(page, 'main', 'the payment');
  await screenshot(page, 'phone-payment');
  await assertAccessible(page, 'the payment at 390 px');
  assert.deepEqual(unexpectedErrors(page), []);
});

test('at 1280 px the signing dialog shows every line with its amount and the total without scrolling', async () => {
  const wide = await pageAs(approver, DESKTOP);
  await openTasks(wide);
  await bundle(wide).waitFor();
  await screenshot(wide, 'phone-desktop-tasks');
  await bundle(wide).getByRole('button', { name: 'Pay', exact: true }).click();
  await dialog(wide).waitFor();
  const content = dialog(wide).getByTestId('signing-content');
  for (const number of bundled) {
    await assertInsideScreen(wide, content.locator(`tr[data-invoice="${number}"]`).getByTestId('amount'), `amount of ${number}`, { fully: true });
  }
  await assertInsideScreen(wide, dialog(wide).getByTestId('signing-totals').locator('dd'), 'the grand total', { fully: true });
  await wide.screenshot({ path: join(ROOT, 'tests', 'output', 'phone-desktop-signing-dialog.png') });
  assert.ok(await content.evaluate((el) => el.scrollHeight <= el.clientHeight + 1), 'the list has no inner scroll at 1280×800');
  await assertAccessible(wide, 'the signing dialog at 1280 px');
  await wide.keyboard.press('Escape');

  await wide.getByRole('link', { name: new RegExp(`^Invoice ${open[1]} from `) }).click();
  await wide.getByTestId('task-amount').waitFor();
  await screenshot(wide, 'phone-desktop-task');
  await wide.goto('/autopay');
  await wide.locator(`[data-testid="payment-list"] tr[data-e2e="${paymentE2e}"]`).waitFor();
  await screenshot(wide, 'phone-desktop-autopay');
  assert.equal(await wide.getByRole('button', { name: 'Menu' }).isVisible(), false, 'no menu button on a wide screen');
  assert.deepEqual(await navLinks(wide), ['Tasks', 'AutoPay', 'My details']);
  assert.deepEqual(unexpectedErrors(wide), []);
  await wide.close();
});

test('signed out, the navigation offers nothing but signing in; an administrator sees every screen', async () => {
  for (const viewport of [PHONE, DESKTOP]) {
    const p = await newPage(browser);
    await p.setViewportSize(viewport);
    await p.goto('/tasks');
    await p.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    assert.deepEqual(await navLinks(p), [], 'no navigation links');
    assert.equal(await p.getByRole('link', { name: 'Process overview' }).count(), 0);
    assert.equal(await p.getByRole('link', { name: 'Administration' }).count(), 0);
    assert.equal(await p.getByRole('button', { name: 'Menu' }).isVisible(), false);
    await p.locator('header').getByRole('link', { name: 'Sign in' }).waitFor();
    await assertNoSidewaysScroll(p, `sign-in at ${viewport.width} px`);
    if (viewport === PHONE) {
      await screenshot(p, 'phone-signed-out');
      await assertAccessible(p, 'sign-in at 390 px');
    }

    await submitSignIn(p, { email: ADMIN.email, password: ADMIN.password, code: await adminCode() });
    await p.getByTestId('signed-in-user').waitFor({ state: 'attached' });
    await p.waitForFunction(() => document.querySelectorAll('header nav[aria-label="Main"] a').length === 5);
    assert.deepEqual(await navLinks(p), ['Tasks', 'Process overview', 'AutoPay', 'Administration', 'My details']);
    assert.deepEqual(unexpectedErrors(p), []);
    await p.close();
  }
});

test('wide administration tables and the users\' confirm box fit a phone', async () => {
  const p = await pageAs({ client: admin });
  await p.goto('/admin/users');
  await p.locator('[data-testid="users"]').waitFor();
  await assertNoSidewaysScroll(p, 'the users');
  const other = p.locator(`[data-testid="users"] tbody tr`).filter({ has: p.getByRole('button', { name: /^Deactivate / }) }).first();
  await other.getByRole('button', { name: /^Deactivate / }).click();
  const ask = p.getByRole('group', { name: /^Deactivate / });
  await assertInsideScreen(p, ask, 'the Deactivate question');
  await assertInsideScreen(p, ask.getByRole('button'), 'its answers');
  await assertNoSidewaysScroll(p, 'the users asking to deactivate');
  await screenshot(p, 'phone-admin-users');
  await ask.getByRole('button', { name: /^No/ }).click();
  for (const path of ['/admin/companies', '/admin/keys', '/admin/events', '/process-overview']) {
    await p.goto(path);
    await p.locator('main table, main .empty').first().waitFor();
    await assertNoSidewaysScroll(p, path);
  }
  await screenshot(p, 'phone-process-overview');
  await assertAccessible(p, 'the process overview at 390 px');
  // The readiness matrix is one card per user with a labelled block per company: the reasons
  // are on screen, not in columns to the right of the screen.
  await p.goto('/admin/readiness');
  const readiness = p.getByTestId('readiness');
  await readiness.waitFor();
  await assertNoSidewaysScroll(p, 'the readiness matrix');
  const cell = readiness.locator('tr[data-user] td.not-ready').first();
  await assertInsideScreen(p, cell, 'a company block of the readiness matrix');
  await assertInsideScreen(p, cell.locator('li').first(), 'a missing prerequisite');
  await screenshot(p, 'phone-admin-readiness');
  await assertAccessible(p, 'the readiness matrix at 390 px');
  assert.deepEqual(unexpectedErrors(p), []);
  await p.close();
});

test('in Norwegian the phone layout holds too: longer words, the same fit', async () => {
  const p = await pageAs(approver);
  await openTasks(p);
  await Promise.all([
    p.waitForResponse((r) => r.url().endsWith('/api/v1/me/language')),
    p.getByTestId('language-nb').click(),
  ]);
  // The choice is kept: the page loads again in Norwegian.
  await p.waitForFunction(() => document.documentElement.lang === 'nb');
  await p.reload();
  await h1(p, 'Oppgaver').waitFor();
  await bundle(p).getByRole('heading', { name: 'Bunten din' }).waitFor();
  await assertNoSidewaysScroll(p, 'the task list in Norwegian');
  for (const number of bundled) {
    const row = bundle(p).locator(`tr[data-invoice="${number}"]`);
    await assertInsideScreen(p, row.getByTestId('amount'), `amount of ${number} (nb)`);
    assert.equal(await row.getByTestId('amount').getAttribute('data-label'), 'Beløp');
    await assertInsideScreen(p, row.getByRole('button', { name: `Fjern faktura ${number} fra bunten` }), `Fjern ${number}`);
  }
  const menu = p.getByRole('button', { name: 'Meny' });
  await menu.click();
  assert.deepEqual(await p.locator('header nav a').allTextContents(), ['Oppgaver', 'AutoPay', 'Mine opplysninger']);
  await p.getByRole('navigation', { name: 'Hovedmeny' }).waitFor();
  await p.keyboard.press('Escape');

  await bundle(p).getByRole('button', { name: 'Betal', exact: true }).click();
  const signing = p.getByRole('dialog', { name: 'Godkjenn og betal: signer' });
  await signing.waitFor();
  await assertInsideScreen(p, signing.getByTestId('signing-totals').locator('dd'), 'the grand total (nb)', { fully: true });
  await assertInsideScreen(p, signing.getByRole('button', { name: 'Signer og betal' }), 'Signer og betal', { fully: true });
  await assertNoSidewaysScroll(p, 'the signing dialog in Norwegian');
  await p.screenshot({ path: join(ROOT, 'tests', 'output', 'phone-nb-signing-dialog.png') });
  await assertAccessible(p, 'the signing dialog in Norwegian at 390 px');
  await p.keyboard.press('Escape');
  await screenshot(p, 'phone-nb-tasks');
  // Back to English for whoever uses this user next.
  await Promise.all([
    p.waitForResponse((r) => r.url().endsWith('/api/v1/me/language')),
    p.getByTestId('language-en').click(),
  ]);
  await p.waitForFunction(() => document.documentElement.lang === 'en');
  await p.reload();
  await h1(p, 'Tasks').waitFor();
  assert.deepEqual(unexpectedErrors(p), []);
  await p.close();
});
