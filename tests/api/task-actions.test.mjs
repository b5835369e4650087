// The task actions beyond approve and reject (issue 10): Forward moves the task to another
// approver (the history says who forwarded to whom and why), Request review gives it to the
// reviewer until they answer and never counts as an approval, Postpone takes it off the task
// list until a day. Each is refused with a sentence when it does not apply, and changes nothing.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { assertProblem } from '../support/http.mjs';
import { firstAdmin, newUser, allPages } from '../support/org.mjs';
import { readyCompany, approver, newInvoice, task } from '../support/approval.mjs';

let admin;
let company;
let ola;
let kari;
let per;

const day = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const listed = async (user) => (await allPages(user.client, `/api/v1/tasks?company=${company.id}`)).map((r) => r.id);

async function act(user, id, what, body) {
  const t = await task(user, id);
  return user.client.call('POST', `/api/v1/tasks/${id}/${what}`, { json: { expected_version: t.version, ...body } });
}

before(async () => {
  admin = await firstAdmin();
  company = await readyCompany(admin);
  ola = await approver(admin, [company]);
  kari = await approver(admin, [company]);
  per = await approver(admin, [company]);
});

test('forward: the task moves to the chosen approver, who decides it; the history says who and why', async () => {
  const id = await newInvoice(company);
  const people = await ola.client.call('GET', `/api/v1/tasks/${id}/people`);
  assert.equal(people.status, 200, people.text);
  const ids = people.body.map((p) => p.id);
  assert.ok(ids.includes(kari.id) && ids.includes(per.id));
  assert.ok(!ids.includes(ola.id), 'not myself');

  const outsider = await newUser(admin);
  const toOutsider = await act(ola, id, 'forward', { to: outsider.id, comment: 'Please look' });
  assertProblem(toOutsider, 400);
  assert.equal(toOutsider.body.errors[0].field, 'to');
  const noWhy = await act(ola, id, 'forward', { to: kari.id, comment: '  ' });
  assertProblem(noWhy, 400);

  const forwarded = await act(ola, id, 'forward', { to: kari.id, comment: 'Kari owns the project budget.' });
  assert.equal(forwarded.status, 200, forwarded.text);
  assert.equal(forwarded.body.standing, 'with_another');
  const entry = forwarded.body.history.find((h) => h.kind === 'forwarded');
  assert.ok(entry, JSON.stringify(forwarded.body.history));
  assert.match(entry.detail, /Forwarded the task to .*: Kari owns the project budget\./);

  assert.ok(!(await listed(ola)).includes(id));
  assert.ok(!(await listed(per)).includes(id));
  assert.ok((await listed(kari)).includes(id));
  const byOla = await act(ola, id, 'approve', {});
  assertProblem(byOla, 409);
  assert.match(byOla.body.detail, /forwarded to/);
  const byKari = await act(kari, id, 'approve', {});
  assert.equal(byKari.status, 200, byKari.text);
  assert.equal(byKari.body.status, 'approved');
});

test('a review asked of someone outside the company is refused and changes nothing', async () => {
  const id = await newInvoice(company);
  const outsider = await newUser(admin);
  const before = await task(ola, id);
  const refused = await act(ola, id, 'review', { reviewer: outsider.id, question: 'Is this ours?' });
  assertProblem(refused, 400);
  assert.equal(refused.body.errors[0].field, 'reviewer');
  const nobody = await act(ola, id, 'review', { reviewer: 'no-such-user', question: 'Is this ours?' });
  assertProblem(nobody, 400);
  const after = await task(ola, id);
  assert.equal(after.version, before.version);
  assert.equal(after.standing, 'can_decide');
});

test('request review: the reviewer answers, the task returns to the approver, and a review is no approval', async () => {
  const id = await newInvoice(company);
  const asked = await act(ola, id, 'review', { reviewer: per.id, question: 'Was the delivery complete?' });
  assert.equal(asked.status, 200, asked.text);
  assert.ok(asked.body.warnings.some((w) => w.kind === 'review_requested' && /Was the delivery complete\?/.test(w.message)));

  assert.equal((await task(per, id)).standing, 'reviewing');
  assert.ok((await listed(per)).includes(id), 'the reviewer has a review task');
  assert.ok(!(await listed(ola)).includes(id));
  assertProblem(await act(ola, id, 'approve', {}), 409);
  assertProblem(await act(kari, id, 'review/answer', { answer: 'Not me' }), 403);
  assertProblem(await act(per, id, 'approve', {}), 409);

  const answered = await act(per, id, 'review/answer', { answer: 'Yes, signed for on the 3rd.' });
  assert.equal(answered.status, 200, answered.text);
  assert.equal(answered.body.approvers.length, 0, 'a review never counts as an approval');
  assert.equal((await task(ola, id)).standing, 'can_decide');
  assert.ok((await listed(ola)).includes(id), 'back with the approver who asked');
  assert.ok(!(await listed(per)).includes(id));
  const detail = await task(ola, id);
  assert.ok(detail.history.some((h) => h.kind === 'review_answered' && /Yes, signed for on the 3rd\./.test(h.detail)));
});

test('postpone: off the task list until the day, still marked overdue when due; bad days are refused', async () => {
  const id = await newInvoice(company, { invoice_date: day(-30), due_date: day(-1) });
  const today = await act(ola, id, 'postpone', { until: day(0) });
  assertProblem(today, 422);
  assert.match(today.body.detail, /day after today/);
  assertProblem(await act(ola, id, 'postpone', { until: day(91) }), 422);
  const garbage = await act(ola, id, 'postpone', { until: 'next week' });
  assertProblem(garbage, 400);
  assert.equal(garbage.body.errors[0].field, 'until');

  const postponed = await act(ola, id, 'postpone', { until: day(3) });
  assert.equal(postponed.status, 200, postponed.text);
  assert.ok(postponed.body.warnings.some((w) => w.kind === 'postponed'));
  assert.ok(postponed.body.warnings.some((w) => w.kind === 'due_date_passed'), 'it still counts as overdue');
  for (const user of [ola, kari]) assert.ok(!(await listed(user)).includes(id), 'off the task list');
  // The overview still shows it, waiting.
  const rows = await allPages(admin, `/api/v1/admin/processes?company=${company.id}`);
  assert.equal(rows.find((r) => r.id === id)?.status, 'awaiting_approval');
  // It can still be decided from its page.
  const approved = await act(kari, id, 'approve', {});
  assert.equal(approved.status, 200, approved.text);
});
