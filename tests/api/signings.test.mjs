// "Signed by me" (`GET /api/v1/me/signings`): each bundle the signed-in user signed, newest
// first, with its companies, totals per currency and each invoice's path to the bank; only the
// user's own signings; the path moves as the ERP exports, AutoPay sends and the bank reports.
// Also the standing a bundled invoice's task page shows (issue 12).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertProblem, call } from '../support/http.mjs';
import { firstAdmin, totpCodeAtStep } from '../support/org.mjs';
import { timeStep, waitForStepAfter } from '../support/ui.mjs';
import { approver, newInvoice, approveAndPay, bundle, sign, task } from '../support/approval.mjs';
import {
  autopayCompany, preApprovedInvoices, exported, upload, statusReport, sendStatusReport, msgIdOf, CREDITOR_IBAN,
} from '../support/autopay.mjs';

async function signings(user, query = '') {
  const res = await user.client.call('GET', `/api/v1/me/signings${query}`);
  assert.equal(res.status, 200, res.text);
  return res.body;
}

/** The signing holding process `id` on the user's first page. */
async function signingOf(user, id) {
  const page = await signings(user);
  return page.items.find((s) => s.invoices.some((i) => i.id === id));
}

const stageOf = async (user, id) => (await signingOf(user, id)).invoices.find((i) => i.id === id);

test('a signing across two companies is one entry with its totals, companies and every invoice waiting for the ERP', async () => {
  const admin = await firstAdmin();
  const north = await autopayCompany(admin);
  const fjell = await autopayCompany(admin);
  const user = await approver(admin, [north, fjell]);
  const ids = [
    await newInvoice(north, { supplier: { iban: CREDITOR_IBAN }, amount: '1250.50' }),
    await newInvoice(north, { supplier: { iban: CREDITOR_IBAN }, amount: '100.00', currency: 'EUR' }),
    await newInvoice(fjell, { supplier: { iban: CREDITOR_IBAN }, amount: '749.50' }),
  ];
  for (const id of ids) await approveAndPay(user, id);
  const signed = await sign(user, (await bundle(user)).digest);
  assert.equal(signed.status, 200, signed.text);

  const page = await signings(user);
  assert.equal(page.items.length, 1, JSON.stringify(page));
  assert.equal(page.next_cursor, null);
  const [s] = page.items;
  assert.equal(s.bundle_id, signed.body.bundle_id);
  assert.equal(s.count, 3);
  assert.deepEqual(s.companies.map((c) => c.id).sort(), [north.id, fjell.id].sort());
  assert.deepEqual(s.totals.map((t) => t.display).sort(), ['100.00 EUR', '2000.00 NOK']);
  assert.deepEqual(s.totals.map((t) => t.display).sort(), signed.body.totals.map((t) => t.display).sort());
  assert.match(s.signed_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(s.invoices.map((i) => i.id).sort(), [...ids].sort());
  for (const i of s.invoices) {
    assert.equal(i.stage, 'awaiting_export', JSON.stringify(i));
    assert.equal(i.note, null);
    assert.equal(i.payment_id, null);
    assert.match(i.token_last_four, /^[0-9A-HJKMNP-TV-Z]{4}$/);
  }
  const fjellInvoice = s.invoices.find((i) => i.id === ids[2]);
  assert.equal(fjellInvoice.company_id, fjell.id);
  assert.equal(fjellInvoice.amount.value, '749.50');
});

test('a user sees only their own signings', async () => {
  const admin = await firstAdmin();
  const c = await autopayCompany(admin);
  const signer = await approver(admin, [c]);
  const other = await approver(admin, [c]);
  const [id] = await preApprovedInvoices(signer, c, 1);
  assert.ok(await signingOf(signer, id));
  const theirs = await signings(other);
  assert.deepEqual(theirs.items, [], 'another approver of the same company sees none of it');
  const adminView = await admin.call('GET', '/api/v1/me/signings');
  assert.equal(adminView.status, 200, adminView.text);
  assert.ok(!adminView.body.items.some((s) => s.invoices.some((i) => i.id === id)), 'nor does the System Administrator');
  assertProblem(await call('GET', '/api/v1/me/signings'), 401);
});

test('the path moves as the ERP exports, AutoPay sends and the bank pays', async () => {
  const admin = await firstAdmin();
  const c = await autopayCompany(admin);
  const user = await approver(admin, [c]);
  const [id] = await preApprovedInvoices(user, c, 1);
  assert.equal((await stageOf(user, id)).stage, 'awaiting_export');

  const xml = await exported(c, 'pre-approved');
  const afterExport = await stageOf(user, id);
  assert.equal(afterExport.stage, 'in_autopay');
  assert.equal(afterExport.note, 'exported_not_received');

  const res = await upload(c, xml);
  assert.equal(res.status, 201, res.text);
  const [payment] = res.body.payments;
  assert.equal(payment.status, 'sent_to_bank', res.text);
  const sent = await stageOf(user, id);
  assert.equal(sent.stage, 'sent_to_bank');
  assert.equal(sent.payment_id, payment.payment_id);

  const accepted = await sendStatusReport(c, statusReport(msgIdOf(xml), [{ e2e: payment.end_to_end_id, status: 'ACCP' }]));
  assert.equal(accepted.status, 200, accepted.text);
  const acc = await stageOf(user, id);
  assert.deepEqual([acc.stage, acc.note], ['sent_to_bank', 'accepted_by_bank']);

  const paid = await sendStatusReport(c, statusReport(msgIdOf(xml), [{ e2e: payment.end_to_end_id, status: 'ACSC' }]));
  assert.equal(paid.status, 200, paid.text);
  const done = await stageOf(user, id);
  assert.deepEqual([done.stage, done.note], ['paid', null]);
});

test('a payment the bank rejects ends the path as Rejected; one waiting for a second approver is in AutoPay', async () => {
  const admin = await firstAdmin();
  const c = await autopayCompany(admin);
  const user = await approver(admin, [c]);
  const [id] = await preApprovedInvoices(user, c, 1);
  const xml = await exported(c, 'pre-approved');
  const res = await upload(c, xml);
  const [payment] = res.body.payments;
  const rejected = await sendStatusReport(c, statusReport(msgIdOf(xml), [{ e2e: payment.end_to_end_id, status: 'RJCT', reason: 'AC04' }]));
  assert.equal(rejected.status, 200, rejected.text);
  const r = await stageOf(user, id);
  assert.deepEqual([r.stage, r.note], ['rejected', 'rejected_by_bank']);

  const two = await autopayCompany(admin, { approvers: 2 });
  const signer = await approver(admin, [two]);
  const [twoId] = await preApprovedInvoices(signer, two, 1);
  const up = await upload(two, await exported(two, 'pre-approved'));
  assert.equal(up.body.payments[0].status, 'pending_approval', up.text);
  const waiting = await stageOf(signer, twoId);
  assert.deepEqual([waiting.stage, waiting.note], ['in_autopay', 'waiting_for_second_approver']);
});

test('signings page newest first with a cursor; a bad cursor or limit is 400', async () => {
  const admin = await firstAdmin();
  const c = await autopayCompany(admin);
  const user = await approver(admin, [c]);
  // Two signings need two fresh code steps: the first at the next step, the second at the one
  // after it, once the clock has reached the first (a code is valid one step either side).
  const step = timeStep() + 1;
  const first = await newInvoice(c, { supplier: { iban: CREDITOR_IBAN } });
  await approveAndPay(user, first);
  const once = await sign(user, (await bundle(user)).digest, { code: totpCodeAtStep(user.secret, step) });
  assert.equal(once.status, 200, once.text);
  const second = await newInvoice(c, { supplier: { iban: CREDITOR_IBAN } });
  await approveAndPay(user, second);
  await waitForStepAfter(step - 1);
  const again = await sign(user, (await bundle(user)).digest, { code: totpCodeAtStep(user.secret, step + 1) });
  assert.equal(again.status, 200, again.text);

  const one = await signings(user, '?limit=1');
  assert.equal(one.items.length, 1);
  assert.equal(one.items[0].invoices[0].id, second, 'the newest signing first');
  assert.ok(one.next_cursor, 'a second page');
  const two = await signings(user, `?limit=1&cursor=${encodeURIComponent(one.next_cursor)}`);
  assert.equal(two.items.length, 1);
  assert.equal(two.items[0].invoices[0].id, first);
  assert.equal(two.next_cursor, null);

  for (const bad of ['?cursor=nonsense', '?cursor=payment.1.x.1', '?cursor=signing.abc.x', '?cursor=%3Cscript%3E', '?limit=0', '?limit=ten']) {
    const res = await user.client.call('GET', `/api/v1/me/signings${bad}`);
    assertProblem(res, 400);
  }
  assertProblem(await user.client.call('POST', '/api/v1/me/signings'), 405);
});

test("a bundled invoice's task says whose bundle it is, never that it is decided", async () => {
  const admin = await firstAdmin();
  const c = await autopayCompany(admin);
  const owner = await approver(admin, [c]);
  const colleague = await approver(admin, [c]);
  const id = await newInvoice(c, { supplier: { iban: CREDITOR_IBAN } });
  assert.equal((await task(owner, id)).standing, 'can_decide');
  await approveAndPay(owner, id);
  assert.equal((await task(owner, id)).standing, 'in_your_bundle');
  assert.equal((await task(colleague, id)).standing, 'in_another_bundle');
  const signed = await sign(owner, (await bundle(owner)).digest);
  assert.equal(signed.status, 200, signed.text);
  assert.equal((await task(owner, id)).standing, 'decided');
  assert.equal((await task(colleague, id)).standing, 'decided');
});
