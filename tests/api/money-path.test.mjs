// The money path under attack: each test is one hole of the money-path issue, reproduced
// against the real Worker, KV and Durable Objects, and shown closed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertProblem, call } from '../support/http.mjs';
import { firstAdmin, uniqueNorwegianIban } from '../support/org.mjs';
import { approver, sendDocument, documentFor, task, newInvoice, approveAndPay, bundle, sign } from '../support/approval.mjs';
import {
  autopayCompany, preApprovedInvoices, regularInvoices, exported, upload, instrIdsOf, nextCode,
  events, autopayApprover, tamper, CREDITOR_IBAN,
} from '../support/autopay.mjs';
import { pain001, debtorOf } from '../support/pain001.mjs';

const approve = (user, id, json) => user.client.call('POST', `/api/v1/autopay/payments/${id}/approve`, { json });

/** The company's one bank agreement, as the AutoPay Administrator screen reads it. */
async function agreementOf(admin, company) {
  const res = await admin.call('GET', `/api/v1/companies/${company.id}`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.bank_agreements.length, 1, res.text);
  return res.body.bank_agreements[0];
}

test('a_pre_approval_is_one_of_two_approvals_when_the_bank_needs_two', async () => {
  const admin = await firstAdmin();
  const a = await autopayCompany(admin, { approvers: 2 });
  const signer = await approver(admin, [a]);
  await preApprovedInvoices(signer, a, 1);
  const res = await upload(a, await exported(a, 'pre-approved'));
  assert.equal(res.status, 201, res.text);
  const [payment] = res.body.payments;
  assert.equal(payment.status, 'pending_approval', res.text);
  assert.equal(payment.pre_approved, true);
  assert.equal(res.body.summary.sent_to_bank, 0);

  const shown = await events(signer, payment.payment_id);
  assert.equal(shown.payment.approvals_required, 2);
  assert.equal(shown.payment.approvals.length, 1, 'the pre-approval is the first approval');
  assert.ok(shown.events.some((e) => e.kind === 'pre_approved' && /1 of 2 approvals/.test(e.detail)), JSON.stringify(shown.events));

  // The signer cannot be the second approver; a different AutoPay Approver can.
  assertProblem(await approve(signer, payment.payment_id, { code: nextCode(signer) }), 409);
  const second = await autopayApprover(admin, a);
  const done = await approve(second, payment.payment_id, { code: nextCode(second) });
  assert.equal(done.status, 200, done.text);
  assert.equal(done.body.status, 'sent_to_bank');
  assert.equal(done.body.approvals.length, 2);
});

test('a_pending_payment_keeps_its_two_step_level_when_the_agreement_is_lowered_or_deleted', async () => {
  const admin = await firstAdmin();
  const a = await autopayCompany(admin, { level: 'on_approval' });
  const user = await approver(admin, [a]);
  await regularInvoices(user, a, 2);
  const res = await upload(a, await exported(a, 'regular'));
  assert.equal(res.status, 201, res.text);
  const [first, second] = res.body.payments;
  assert.equal(first.status, 'pending_approval');

  // Lowered to none, and the company's own two-step setting switched off: still a code.
  const agreement = await agreementOf(admin, a);
  const lowered = await admin.call('PUT', `/api/v1/admin/companies/${a.id}/bank-agreements/${agreement.id}`, {
    json: { bank_name: agreement.bank_name, bic: agreement.bic, debtor_account: agreement.debtor_account, two_step_level: 'none', approvers_required: 1 },
  });
  assert.equal(lowered.status, 200, lowered.text);
  const off = await admin.call('PATCH', `/api/v1/companies/${a.id}/settings`, { json: { two_step_for_autopay: false } });
  assert.equal(off.status, 200, off.text);
  const noCode = await approve(user, first.payment_id, {});
  assertProblem(noCode, 400);
  assert.equal(noCode.body.errors?.[0]?.field, 'code', noCode.text);

  // Deleted: still a code, never the weakest level.
  const deleted = await admin.call('DELETE', `/api/v1/admin/companies/${a.id}/bank-agreements/${agreement.id}`);
  assert.ok([200, 204].includes(deleted.status), deleted.text);
  assertProblem(await approve(user, second.payment_id, {}), 400);
  const after = await events(user, first.payment_id);
  assert.equal(after.payment.status, 'pending_approval', 'nothing was sent without a code');
  assert.equal(after.payment.code_on_approval, true);

  const withCode = await approve(user, first.payment_id, { code: nextCode(user) });
  assert.equal(withCode.status, 200, withCode.text);
  assert.equal(withCode.body.status, 'sent_to_bank');
});

test('an_amount_above_2_to_the_53_minor_units_stays_exact_and_more_than_18_digits_are_refused', async () => {
  const admin = await firstAdmin();
  const a = await autopayCompany(admin);
  const user = await approver(admin, [a]);

  // 9,007,199,254,740,993 øre: not a JavaScript number, yet exact through every boundary.
  const big = await sendDocument(a, documentFor(a, { amount: '90071992547409.93' }));
  assert.equal(big.status, 201, big.text);
  const shown = await task(user, big.body.process_id);
  assert.match(JSON.stringify(shown), /90071992547409\.93/);
  // The exact decimal string, for clients whose JSON numbers are doubles.
  assert.equal(shown.invoice.amount.value, '90071992547409.93');

  // A field error like every other one of the document (400), naming the limit.
  const tooBig = await sendDocument(a, documentFor(a, { amount: '100000000000000000.00' }));
  assertProblem(tooBig, 400);
  assert.equal(tooBig.body.errors?.[0]?.field, 'amount', tooBig.text);
  assert.match(tooBig.text, /at most 18/);

  // A payment file with one 100,000,000,000,000.00 NOK payment.
  const agreement = await agreementOf(admin, a);
  const file = pain001({
    debtor: agreement.debtor_account,
    payments: [{ amount: '100000000000000.00', creditorIban: CREDITOR_IBAN }],
  });
  const res = await upload(a, file);
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.payments[0].amount.minor, 10_000_000_000_000_000);
  assert.equal(res.body.payments[0].amount.display.replace(/\D/g, ''), '10000000000000000');
  assert.equal(res.body.payments[0].amount.value, '100000000000000.00');
  assert.equal(res.body.totals[0].value, '100000000000000.00');

  const nineteen = pain001({
    debtor: agreement.debtor_account,
    payments: [{ amount: '10000000000000000.00', creditorIban: CREDITOR_IBAN }],
  });
  const refused = await upload(a, nineteen); // a file the reader refuses, like every other
  assertProblem(refused, 400);
  assert.match(refused.text, /at most 18/);
});

test('an_idempotency_key_reused_with_another_file_is_refused_naming_the_key', async () => {
  const admin = await firstAdmin();
  const a = await autopayCompany(admin);
  const agreement = await agreementOf(admin, a);
  const key = `key-${Date.now()}`;
  const one = pain001({ debtor: agreement.debtor_account, payments: [{ amount: '10.00', creditorIban: CREDITOR_IBAN }] });
  const other = pain001({ debtor: agreement.debtor_account, payments: [{ amount: '20.00', creditorIban: CREDITOR_IBAN }] });
  const first = await upload(a, one, { idempotencyKey: key });
  assert.equal(first.status, 201, first.text);
  const replay = await upload(a, one, { idempotencyKey: key });
  assert.equal(replay.status, 200, replay.text);
  assert.equal(replay.body.file_id, first.body.file_id);

  const reused = await upload(a, other, { idempotencyKey: key });
  assertProblem(reused, 422);
  assert.ok(reused.body.detail.includes(key), reused.text);
  // Nothing of the second file was stored.
  const list = await admin.call('GET', `/api/v1/autopay/payments?company=${a.id}`);
  assert.equal(list.status, 200, list.text);
  assert.ok(!JSON.stringify(list.body).includes('"20.00"'), 'the second file left no payment');
});

test('a_file_of_10000_payments_presenting_one_token_leaves_one_warning_and_autopay_keeps_working', async () => {
  const admin = await firstAdmin();
  const a = await autopayCompany(admin);
  const user = await approver(admin, [a]);
  const [processId] = await preApprovedInvoices(user, a, 1);
  const pre = await exported(a, 'pre-approved');
  const [token] = instrIdsOf(pre);
  const payments = Array.from({ length: 10_000 }, (_, i) => ({
    amount: (2000 + i).toFixed(2), // never the approved 1250.50
    instr: token,
    creditorIban: CREDITOR_IBAN,
  }));
  const res = await upload(a, pain001({ debtor: debtorOf(pre), payments }));
  assert.equal(res.status, 201, res.text.slice(0, 500));
  assert.equal(res.body.summary.payments, 10_000);
  assert.equal(res.body.summary.sent_to_bank, 0);
  assert.equal(res.body.summary.pending_approval, 10_000);

  const process = await admin.call('GET', `/api/v1/admin/processes/${processId}`);
  assert.equal(process.status, 200, process.text.slice(0, 500));
  assert.equal(process.body.warnings.filter((w) => w.kind === 'token_mismatch').length, 1, JSON.stringify(process.body.warnings));
  const entries = process.body.history.filter((h) => h.kind === 'token_mismatch');
  assert.equal(entries.length, 1);
  assert.match(entries[0].detail, /10000 payments of file/);

  // AutoPay still answers, and the genuine file still pays the invoice.
  const file = await admin.call('GET', `/api/v1/autopay/files/${res.body.file_id}`);
  assert.equal(file.status, 200, file.text.slice(0, 300));
  const list = await admin.call('GET', `/api/v1/autopay/payments?company=${a.id}`);
  assert.equal(list.status, 200, list.text.slice(0, 300));
  const genuine = await upload(a, pre);
  assert.equal(genuine.status, 201, genuine.text);
  assert.equal(genuine.body.payments[0].status, 'sent_to_bank', genuine.text);
});

test('an_approval_needs_its_code_even_when_the_approver_skips_the_screen', async () => {
  const admin = await firstAdmin();
  const a = await autopayCompany(admin);
  const user = await approver(admin, [a]);
  await regularInvoices(user, a, 1);
  const res = await upload(a, await exported(a, 'regular'));
  const [payment] = res.body.payments;
  for (const body of [{}, { code: '' }, { code: '   ' }]) {
    assertProblem(await approve(user, payment.payment_id, body), 400);
  }
  assert.equal((await events(user, payment.payment_id)).payment.status, 'pending_approval');
});

test('the_signature_covers_the_debtor_account_shown_and_a_changed_account_is_refused', async () => {
  const admin = await firstAdmin();
  const a = await autopayCompany(admin);
  const user = await approver(admin, [a]);
  const id = await newInvoice(a, { supplier: { iban: CREDITOR_IBAN } });
  await approveAndPay(user, id);
  const shown = await bundle(user);
  const agreement = await agreementOf(admin, a);
  const group = shown.groups.find((g) => g.company_id === a.id);
  assert.equal(group.debtor_account, agreement.debtor_account);
  assert.equal(group.debtor_bank, agreement.bank_name);

  const moved = await admin.call('PUT', `/api/v1/admin/companies/${a.id}/bank-agreements/${agreement.id}`, {
    json: { bank_name: agreement.bank_name, bic: agreement.bic, debtor_account: uniqueNorwegianIban(), two_step_level: agreement.two_step_level, approvers_required: agreement.approvers_required },
  });
  assert.equal(moved.status, 200, moved.text);
  const refused = await sign(user, shown.digest);
  assertProblem(refused, 409);

  const again = await bundle(user);
  assert.notEqual(again.digest, shown.digest);
  const signed = await sign(user, again.digest, { code: nextCode(user) });
  assert.equal(signed.status, 200, signed.text);
});

test('the_token_binds_the_creditor_bic_and_the_structured_payment_reference', async () => {
  const admin = await firstAdmin();
  const a = await autopayCompany(admin);
  const user = await approver(admin, [a]);
  await preApprovedInvoices(user, a, 1, { supplier: { iban: CREDITOR_IBAN, bic: 'NDEANOKK' }, payment_reference: '1234567897' });
  const pre = await exported(a, 'pre-approved');
  assert.match(pre, /<CdtrRefInf>[\s\S]*<Ref>1234567897<\/Ref>/);
  assert.match(pre, /<CdtrAgt>\s*<FinInstnId>\s*<BIC>NDEANOKK<\/BIC>/);

  const creditorAgent = /(<CdtrAgt>\s*<FinInstnId>\s*<BIC>)NDEANOKK(<\/BIC>)/;
  const otherBank = await upload(a, tamper(pre, (x) => x.replace(creditorAgent, '$1HANDNOKK$2')));
  assert.equal(otherBank.status, 201, otherBank.text);
  assert.equal(otherBank.body.payments[0].status, 'pending_approval');
  assert.match(otherBank.body.payments[0].warning, /bank HANDNOKK, not the approved bank NDEANOKK/);

  const otherRef = await upload(a, tamper(pre, (x) => x.replace('<Ref>1234567897</Ref>', '<Ref>1234567880</Ref>')));
  assert.equal(otherRef.status, 201, otherRef.text);
  assert.match(otherRef.body.payments[0].warning, /reference 1234567880, not the approved reference 1234567897/);

  const genuine = await upload(a, pre);
  assert.equal(genuine.body.payments[0].status, 'sent_to_bank', genuine.text);
});

test('a_suspicious_payment_can_be_rejected_and_a_warned_one_needs_a_confirmation', async () => {
  const admin = await firstAdmin();
  const a = await autopayCompany(admin);
  const user = await approver(admin, [a]);
  await preApprovedInvoices(user, a, 1);
  const pre = await exported(a, 'pre-approved');
  const paid = await upload(a, pre);
  assert.equal(paid.body.payments[0].status, 'sent_to_bank', paid.text);
  // The same token in another file: refused as used, linked to the payment that used it.
  const again = await upload(a, tamper(pre, (x) => x.replace(/<MsgId>[^<]+<\/MsgId>/, '<MsgId>AGAIN-1</MsgId>')));
  const reused = again.body.payments[0];
  assert.equal(reused.status, 'pending_approval');
  assert.ok(reused.warning.includes(paid.body.payments[0].payment_id), reused.warning);

  const checker = await autopayApprover(admin, a);
  const unconfirmed = await approve(checker, reused.payment_id, { code: nextCode(checker) });
  assertProblem(unconfirmed, 409);
  assert.match(unconfirmed.body.detail, /confirm/);

  assertProblem(await checker.client.call('POST', `/api/v1/autopay/payments/${reused.payment_id}/reject`, { json: { reason: '  ' } }), 400);
  const tooLong = await checker.client.call('POST', `/api/v1/autopay/payments/${reused.payment_id}/reject`, { json: { reason: 'x'.repeat(501) } });
  assertProblem(tooLong, 400);
  assert.equal(tooLong.body.errors[0].field, 'reason');
  const rejected = await checker.client.call('POST', `/api/v1/autopay/payments/${reused.payment_id}/reject`, { json: { reason: 'Second use of one approval' } });
  assert.equal(rejected.status, 200, rejected.text);
  assert.equal(rejected.body.status, 'rejected');
  const shown = await events(checker, reused.payment_id);
  assert.ok(shown.events.some((e) => e.to_status === 'rejected' && /Second use of one approval/.test(e.detail)), JSON.stringify(shown.events));
  // Rejected is final: no approval, no second rejection.
  assertProblem(await approve(checker, reused.payment_id, { code: nextCode(checker), confirm_warning: true }), 409);
  assertProblem(await checker.client.call('POST', `/api/v1/autopay/payments/${reused.payment_id}/reject`, { json: { reason: 'again' } }), 409);
});

test('a_method_a_resource_does_not_accept_is_405_naming_the_allowed_methods', async () => {
  for (const [method, path, allowed] of [
    ['PATCH', '/api/v1/autopay/payments/x_1-1/events', 'GET'],
    ['PUT', '/api/v1/autopay/payments/x_1-1/reject', 'POST'],
    ['DELETE', '/api/v1/documents', 'POST'],
    // A method the Worker's runtime does not know is not read as GET.
    ['QUERY', '/api/v1/integration/whoami', 'GET'],
    ['QUERY', '/api/v1/health', 'GET'],
  ]) {
    const res = await call(method, path, { headers: { 'x-client-version': '14.00' } });
    assertProblem(res, 405);
    assert.equal(res.headers.get('allow'), allowed, `${method} ${path}`);
  }
});

test('an_approval_and_a_rejection_at_once_never_both_happen', async () => {
  const admin = await firstAdmin();
  const a = await autopayCompany(admin, { level: 'none', preApproval: false });
  const off = await admin.call('PATCH', `/api/v1/companies/${a.id}/settings`, { json: { two_step_for_autopay: false } });
  assert.equal(off.status, 200, off.text);
  const [approverA, approverB] = [await autopayApprover(admin, a), await autopayApprover(admin, a)];
  const payments = Array.from({ length: 20 }, (_, i) => ({ amount: `${i + 1}.00`, creditorIban: CREDITOR_IBAN }));
  const res = await upload(a, pain001({ debtor: a.debtorIban, payments }));
  assert.equal(res.status, 201, res.text);
  for (const p of res.body.payments) {
    const [approved, rejected] = await Promise.all([
      approve(approverA, p.payment_id, {}),
      approverB.client.call('POST', `/api/v1/autopay/payments/${p.payment_id}/reject`, { json: { reason: 'Stopped' } }),
    ]);
    assert.deepEqual([approved.status, rejected.status].sort(), [200, 409], `${approved.text} / ${rejected.text}`);
    const final = (await events(approverA, p.payment_id)).payment.status;
    assert.equal(final, approved.status === 200 ? 'sent_to_bank' : 'rejected');
  }
});

test('a_payment_without_a_creditor_element_is_read_and_shown_as_identified_by_reference', async () => {
  // pain.001 makes <Cdtr> optional (a Swiss QR-bill payment names its creditor by reference).
  const admin = await firstAdmin();
  const c = await autopayCompany(admin);
  const agreement = await agreementOf(admin, c);
  const file = pain001({
    debtor: agreement.debtor_account,
    payments: [
      { amount: '10.00', creditorIban: CREDITOR_IBAN, creditor: null },
      { amount: '20.00', creditorIban: CREDITOR_IBAN, creditor: 'Named Supplier AS' },
    ],
  });
  const res = await upload(c, file);
  assert.equal(res.status, 201, res.text);
  assert.deepEqual(res.body.payments.map((p) => p.creditor_name), ['(identified by reference)', 'Named Supplier AS']);
  assert.deepEqual(res.body.payments.map((p) => p.status), ['pending_approval', 'pending_approval']);
});
