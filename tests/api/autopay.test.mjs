// AutoPay: the ERP export, uploads with the token check (round trip, tampering, another
// company's token, revoked and reused tokens), idempotency under 20 parallel uploads, signing an
// upload, normal approval by two different people, pain.002 status reports, and bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, assertProblem } from '../support/http.mjs';
import { firstAdmin, integrationHeaders, newUser } from '../support/org.mjs';
import { approver } from '../support/approval.mjs';
import {
  autopayCompany, preApprovedInvoices, regularInvoices, exportSuggestions, exported, upload, tamper,
  msgIdOf, instrIdsOf, statusReport, sendStatusReport, nextCode, payments, events, CREDITOR_IBAN,
} from '../support/autopay.mjs';

const statuses = (res) => res.body.payments.map((p) => p.status);

test('export → upload: pre-approved payments go to the bank, tampered and reused tokens do not', async () => {
  const admin = await firstAdmin();
  const a = await autopayCompany(admin);
  const b = await autopayCompany(admin);
  const user = await approver(admin, [a]);
  const [first, second] = await preApprovedInvoices(user, a, 2);
  const [regular] = await regularInvoices(user, a, 1);

  // The export: tokens only in the pre-approved file, never twice.
  const pre = await exported(a, 'pre-approved');
  assert.equal(instrIdsOf(pre).length, 2);
  const again = await exportSuggestions(a, 'pre-approved');
  assert.equal(again.status, 204);
  assert.match(again.headers.get('x-nothing-to-export'), /no approved pre-approved invoices/);
  const reg = await exported(a, 'regular');
  assert.equal(instrIdsOf(reg).length, 0);
  assert.equal((reg.match(/<CdtTrfTxInf>/g) ?? []).length, 1);
  assert.equal((await exportSuggestions(a, 'regular')).status, 204);
  assertProblem(await exportSuggestions(a, 'regular', a.uploadKey), 403);
  const history = await admin.call('GET', `/api/v1/admin/processes/${regular}`);
  assert.ok(history.body.history.some((h) => h.kind === 'exported'), history.text);

  // Tampered copies: nothing pre-approved, the reason named, the token left unused.
  const tampered = [
    [tamper(pre, (x) => x.replaceAll('>1250.50<', '>1250.51<')), /for 1,250\.51\u00a0NOK, but 1,250\.50\u00a0NOK was approved/],
    [tamper(pre, (x) => x.replaceAll(CREDITOR_IBAN, 'DE89370400440532013000')), /goes to account DE89\u00a03704\u00a00044\u00a00532\u00a00130\u00a000/],
    [tamper(pre, (x) => x.replaceAll('Ccy="NOK"', 'Ccy="EUR"')), /is in EUR, but NOK was approved/],
  ];
  for (const [xml, reason] of tampered) {
    const res = await upload(a, xml);
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(statuses(res), ['pending_approval', 'pending_approval']);
    assert.ok(res.body.payments.every((p) => !p.pre_approved && p.instr_id_present && reason.test(p.warning)), res.text);
  }
  const mismatch = await admin.call('GET', `/api/v1/admin/processes/${first}`);
  assert.ok(mismatch.body.warnings.some((w) => w.kind === 'token_mismatch'), mismatch.text);

  // Another company's token is not one of this company's (B's export, paid from A's account:
  // each company has its own debtor account).
  await preApprovedInvoices(await approver(admin, [b]), b, 1);
  const foreign = await upload(a, (await exported(b, 'pre-approved')).replaceAll(b.debtorIban, a.debtorIban));
  assert.equal(foreign.status, 201, foreign.text);
  assert.deepEqual(statuses(foreign), ['pending_approval']);
  assert.match(foreign.body.payments[0].warning, /not issued by this company/);

  // A revoked token: the genuine file pays the other invoice only.
  const revoked = await admin.call('POST', `/api/v1/admin/processes/${second}/revoke-token`);
  assert.equal(revoked.status, 200, revoked.text);
  const genuine = await upload(a, pre);
  assert.equal(genuine.status, 201, genuine.text);
  assert.deepEqual(statuses(genuine).sort(), ['pending_approval', 'sent_to_bank']);
  const paidOne = genuine.body.payments.find((p) => p.pre_approved);
  const revokedOne = genuine.body.payments.find((p) => !p.pre_approved);
  assert.equal(paidOne.status, 'sent_to_bank');
  assert.match(revokedOne.warning, /revoked/);
  assert.equal(genuine.body.summary.sent_to_bank, 1);

  // The same file again: the first outcome, nothing new.
  const replay = await upload(a, pre);
  assert.equal(replay.status, 200, replay.text);
  assert.equal(replay.body.replayed, true);
  assert.deepEqual(replay.body.payments, genuine.body.payments);
  const byKey = await upload(a, pre.replace(msgIdOf(pre), 'OTHER-MSG-1'), { idempotencyKey: 'erp-run-1' });
  assert.equal(byKey.status, 201, byKey.text);
  const byKeyAgain = await upload(a, pre.replace(msgIdOf(pre), 'OTHER-MSG-1'), { idempotencyKey: 'erp-run-1' });
  assert.equal(byKeyAgain.status, 200, byKeyAgain.text);
  assert.equal(byKeyAgain.body.file_id, byKey.body.file_id);
  // The same key with other content is refused (as Stripe does), never answered as the first.
  assertProblem(await upload(a, pre.replace(msgIdOf(pre), 'OTHER-MSG-2'), { idempotencyKey: 'erp-run-1' }), 422);

  // A different file with the consumed token: already used, never a second payment.
  assert.deepEqual(statuses(byKey), ['pending_approval', 'pending_approval']);
  assert.match(byKey.body.payments.find((p) => p.end_to_end_id === paidOne.end_to_end_id).warning, /already used/);
  const reused = await admin.call('GET', `/api/v1/admin/processes/${first}`);
  assert.ok(reused.body.warnings.some((w) => w.kind === 'token_reused'), reused.text);
  const sent = await payments(user, `?company=${a.id}&status=sent_to_bank`);
  assert.equal(sent.length, 1);

  // The regular file: pending approval, no warning.
  const regularUpload = await upload(a, reg);
  assert.deepEqual(statuses(regularUpload), ['pending_approval']);
  assert.equal(regularUpload.body.payments[0].warning, null);
  assert.equal(regularUpload.body.payments[0].instr_id_present, false);

  // Show events: the pre-approval with who, when, bundle, method and file.
  const shown = await events(user, paidOne.payment_id);
  const preApproval = shown.events.find((e) => e.kind === 'pre_approved');
  assert.ok(preApproval, JSON.stringify(shown.events));
  assert.match(preApproval.actor, new RegExp(user.email));
  assert.equal(preApproval.method, 'TOTP');
  assert.ok(preApproval.bundle_id);
  assert.ok(preApproval.approved_at);
  assert.equal(preApproval.file_id, genuine.body.file_id);
  assert.equal(preApproval.to_status, 'sent_to_bank');
  // The file needed no signing: the payment went straight from received to Sent to bank.
  assert.equal(preApproval.from_status, null);
  assert.ok(!JSON.stringify(shown).includes(instrIdsOf(pre)[0]), 'no token in an SPA answer');
  const byApi = await call('GET', `/api/v1/autopay/payments/${paidOne.payment_id}/events`, { headers: integrationHeaders(a.uploadKey) });
  assert.equal(byApi.status, 200, byApi.text);
  assertProblem(await call('GET', `/api/v1/autopay/payments/${paidOne.payment_id}/events`, { headers: integrationHeaders(b.uploadKey) }), 403);
  const stranger = await newUser(admin);
  assertProblem(await stranger.client.call('GET', `/api/v1/autopay/payments/${paidOne.payment_id}/events`), 404);

  // Filters: by file and by date.
  assert.equal((await payments(user, `?file=${genuine.body.file_id}`)).length, 2);
  assert.equal((await payments({ client: admin }, `?company=${a.id}&date=1999-01-01`)).length, 0);
  const files = await user.client.call('GET', `/api/v1/autopay/files?company=${a.id}`);
  assert.ok(files.body.items.some((f) => f.id === genuine.body.file_id && f.status === 'processed'), files.text);
});

test('20 parallel uploads of the same file give one payment per token and the same outcome', async () => {
  const admin = await firstAdmin();
  const c = await autopayCompany(admin);
  const user = await approver(admin, [c]);
  await preApprovedInvoices(user, c, 3);
  const xml = await exported(c, 'pre-approved');
  const results = await Promise.all(Array.from({ length: 20 }, () => upload(c, xml)));
  assert.equal(results.filter((r) => r.status === 201).length, 1, results.map((r) => r.status).join(' '));
  assert.equal(results.filter((r) => r.status === 200 && r.body.replayed).length, 19);
  for (const r of results) assert.deepEqual(r.body.payments, results[0].body.payments);
  assert.deepEqual(statuses(results[0]), ['sent_to_bank', 'sent_to_bank', 'sent_to_bank']);
  const all = await payments(user, `?company=${c.id}`);
  assert.equal(all.length, 3);
});

test('status reports move payments to accepted, rejected (with a warning) and paid; duplicates change nothing', async () => {
  const admin = await firstAdmin();
  const c = await autopayCompany(admin);
  const user = await approver(admin, [c]);
  await preApprovedInvoices(user, c, 2);
  const xml = await exported(c, 'pre-approved');
  const up = await upload(c, xml);
  assert.deepEqual(statuses(up), ['sent_to_bank', 'sent_to_bank']);
  const [e1, e2] = up.body.payments.map((p) => p.end_to_end_id);
  const msgId = msgIdOf(xml);

  const accepted = await sendStatusReport(c, statusReport(msgId, [{ e2e: e1, status: 'ACTC' }, { e2e: e2, status: 'ACCP' }]));
  assert.equal(accepted.status, 200, accepted.text);
  assert.equal(accepted.body.changed, 2);
  assert.deepEqual(accepted.body.payments.map((p) => p.status), ['accepted_by_bank', 'accepted_by_bank']);

  const report = statusReport(msgId, [{ e2e: e1, instr: instrIdsOf(xml)[0], status: 'RJCT', reason: 'AC04' }, { e2e: e2, status: 'ACSC' }]);
  const settled = await sendStatusReport(c, report);
  assert.equal(settled.body.changed, 2, settled.text);
  const [rejected, paid] = settled.body.payments;
  assert.equal(rejected.status, 'rejected_in_bank');
  assert.match(rejected.bank_reason, /AC04/);
  assert.equal(paid.status, 'paid');
  const overview = await admin.call('GET', `/api/v1/admin/processes?company=${c.id}&warning=payment_rejected`);
  assert.deepEqual(overview.body.items.map((p) => p.id), [rejected.process_id]);

  // The company's AutoPay Administrator is told of the rejection, with the bank's reason.
  const told = async () => (await c.apAdmin.client.call('GET', '/api/v1/me/notifications')).body.items.filter((n) => n.kind === 'payment_rejected');
  const rejections = await told();
  assert.equal(rejections.length, 1, JSON.stringify(rejections));
  assert.match(rejections[0].detail, /AC04/);
  assert.equal(rejections[0].process_id, rejected.process_id);

  const duplicate = await sendStatusReport(c, report);
  assert.equal(duplicate.body.changed, 0, duplicate.text);
  assert.equal(duplicate.body.unchanged, 2);
  assert.equal((await told()).length, 1, 'a report sent again tells nothing again');
  const unknown = await sendStatusReport(c, statusReport(msgId, [{ e2e: 'NOPE', status: 'ACSC' }]));
  assert.deepEqual(unknown.body.unmatched, ['NOPE']);
  const shown = await events(user, rejected.id);
  assert.deepEqual(shown.events.filter((e) => e.to_status).map((e) => e.to_status), ['sent_to_bank', 'accepted_by_bank', 'rejected_in_bank']);
  assertProblem(await sendStatusReport(c, '<Document><broken'), 400);
});

test('normal approval needs a code and, when the agreement says so, two different approvers', async () => {
  const admin = await firstAdmin();
  const c = await autopayCompany(admin, { approvers: 2 });
  const first = await approver(admin, [c]);
  const second = await approver(admin, [c]);
  await regularInvoices(first, c, 1);
  const up = await upload(c, await exported(c, 'regular'));
  const id = up.body.payments[0].payment_id;

  assertProblem(await first.client.call('POST', `/api/v1/autopay/payments/${id}/approve`, { json: {} }), 400);
  const one = await first.client.call('POST', `/api/v1/autopay/payments/${id}/approve`, { json: { code: nextCode(first) } });
  assert.equal(one.status, 200, one.text);
  assert.equal(one.body.status, 'pending_approval');
  assert.equal(one.body.approvals.length, 1);
  assertProblem(await first.client.call('POST', `/api/v1/autopay/payments/${id}/approve`, { json: { code: nextCode(first) } }), 409);
  assertProblem(await second.client.call('POST', `/api/v1/autopay/payments/${id}/approve`, { json: { code: '000000' } }), 403);
  const third = await approver(admin, [c]);
  const two = await third.client.call('POST', `/api/v1/autopay/payments/${id}/approve`, { json: { code: nextCode(third) } });
  assert.equal(two.status, 200, two.text);
  assert.equal(two.body.status, 'sent_to_bank');
  const shown = await events(third, id);
  assert.deepEqual(shown.events.filter((e) => e.kind === 'approved').map((e) => e.method), ['TOTP', 'TOTP']);
  assertProblem(await admin.call('POST', `/api/v1/autopay/payments/${id}/approve`, { json: { code: '123456' } }), 404);
});

test('an agreement with two-step on upload holds the file until an AutoPay Approver signs it', async () => {
  const admin = await firstAdmin();
  const c = await autopayCompany(admin, { level: 'on_upload_and_approval' });
  const user = await approver(admin, [c]);
  await preApprovedInvoices(user, c, 1);
  const up = await upload(c, await exported(c, 'pre-approved'));
  assert.equal(up.status, 201, up.text);
  assert.equal(up.body.status, 'pending_signing');
  assert.deepEqual(statuses(up), ['pending_signing']);
  const path = `/api/v1/autopay/files/${up.body.file_id}/sign`;
  const stranger = await newUser(admin);
  assertProblem(await stranger.client.call('POST', path, { json: { code: '123456' } }), 404);
  const signer = await approver(admin, [c]);
  const signed = await signer.client.call('POST', path, { json: { code: nextCode(signer) } });
  assert.equal(signed.status, 200, signed.text);
  assert.equal(signed.body.status, 'processed');
  assert.deepEqual(statuses(signed), ['sent_to_bank']);
  assertProblem(await signer.client.call('POST', path, { json: { code: nextCode(signer) } }), 409);
  const shown = await events(signer, up.body.payments[0].payment_id);
  assert.ok(shown.events.some((e) => e.kind === 'signed_upload' && e.method === 'TOTP'), JSON.stringify(shown.events));
});

test('bad uploads: too large, not XML, unknown debtor account, wrong scope', async () => {
  const admin = await firstAdmin();
  const c = await autopayCompany(admin);
  const huge = await upload(c, Buffer.alloc(25 * 1024 * 1024 + 1, 'a'));
  assertProblem(huge, 413);
  assert.match(huge.body.detail, /25 MiB/);
  const broken = await upload(c, '<?xml version="1.0"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03">\n<CstmrCdtTrfInitn>\n<GrpHdr></Oops>');
  assertProblem(broken, 400);
  assert.match(broken.body.detail, /line \d+/);
  assert.ok(broken.body.errors.length >= 1);
  const user = await approver(admin, [c]);
  await regularInvoices(user, c, 1);
  const xml = await exported(c, 'regular');
  const unknown = await upload(c, xml.replaceAll(c.debtorIban, 'DE89370400440532013000'));
  assertProblem(unknown, 422);
  assert.match(unknown.body.detail, /DE89370400440532013000/);
  assertProblem(await upload(c, xml, { secret: c.erpKey }), 403);
  assertProblem(await upload(c, xml, { idempotencyKey: ' ' }), 400);
});

test('the OpenAPI document describes the AutoPay paths', async () => {
  const openapi = await call('GET', '/api/v1/openapi.json');
  assert.equal(openapi.status, 200);
  for (const p of [
    '/api/v1/companies/{company}/payment-suggestions/pre-approved',
    '/api/v1/companies/{company}/payment-suggestions/regular',
    '/api/v1/autopay/payment-files',
    '/api/v1/autopay/status-reports',
    '/api/v1/autopay/payments/{id}/events',
  ]) assert.ok(openapi.body.paths[p], p);
});
