// Notifications and the header's count (issue 10), in a real browser: an approver with new and
// soon-overdue tasks sees the unread count in the header at 1280 px and on a phone, opens the
// list on My details (in English and Norwegian), follows one to the task and marks all read, and
// the count goes. The administrator sets the escalation approver and the webhook in the company
// editor, sees the signing secret once and the delivery log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { launchBrowser, screenshot, pageAs as sharedPageAs, assertAccessible, BASE_URL } from '../support/browser.mjs';
import { firstAdmin, newUser } from '../support/org.mjs';
import { readyCompany, newInvoice, ownerWorkflow } from '../support/approval.mjs';

let browser;
let admin;
let company;
let ola;
let boss;
const pageAs = (user, options) => sharedPageAs(browser, user, options);
const day = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

const received = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => { body += d; });
  req.on('end', () => { received.push(body); res.writeHead(200).end('ok'); });
});

before(async () => {
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  browser = await launchBrowser();
  admin = await firstAdmin();
  company = await readyCompany(admin);
  const roles = { [company.id]: ['invoice_approver'] };
  ola = await newUser(admin, { roles, name: 'Ola Nordmann' });
  boss = await newUser(admin, { roles, name: 'Berit Sjef' });
  await ownerWorkflow(admin, company, ola);
});
after(async () => {
  await browser?.close();
  receiver.close();
});

async function adminPage(options) {
  return pageAs({ client: admin }, options);
}

test('the administrator sets the escalation approver and the webhook; the secret shows once, then the log', async () => {
  const page = await adminPage();
  await page.goto('/admin/companies');
  await page.getByRole('button', { name: `Edit ${company.name}` }).click();
  const editor = page.getByTestId('company-editor');
  await editor.waitFor();
  await editor.getByLabel('Escalation approver').selectOption({ label: 'Berit Sjef' });
  await editor.getByLabel('Escalate after (working days overdue)').fill('3');
  await editor.getByRole('button', { name: 'Save escalation' }).click();
  await page.waitForFunction(async (id) => {
    const r = await fetch(`/api/v1/companies/${id}`);
    const c = await r.json();
    return c.settings.escalate_after_days === 3;
  }, company.id);
  const { body: saved } = await admin.call('GET', `/api/v1/companies/${company.id}`);
  assert.equal(saved.settings.escalation_user, boss.id);

  await editor.getByLabel('Webhook address (https://)').fill('http://hooks.example.com/x');
  await editor.getByRole('button', { name: 'Save and make a new secret' }).click();
  await editor.locator('#webhook-url-error').getByText(/must start with https:\/\//).waitFor();
  await editor.getByLabel('Webhook address (https://)').fill(`http://127.0.0.1:${receiver.address().port}/hook`);
  await editor.getByRole('button', { name: 'Save and make a new secret' }).click();
  const secret = editor.getByTestId('webhook-secret');
  await secret.waitFor();
  assert.match(await secret.innerText(), /whsec_[0-9a-f]{64}/);
  await assertAccessible(page, 'the company editor with the webhook');
  await screenshot(page, 'company-webhook-1280');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the header shows the unread count; the list on My details reads in both languages and clears it', async () => {
  const soon = await newInvoice(company, { invoice_date: day(-40), invoice_number: 'NT-1', due_date: day(1) });
  await newInvoice(company, { invoice_date: day(-40), invoice_number: 'NT-2', due_date: day(25) });
  const run = await fetch(`${BASE_URL}/__scheduled?cron=0+*+*+*+*`);
  assert.equal(run.status, 200);
  const { body: list } = await ola.client.call('GET', '/api/v1/me/notifications');
  assert.equal(list.unread, 3, JSON.stringify(list.items.map((n) => n.kind)));

  // A phone shows the count beside the Menu button, not inside the closed menu.
  const phone = await pageAs(ola, { width: 390 });
  await phone.goto('/tasks');
  const phoneCount = phone.getByTestId('unread-count');
  await phoneCount.waitFor();
  assert.equal((await phoneCount.innerText()).trim(), '3');
  assert.ok(await phoneCount.isVisible());
  assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling at 390 px');
  await screenshot(phone, 'header-count-390');
  await phone.context().close();

  const page = await pageAs(ola);
  await page.goto('/tasks');
  const count = page.getByTestId('unread-count');
  await count.waitFor();
  assert.equal((await count.innerText()).trim(), '3');
  assert.equal(await count.getAttribute('aria-label'), '3 unread notifications');
  await screenshot(page, 'header-count-1280');
  await count.click();
  const card = page.getByTestId('notifications');
  await card.getByText('Soon overdue: invoice NT-1 from Kontorrekvisita AS', { exact: false }).waitFor();
  await card.getByText('New task: invoice NT-2', { exact: false }).waitFor();
  await assertAccessible(page, 'My details with notifications');
  await screenshot(page, 'notifications-1280');
  // A notification opens its task.
  await card.getByText('Soon overdue: invoice NT-1', { exact: false }).click();
  await page.waitForURL(`**/tasks/${soon}`);
  await page.goBack();
  await page.getByTestId('notifications').getByRole('button', { name: 'Mark all as read' }).click();
  await page.getByTestId('unread-count').waitFor({ state: 'detached' });
  assert.equal((await ola.client.call('GET', '/api/v1/me/notifications')).body.unread, 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();

  // In Norwegian.
  const nb = await pageAs(ola, { locale: 'nb-NO', width: 390 });
  await nb.goto('/my-details');
  const nbCard = nb.getByTestId('notifications');
  await nbCard.getByRole('heading', { name: 'Varsler' }).waitFor();
  await nbCard.getByText('Forfaller snart: faktura NT-1', { exact: false }).waitFor();
  await screenshot(nb, 'notifications-nb-390');
  await nb.context().close();

  // The webhook heard the same events.
  const kinds = received.map((b) => JSON.parse(b).kind);
  assert.ok(kinds.includes('new_task') && kinds.includes('soon_overdue'), kinds.join(', '));
});
