// The AutoPay payment list and the process overview with more rows than one page: the first 50,
// "Load more" for the rest, each row once and in order; a filter starts the list over.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPage, screenshot, BASE_URL } from '../support/browser.mjs';
import { firstAdmin } from '../support/org.mjs';
import { approver, newInvoice } from '../support/approval.mjs';
import { autopayCompany, upload, CREDITOR_IBAN } from '../support/autopay.mjs';
import { pain001 } from '../support/pain001.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

async function pageAs(client) {
  const page = await newPage(browser);
  const [name, value] = client.cookie.split(/=(.*)/s);
  await page.context().addCookies([{ name, value, url: BASE_URL }]);
  return page;
}

const rowCount = (page, testid, n) =>
  page.waitForFunction(([t, n]) => document.querySelectorAll(`[data-testid="${t}"] tbody tr`).length === n, [testid, n]);

test('the_autopay_payment_list_loads_more_than_a_page_with_load_more_each_payment_once', async () => {
  const admin = await firstAdmin();
  const company = await autopayCompany(admin);
  const user = await approver(admin, [company], { twoStep: false });
  const e2e = Array.from({ length: 57 }, (_, i) => `PG-E2E-${String(i + 1).padStart(3, '0')}`);
  const res = await upload(company, pain001({
    debtor: company.debtorIban,
    payments: e2e.map((id, i) => ({ amount: `${100 + i}.00`, creditorIban: CREDITOR_IBAN, e2e: id })),
  }));
  assert.equal(res.status, 201, res.text);

  const page = await pageAs(user.client);
  await page.goto('/autopay');
  const rows = page.locator('[data-testid="payment-list"] tbody tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 50, 'the first page');
  const more = page.getByTestId('payments-load-more');
  await more.waitFor();
  await screenshot(page, 'autopay-payments-paged');
  await more.click();
  await rowCount(page, 'payment-list', 57);
  assert.equal(await more.count(), 0, 'no "Load more" once everything is shown');
  const shown = await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.e2e));
  assert.deepEqual(shown, [...e2e].reverse(), 'every payment once, the file\'s last payment first');

  // A filter starts the list over: the first page again, with "Load more".
  await page.getByLabel('Status').selectOption('pending_approval');
  await rowCount(page, 'payment-list', 50);
  await more.waitFor();
  await page.getByLabel('Status').selectOption('paid');
  await page.getByTestId('no-payments').waitFor();
  assert.equal(await more.count(), 0);
  assert.deepEqual(page.errors.filter((e) => !/status of 4\d\d/.test(e)), []);
  await page.close();
});

test('the_process_overview_loads_more_than_a_page_with_load_more_each_process_once', async () => {
  const admin = await firstAdmin();
  const company = await autopayCompany(admin);
  const numbers = [];
  for (let i = 0; i < 53; i++) {
    const number = `PO-${String(i).padStart(3, '0')}`;
    numbers.push(number);
    await newInvoice(company, { invoice_number: number, due_date: `2032-0${1 + Math.floor(i / 28)}-${String(1 + (i % 28)).padStart(2, '0')}` });
  }
  const page = await pageAs(admin);
  await page.goto('/process-overview');
  await page.locator('[data-testid="process-list"] tbody tr').first().waitFor();
  await page.getByLabel('Company').selectOption(company.id);
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="process-list"] tbody tr')].every((tr) => tr.dataset.invoice?.startsWith('PO-')));
  await rowCount(page, 'process-list', 50);
  const more = page.getByTestId('processes-load-more');
  await more.click();
  await rowCount(page, 'process-list', 53);
  assert.equal(await more.count(), 0);
  const shown = await page.locator('[data-testid="process-list"] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.invoice));
  assert.deepEqual(shown, numbers, 'every process once, earliest due date first');
  await page.close();
});
