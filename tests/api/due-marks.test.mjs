// Soon overdue and overdue (issue 10's reminders, their marks): a task carries the note "Soon
// overdue" from the company's "soon overdue" days before its due date (3 unless a System
// Administrator sets 0 to 30), and the warning that its due date has passed after it; the task
// list and the process overview show them while the invoice still waits for a decision, and a
// decided invoice carries neither. Dates are the Worker's today (UTC), so the invoices here are
// due relative to it.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { assertProblem } from '../support/http.mjs';
import { firstAdmin, allPages } from '../support/org.mjs';
import { readyCompany, approver, newInvoice, task } from '../support/approval.mjs';

let admin;
before(async () => {
  admin = await firstAdmin();
});

/** The day `days` from today (UTC) as YYYY-MM-DD. */
const day = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** soon_overdue, overdue or on_time, as the row's notes tell it. */
const markOf = (row) => {
  const kinds = row.warnings.map((w) => w.kind);
  if (kinds.includes('due_soon')) return 'soon_overdue';
  if (kinds.includes('due_date_passed')) return 'overdue';
  return 'on_time';
};

async function dueOf(user, company) {
  const rows = await allPages(user.client, `/api/v1/tasks?company=${company.id}`);
  return Object.fromEntries(rows.map((r) => [r.id, markOf(r)]));
}

test('tasks are marked soon overdue and overdue by the company’s days, and a decided one is not', async () => {
  const company = await readyCompany(admin);
  const user = await approver(admin, [company]);
  const invoiceDate = day(-40);
  const due = async (days) => newInvoice(company, { invoice_date: invoiceDate, due_date: day(days) });
  const late = await due(-1);
  const today = await due(0);
  const inTwo = await due(2);
  const inFour = await due(4);

  let marks = await dueOf(user, company);
  assert.equal(marks[late], 'overdue');
  assert.equal(marks[today], 'soon_overdue');
  assert.equal(marks[inTwo], 'soon_overdue');
  assert.equal(marks[inFour], 'on_time');
  const rows = await allPages(user.client, `/api/v1/tasks?company=${company.id}`);
  const note = rows.find((r) => r.id === inTwo).warnings[0];
  assert.equal(note.message, `Soon overdue: due on ${new Date(day(2)).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })}.`);
  const nb = await user.client.call('GET', `/api/v1/tasks?company=${company.id}`, { headers: { 'accept-language': 'nb' } });
  const [y, m, d] = day(2).split('-');
  assert.ok(nb.body.items.some((r) => r.warnings.some((w) => w.message === `Forfaller snart: forfallsdato ${d}.${m}.${y}.`)), nb.text);

  const set = await admin.call('PATCH', `/api/v1/companies/${company.id}/settings`, { json: { soon_overdue_days: 1 } });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.body.settings.soon_overdue_days, 1);
  marks = await dueOf(user, company);
  assert.equal(marks[inTwo], 'on_time');
  assert.equal(marks[today], 'soon_overdue');

  const tooMany = await admin.call('PATCH', `/api/v1/companies/${company.id}/settings`, { json: { soon_overdue_days: 31 } });
  assertProblem(tooMany, 400);
  assert.equal(tooMany.body.errors[0].field, 'soon_overdue_days');
  assertProblem(await company.apAdmin.client.call('PATCH', `/api/v1/companies/${company.id}/settings`, { json: { soon_overdue_days: 5 } }), 403);

  // The overview carries the mark while the invoice waits; a rejected one carries none.
  const t = await task(user, late);
  const rejected = await user.client.call('POST', `/api/v1/tasks/${late}/reject`, { json: { expected_version: t.version, comment: 'Not ours' } });
  assert.equal(rejected.status, 200, rejected.text);
  const overview = await allPages(admin, `/api/v1/admin/processes?company=${company.id}`);
  const byId = Object.fromEntries(overview.map((r) => [r.id, markOf(r)]));
  assert.equal(byId[late], 'on_time');
  assert.equal(byId[today], 'soon_overdue');
  assert.equal(byId[inFour], 'on_time');

  const events = await admin.call('GET', '/api/v1/admin/events?kind=settings_changed');
  assert.ok(events.body.items.some((e) => e.detail.includes('Soon overdue now starts this many days before the due date: 1.')), events.text);
});
