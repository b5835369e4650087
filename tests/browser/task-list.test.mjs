// The task list with more invoices than one page: the first 50 in order, "Load more" for the
// rest, each invoice once; the sort starts the list over. At 1280 px and 390 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPage, screenshot, BASE_URL, newContext } from '../support/browser.mjs';
import { firstAdmin } from '../support/org.mjs';
import { readyCompany, approver, newInvoice } from '../support/approval.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('an_approver_with_more_tasks_than_a_page_loads_the_rest_with_load_more_each_once', async () => {
  const admin = await firstAdmin();
  const company = await readyCompany(admin);
  const user = await approver(admin, [company], { twoStep: false });
  const numbers = [];
  for (let i = 0; i < 57; i++) {
    const number = `PG-${String(i).padStart(3, '0')}`;
    numbers.push(number);
    // Due dates spread over two months, in the order of the numbers.
    await newInvoice(company, { invoice_number: number, due_date: `2030-0${4 + Math.floor(i / 28)}-${String(1 + (i % 28)).padStart(2, '0')}` });
  }
  for (const width of [1280, 390]) {
    const page = await newPage(browser);
    await page.setViewportSize({ width, height: width > 400 ? 900 : 844 });
    const [name, value] = user.client.cookie.split(/=(.*)/s);
    await page.context().addCookies([{ name, value, url: BASE_URL }]);
    await page.goto('/tasks');
    const rows = page.locator('[data-testid="task-list"] tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 50, 'the first page');
    const more = page.getByTestId('tasks-load-more');
    await more.waitFor();
    await screenshot(page, `tasks-paged-${width}`);
    // Nothing runs off the side of the screen (the header's long e-mail address wraps; on a phone
    // the table's rows are cards).
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `no sideways scrolling at ${width} px`);
    // On a phone the user's name and Sign out are behind the header's Menu button.
    if (width < 720) await page.getByRole('button', { name: 'Menu' }).click();
    assert.ok(await page.getByRole('button', { name: 'Sign out' }).evaluate((b) => b.getBoundingClientRect().width > 0 && b.getBoundingClientRect().right <= window.innerWidth), 'Sign out is on screen');
    if (width < 720) await page.keyboard.press('Escape');
    await more.click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="task-list"] tbody tr').length === 57);
    assert.equal(await more.count(), 0, 'no "Load more" once everything is shown');
    const shown = await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.invoice));
    assert.deepEqual(shown, numbers, 'every invoice once, earliest due date first');

    // Sorting by amount starts over with the first page.
    await page.getByLabel('Sort by').selectOption('amount');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="task-list"] tbody tr').length === 50);
    await more.waitFor();
    await page.close();
  }
});

test('a_task_due_within_the_companys_days_is_marked_soon_overdue_in_the_list_in_english_and_norwegian', async () => {
  const admin = await firstAdmin();
  const company = await readyCompany(admin);
  const user = await approver(admin, [company], { twoStep: false });
  const day = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  await newInvoice(company, { invoice_number: 'DUE-SOON', invoice_date: day(-20), due_date: day(2) });
  await newInvoice(company, { invoice_number: 'DUE-LATER', invoice_date: day(-20), due_date: day(20) });
  for (const [locale, words] of [['en-GB', /^Soon overdue: due on /], ['nb-NO', /^Forfaller snart: forfallsdato \d\d\.\d\d\.\d{4}\.$/]]) {
    const context = await newContext(browser, { locale });
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    const [name, value] = user.client.cookie.split(/=(.*)/s);
    await context.addCookies([{ name, value, url: BASE_URL }]);
    await page.goto('/tasks');
    const soon = page.locator('[data-testid="task-list"] tr[data-invoice="DUE-SOON"]');
    await soon.waitFor();
    assert.match((await soon.locator('[data-warning="due_soon"]').textContent()).trim(), words);
    assert.equal(await page.locator('[data-testid="task-list"] tr[data-invoice="DUE-LATER"] [data-warning]').count(), 0);
    await screenshot(page, `tasks-due-soon-${locale}-390`);
    await context.close();
  }

  // A System Administrator shortens "soon overdue" to 1 day in the company editor: the task due
  // in 2 days is no longer marked. A number out of range is refused next to its field.
  const context = await newContext(browser);
  const adminPage = await context.newPage();
  const [name, value] = admin.cookie.split(/=(.*)/s);
  await context.addCookies([{ name, value, url: BASE_URL }]);
  await adminPage.goto('/admin/companies');
  await adminPage.getByRole('button', { name: `Edit ${company.name}` }).click();
  const editor = adminPage.getByTestId('company-editor');
  const days = editor.getByLabel('Mark tasks soon overdue from (days before the due date)');
  assert.equal(await days.inputValue(), '3');
  await days.fill('31');
  await editor.getByRole('button', { name: 'Save days' }).click();
  await editor.getByText('Tasks can be marked soon overdue from 0 to 30 days before their due date.').first().waitFor();
  await days.fill('1');
  const saved = adminPage.waitForResponse((r) => r.url().endsWith(`/api/v1/companies/${company.id}/settings`) && r.request().method() === 'PATCH');
  await editor.getByRole('button', { name: 'Save days' }).click();
  assert.equal((await saved).status(), 200);
  assert.equal((await admin.call('GET', `/api/v1/companies/${company.id}`)).body.settings.soon_overdue_days, 1);
  await context.close();
  const rows = await user.client.call('GET', '/api/v1/tasks');
  const soonRow = rows.body.items.find((r) => r.invoice_number === 'DUE-SOON');
  assert.deepEqual(soonRow.warnings, []);
});
