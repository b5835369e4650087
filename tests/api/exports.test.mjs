// Exports are explicit: reading a payment suggestion has no side effect and answers the current
// unacknowledged export again and again; the ERP acknowledges it by id (idempotent), and only
// then are its invoices exported. Scopes: payment events need autopay:read or autopay:upload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, assertProblem } from '../support/http.mjs';
import { firstAdmin, integrationHeaders, unique } from '../support/org.mjs';
import { approver } from '../support/approval.mjs';
import {
  autopayCompany, preApprovedInvoices, regularInvoices, exportSuggestions, acknowledgeExport,
  exported, upload, instrIdsOf, msgIdOf,
} from '../support/autopay.mjs';

async function history(admin, processId) {
  const res = await admin.call('GET', `/api/v1/admin/processes/${processId}`);
  assert.equal(res.status, 200, res.text);
  return res.body.history;
}

const exportedEntries = async (admin, id) => (await history(admin, id)).filter((h) => h.kind === 'exported');

async function keyWith(admin, company, scopes) {
  const res = await admin.call('POST', `/api/v1/admin/companies/${company.id}/integration-keys`, { json: { label: unique('key '), scopes } });
  assert.equal(res.status, 201, res.text);
  return res.body.secret;
}

test('reading_a_payment_suggestion_twice_answers_the_same_file_and_marks_nothing', async () => {
  const admin = await firstAdmin();
  const c = await autopayCompany(admin);
  const user = await approver(admin, [c]);
  const ids = await preApprovedInvoices(user, c, 2);

  const first = await exportSuggestions(c, 'pre-approved');
  assert.equal(first.status, 200, first.text);
  const exportId = first.headers.get('x-export-id');
  assert.match(exportId, /^AP-PRE-/);
  assert.equal(msgIdOf(first.text), exportId);
  assert.equal(instrIdsOf(first.text).length, 2);

  // A dropped answer costs nothing: the same file again, byte for byte.
  const second = await exportSuggestions(c, 'pre-approved');
  assert.equal(second.status, 200, second.text);
  assert.equal(second.headers.get('x-export-id'), exportId);
  assert.equal(second.text, first.text);
  for (const id of ids) assert.deepEqual(await exportedEntries(admin, id), [], 'reading marks nothing exported');
  const audit = (await admin.call('GET', `/api/v1/admin/events?kind=payment_suggestions_exported&company=${c.id}`)).body.items;
  assert.deepEqual(audit, [], 'reading writes no audit event');
});

test('invoices_approved_while_an_export_waits_join_the_next_export_only_after_the_acknowledgement', async () => {
  const admin = await firstAdmin();
  const c = await autopayCompany(admin);
  const user = await approver(admin, [c]);
  await preApprovedInvoices(user, c, 1);
  const first = await exportSuggestions(c, 'pre-approved');
  const exportId = first.headers.get('x-export-id');
  // Another approver: the first one's code of this time step is used up.
  const [late] = await preApprovedInvoices(await approver(admin, [c]), c, 1);

  const again = await exportSuggestions(c, 'pre-approved');
  assert.equal(again.headers.get('x-export-id'), exportId, 'the unacknowledged export stays as it was');
  assert.equal(again.text, first.text);

  const ack = await acknowledgeExport(c, 'pre-approved', exportId);
  assert.equal(ack.status, 200, ack.text);
  assert.equal(ack.body.invoices, 1);
  const next = await exportSuggestions(c, 'pre-approved');
  assert.equal(next.status, 200, next.text);
  assert.notEqual(next.headers.get('x-export-id'), exportId);
  assert.equal(instrIdsOf(next.text).length, 1);
  assert.deepEqual(await exportedEntries(admin, late), []);
});

test('an_acknowledged_export_is_not_exported_again', async () => {
  const admin = await firstAdmin();
  const c = await autopayCompany(admin);
  const user = await approver(admin, [c]);
  const [pre] = await preApprovedInvoices(user, c, 1);
  const [regular] = await regularInvoices(user, c, 1);

  const res = await exportSuggestions(c, 'regular');
  assert.equal(res.status, 200, res.text);
  const exportId = res.headers.get('x-export-id');
  assert.match(exportId, /^AP-REG-/);
  assert.deepEqual(instrIdsOf(res.text), [], 'no token in the regular file');

  const ack = await acknowledgeExport(c, 'regular', exportId);
  assert.equal(ack.status, 200, ack.text);
  assert.deepEqual({ ...ack.body, acknowledged_at: undefined }, { export_id: exportId, kind: 'regular', invoices: 1, acknowledged_at: undefined });
  // Acknowledging twice (a retried request) answers the same and changes nothing.
  const twice = await acknowledgeExport(c, 'regular', exportId);
  assert.equal(twice.status, 200, twice.text);
  assert.deepEqual(twice.body, ack.body);
  assert.equal((await exportedEntries(admin, regular)).length, 1, 'one "exported" entry per process');
  assert.deepEqual(await exportedEntries(admin, pre), [], 'the other kind is untouched');
  const audit = (await admin.call('GET', `/api/v1/admin/events?kind=payment_suggestions_exported&company=${c.id}`)).body.items;
  assert.equal(audit.length, 1, JSON.stringify(audit));

  const after = await exportSuggestions(c, 'regular');
  assert.equal(after.status, 204, after.text);
  assert.match(after.headers.get('x-nothing-to-export'), /no approved regular invoices/);
  // The pre-approved kind has its own export.
  assert.equal(instrIdsOf(await exported(c, 'pre-approved')).length, 1);
});

test('acknowledging_an_unknown_or_another_companys_export_is_404', async () => {
  const admin = await firstAdmin();
  const a = await autopayCompany(admin);
  const b = await autopayCompany(admin);
  await preApprovedInvoices(await approver(admin, [a]), a, 1);
  await preApprovedInvoices(await approver(admin, [b]), b, 1);
  const ofA = (await exportSuggestions(a, 'pre-approved')).headers.get('x-export-id');
  const ofB = (await exportSuggestions(b, 'pre-approved')).headers.get('x-export-id');

  assertProblem(await acknowledgeExport(a, 'pre-approved', 'AP-PRE-nosuchexport00'), 404);
  assertProblem(await acknowledgeExport(a, 'pre-approved', ofB), 404);
  assertProblem(await acknowledgeExport(a, 'regular', ofA), 404);
  assertProblem(await acknowledgeExport(a, 'sideways', ofA), 404);
  assertProblem(await acknowledgeExport(a, 'pre-approved', '..%2F..%2Fhealth'), 404);
  assertProblem(await acknowledgeExport(b, 'pre-approved', ofB, a.erpKey), 403);
  assertProblem(await acknowledgeExport(a, 'pre-approved', ofA, a.uploadKey), 403);
  assertProblem(await acknowledgeExport(a, 'pre-approved', ofA, null), 401);
  assertProblem(await call('GET', `/api/v1/companies/${a.id}/payment-suggestions/pre-approved/${ofA}/acknowledge`, { headers: integrationHeaders(a.erpKey) }), 405);
  // None of that acknowledged anything.
  assert.equal((await exportSuggestions(a, 'pre-approved')).headers.get('x-export-id'), ofA);
  assert.equal((await exportSuggestions(b, 'pre-approved')).headers.get('x-export-id'), ofB);
});

test('a_documents_key_cannot_read_payment_events', async () => {
  const admin = await firstAdmin();
  const a = await autopayCompany(admin);
  const b = await autopayCompany(admin);
  await preApprovedInvoices(await approver(admin, [a]), a, 1);
  const up = await upload(a, await exported(a, 'pre-approved'));
  assert.equal(up.status, 201, up.text);
  const path = `/api/v1/autopay/payments/${up.body.payments[0].payment_id}/events`;
  const readKey = await keyWith(admin, a, ['autopay:read']);

  for (const secret of [a.docKey, a.erpKey]) {
    const refused = await call('GET', path, { headers: integrationHeaders(secret) });
    assertProblem(refused, 403);
    assert.match(refused.body.detail, /autopay:read/);
  }
  const byReader = await call('GET', path, { headers: integrationHeaders(readKey) });
  assert.equal(byReader.status, 200, byReader.text);
  assert.ok(byReader.body.events.some((e) => e.kind === 'pre_approved'), byReader.text);
  const byUploader = await call('GET', path, { headers: integrationHeaders(a.uploadKey) });
  assert.equal(byUploader.status, 200, byUploader.text);
  assertProblem(await call('GET', path, { headers: integrationHeaders(await keyWith(admin, b, ['autopay:read'])) }), 403);
});

test('the_openapi_document_describes_the_acknowledgement_and_the_read_scope', async () => {
  const openapi = (await call('GET', '/api/v1/openapi.json')).body;
  const ack = openapi.paths['/api/v1/companies/{company}/payment-suggestions/{kind}/{export_id}/acknowledge'];
  assert.ok(ack?.post, 'acknowledge is documented');
  assert.equal(ack.post.responses['200'].content['application/json'].schema.$ref, '#/components/schemas/ExportAcknowledgement');
  assert.ok(openapi.components.schemas.ExportAcknowledgement);
  assert.match(openapi.paths['/api/v1/companies/{company}/payment-suggestions/pre-approved'].get.description, /no side effect/);
  assert.ok(openapi.paths['/api/v1/companies/{company}/payment-suggestions/regular'].get.responses['200'].headers['X-Export-Id']);
  assert.match(openapi.paths['/api/v1/autopay/payments/{id}/events'].get.summary, /autopay:read/);
  assert.equal(openapi.components.schemas.IntegrationWhoAmI.properties.scopes.items.$ref, '#/components/schemas/Scope');
  assert.ok(openapi.components.schemas.Scope.enum.includes('autopay:read'));
});
