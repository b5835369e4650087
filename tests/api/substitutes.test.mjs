// Substitutes (issue 10): a user sets an absence and a substitute on My details (the rules:
// nobody substitutes for themselves; two people cannot substitute for each other in the same
// period; the substitute holds Invoice Approver in a company of theirs). During the period the
// substitute sees the absent user's tasks marked "on behalf of", decides them with their own
// roles and two-step verification, and the history records both; a bundle shows which invoices
// are on behalf of whom.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { assertProblem } from '../support/http.mjs';
import { firstAdmin, newUser, allPages } from '../support/org.mjs';
import { readyCompany, approver, newInvoice, task, bundle, sign, ownerWorkflow } from '../support/approval.mjs';

let admin;
let company;
let ola;
let kari;

const day = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const listed = async (user) => allPages(user.client, `/api/v1/tasks?company=${company.id}`);

async function away(user, substitute, from = day(0), to = day(3)) {
  return user.client.call('POST', '/api/v1/me/absences', { json: { substitute: substitute.id, from, to } });
}

before(async () => {
  admin = await firstAdmin();
  company = await readyCompany(admin);
  ola = await approver(admin, [company]);
  kari = await approver(admin, [company]);
  // Ola is the budget owner: the workflow gives every invoice to him.
  await ownerWorkflow(admin, company, ola);
});

test('the rules: not oneself, not each other in the same period, an Invoice Approver, not in the past', async () => {
  const self = await away(ola, ola);
  assertProblem(self, 422);
  assert.match(self.body.detail, /own substitute/);
  const outsider = await newUser(admin);
  const notApprover = await away(ola, outsider);
  assertProblem(notApprover, 422);
  assert.match(notApprover.body.detail, /Invoice Approver/);
  const past = await away(ola, kari, day(-5), day(-1));
  assertProblem(past, 400);
  assert.equal(past.body.errors[0].field, 'to');
  const garbage = await ola.client.call('POST', '/api/v1/me/absences', { json: { substitute: kari.id, from: 'soon', to: day(2) } });
  assertProblem(garbage, 400);
  assert.equal(garbage.body.errors[0].field, 'from');

  const set = await away(ola, kari);
  assert.equal(set.status, 201, set.text);
  assert.equal(set.body.absences.length, 1);
  assert.equal(set.body.absences[0].mine, true);
  const eachOther = await away(kari, ola, day(1), day(2));
  assertProblem(eachOther, 422);
  assert.match(eachOther.body.detail, /each other/);
  const overlap = await away(ola, kari, day(2), day(5));
  assertProblem(overlap, 422);

  const karis = await kari.client.call('GET', '/api/v1/me/absences');
  assert.equal(karis.status, 200, karis.text);
  assert.deepEqual(karis.body.absences.map((a) => a.mine), [false], 'Kari sees the absence she substitutes in');
  assert.ok(karis.body.people.some((p) => p.id === ola.id));
  // Nobody removes another user's absence.
  assertProblem(await kari.client.call('DELETE', `/api/v1/me/absences/${set.body.absences[0].id}`), 404);
});

test('the substitute sees the absent approver’s tasks on behalf of them and decides them; the history records both', async () => {
  const id = await newInvoice(company);
  const row = (await listed(kari)).find((r) => r.id === id);
  assert.ok(row, 'Kari has Ola’s task while he is away');
  assert.ok(row.warnings.some((w) => w.kind === 'on_behalf_of'), JSON.stringify(row.warnings));
  const t = await task(kari, id);
  assert.equal(t.standing, 'can_decide');
  const approved = await kari.client.call('POST', `/api/v1/tasks/${id}/approve`, { json: { expected_version: t.version } });
  assert.equal(approved.status, 200, approved.text);
  assert.equal(approved.body.status, 'approved');
  const entry = approved.body.history.find((h) => h.kind === 'approved');
  assert.match(entry.actor, /on behalf of/);
  assert.ok(approved.body.approvers.length === 1);
});

test('Approve and pay on behalf of: the substitute’s own bundle and signature, the dialog says on whose behalf', async () => {
  const id = await newInvoice(company);
  const t = await task(kari, id);
  assert.equal(t.approve_and_pay_offered, true, t.approve_and_pay_missing.join(' | '));
  const res = await kari.client.call('POST', `/api/v1/tasks/${id}/approve-and-pay`, { json: { expected_version: t.version } });
  assert.equal(res.status, 200, res.text);
  const b = await bundle(kari);
  const item = b.items.find((i) => i.id === id);
  assert.ok(item.on_behalf_of, JSON.stringify(item));
  const signed = await sign(kari, b.digest);
  assert.equal(signed.status, 200, signed.text);
  assert.equal((await task(kari, id)).status, 'payment_approved');
});

test('when the absence is removed, the substitute no longer has the tasks', async () => {
  const id = await newInvoice(company);
  const { body } = await ola.client.call('GET', '/api/v1/me/absences');
  const mine = body.absences.find((a) => a.mine);
  const removed = await ola.client.call('DELETE', `/api/v1/me/absences/${mine.id}`);
  assert.equal(removed.status, 200, removed.text);
  assert.equal(removed.body.absences.length, 0);
  assert.ok(!(await listed(kari)).some((r) => r.id === id));
  assert.equal((await task(kari, id)).standing, 'other_step');
  assert.ok((await listed(ola)).some((r) => r.id === id));
});
