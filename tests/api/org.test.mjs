// Administration: companies, settings, bank agreements, users and roles, readiness, events.
// Each endpoint is refused without a session, with the wrong role and with another company's
// ids; bad input gets problem+json 4xx and changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, assertProblem } from '../support/http.mjs';
import { allPages, firstAdmin, newUser, newCompany, activateTwoStep, unique, uniqueNorwegianIban, paperIban } from '../support/org.mjs';
// Each read of AGREEMENT.debtor_account is a fresh account: one account, one agreement.
import { AGREEMENT } from '../support/approval.mjs';

/** Every administration endpoint, with a body where it takes one. */
function adminEndpoints(company, agreement, user, key) {
  return [
    ['GET', '/api/v1/admin/companies'],
    ['POST', '/api/v1/admin/companies', { name: 'X', org_number: '1', country: 'NO', base_currency: 'NOK' }],
    ['PUT', `/api/v1/admin/companies/${company}`, { name: 'X', org_number: '1', country: 'NO', base_currency: 'NOK' }],
    ['PATCH', `/api/v1/companies/${company}/settings`, { two_step_for_autopay: true }],
    ['POST', `/api/v1/admin/companies/${company}/bank-agreements`, AGREEMENT],
    ['PUT', `/api/v1/admin/companies/${company}/bank-agreements/${agreement}`, AGREEMENT],
    ['DELETE', `/api/v1/admin/companies/${company}/bank-agreements/${agreement}`],
    ['GET', '/api/v1/admin/users'],
    ['POST', '/api/v1/admin/users', { name: 'X', email: `${unique('x')}@example.com` }],
    ['PUT', `/api/v1/admin/users/${user}/roles`, { is_system_admin: true, roles: {} }],
    ['POST', `/api/v1/admin/users/${user}/deactivate`],
    ['POST', `/api/v1/admin/users/${user}/reactivate`],
    ['POST', `/api/v1/admin/users/${user}/reset-two-step`],
    ['POST', `/api/v1/admin/users/${user}/unlock`],
    ['GET', '/api/v1/admin/integration-keys'],
    ['POST', `/api/v1/admin/companies/${company}/integration-keys`, { label: 'X', scopes: ['erp:read'] }],
    ['DELETE', `/api/v1/admin/integration-keys/${key}`],
    ['GET', '/api/v1/admin/readiness'],
    ['GET', '/api/v1/admin/events'],
  ];
}

async function fixture() {
  const admin = await firstAdmin();
  const company = await newCompany(admin);
  const account = uniqueNorwegianIban();
  const withAgreement = await admin.call('POST', `/api/v1/admin/companies/${company.id}/bank-agreements`, { json: { ...AGREEMENT, debtor_account: paperIban(account) } });
  assert.equal(withAgreement.status, 201, withAgreement.text);
  const agreement = withAgreement.body.bank_agreements[0].id;
  const target = await newUser(admin);
  const key = await admin.call('POST', `/api/v1/admin/companies/${company.id}/integration-keys`, { json: { label: 'ERP', scopes: ['erp:read'] } });
  assert.equal(key.status, 201, key.text);
  return { admin, company, agreement, account, target, key: key.body.key.id };
}

test('every administration endpoint is 401 without a session and 403 for a user without the role', async () => {
  const { admin, company, agreement, target, key } = await fixture();
  const plain = await newUser(admin);
  const state = JSON.stringify(await allPages(admin, '/api/v1/admin/companies'));
  for (const [method, path, json] of adminEndpoints(company.id, agreement, target.id, key)) {
    const anonymous = await call(method, path, { json });
    assertProblem(anonymous, 401);
    assert.equal(anonymous.body.detail, 'Please sign in.', `${method} ${path}`);
    const forbidden = await plain.client.call(method, path, { json });
    assertProblem(forbidden, 403);
    assert.match(forbidden.body.detail, /System Administrator/, `${method} ${path}: ${forbidden.body.detail}`);
  }
  assert.equal(JSON.stringify(await allPages(admin, '/api/v1/admin/companies')), state, 'nothing changed');
  assert.equal((await admin.call('GET', `/api/v1/admin/users/${target.id}`)).body.active, true);
});

test('an AutoPay Administrator edits bank agreements of their company only; other ids are 403/404', async () => {
  const { admin, company, agreement } = await fixture();
  const other = await newCompany(admin);
  const otherAgreement = (await admin.call('POST', `/api/v1/admin/companies/${other.id}/bank-agreements`, { json: AGREEMENT })).body.bank_agreements[0].id;
  const apAdmin = await newUser(admin, { roles: { [company.id]: ['autopay_administrator'] } });
  const own = await apAdmin.client.call('PUT', `/api/v1/admin/companies/${company.id}/bank-agreements/${agreement}`, { json: { ...AGREEMENT, two_step_level: 'on_upload_and_approval', approvers_required: 2 } });
  assert.equal(own.status, 200, own.text);
  assert.equal(own.body.bank_agreements[0].two_step_level, 'on_upload_and_approval');
  // Another company's ids.
  assertProblem(await apAdmin.client.call('PUT', `/api/v1/admin/companies/${other.id}/bank-agreements/${otherAgreement}`, { json: AGREEMENT }), 403);
  assertProblem(await apAdmin.client.call('DELETE', `/api/v1/admin/companies/${other.id}/bank-agreements/${otherAgreement}`), 403);
  assertProblem(await apAdmin.client.call('PATCH', `/api/v1/companies/${other.id}/settings`, { json: { allow_pre_approval: true } }), 403);
  // Another company's agreement id under this company is not found here.
  assertProblem(await apAdmin.client.call('PUT', `/api/v1/admin/companies/${company.id}/bank-agreements/${otherAgreement}`, { json: AGREEMENT }), 404);
  // Not a System Administrator: master data and admin listings stay closed.
  assertProblem(await apAdmin.client.call('PUT', `/api/v1/admin/companies/${company.id}`, { json: { name: 'X', org_number: '1', country: 'NO', base_currency: 'NOK' } }), 403);
  // Unknown company ids are 404 for a System Administrator.
  assertProblem(await admin.call('PUT', '/api/v1/admin/companies/no-such-company', { json: { name: 'X', org_number: '1', country: 'NO', base_currency: 'NOK' } }), 404);
  assertProblem(await admin.call('PATCH', '/api/v1/companies/no-such-company/settings', { json: { two_step_for_autopay: true } }), 404);
  assertProblem(await admin.call('POST', '/api/v1/admin/users/no-such-user/deactivate'), 404);
  const untouched = (await admin.call('GET', `/api/v1/companies/${other.id}`)).body;
  assert.equal(untouched.bank_agreements.length, 1);
  assert.equal(untouched.settings.allow_pre_approval, false);
});

test('Allow pre-approval: a System Administrator without AutoPay Administrator gets 403 naming the role', async () => {
  const { admin, company } = await fixture();
  const refused = await admin.call('PATCH', `/api/v1/companies/${company.id}/settings`, { json: { allow_pre_approval: true } });
  assertProblem(refused, 403);
  assert.match(refused.body.detail, /AutoPay Administrator/);
  const me = (await admin.call('GET', '/api/v1/session')).body.user;
  const roles = await admin.call('PUT', `/api/v1/admin/users/${me.id}/roles`, { json: { is_system_admin: true, roles: { [company.id]: ['autopay_administrator'] } } });
  assert.equal(roles.status, 200, roles.text);
  const allowed = await admin.call('PATCH', `/api/v1/companies/${company.id}/settings`, { json: { allow_pre_approval: true, two_step_for_autopay: true } });
  assert.equal(allowed.status, 200, allowed.text);
  assert.equal(allowed.body.settings.allow_pre_approval, true);
  assert.equal(allowed.body.settings.two_step_for_autopay, true);
  const cleared = await admin.call('PATCH', `/api/v1/companies/${company.id}/settings`, { json: { four_eyes_threshold_minor: 100000 } });
  assert.equal(cleared.body.settings.four_eyes_threshold_minor, 100000);
  assert.equal(cleared.body.settings.allow_pre_approval, true, 'unnamed settings are kept');
  const events = (await admin.call('GET', `/api/v1/admin/events?kind=settings_changed&company=${company.id}`)).body.items;
  assert.ok(events.some((e) => e.company_id === company.id && e.detail.includes('Allow pre-approval')));
  // Give the admin back a clean slate for other tests.
  await admin.call('PUT', `/api/v1/admin/users/${me.id}/roles`, { json: { is_system_admin: true, roles: {} } });
});

test('bad input is a problem+json 4xx and changes nothing', async () => {
  const { admin, company } = await fixture();
  const before = JSON.stringify(await allPages(admin, '/api/v1/admin/companies'));
  const path = `/api/v1/admin/companies/${company.id}`;
  const malformed = await admin.call('PUT', path, { body: '{"name": ', headers: { 'content-type': 'application/json' } });
  assertProblem(malformed, 400);
  const wrongType = await admin.call('PUT', path, { json: { name: 5, org_number: '1', country: 'NO', base_currency: 'NOK' } });
  assertProblem(wrongType, 400);
  const missing = await admin.call('POST', '/api/v1/admin/companies', { json: { name: 'No currency' } });
  assertProblem(missing, 400);
  const textPlain = await admin.call('PUT', path, { body: JSON.stringify({ name: 'X', org_number: '1', country: 'NO', base_currency: 'NOK' }), headers: { 'content-type': 'text/plain' } });
  assertProblem(textPlain, 415);
  const huge = await admin.call('PUT', path, { json: { name: 'x'.repeat(100_000), org_number: '1', country: 'NO', base_currency: 'NOK' } });
  assertProblem(huge, 413);
  const invalid = await admin.call('PUT', path, { json: { name: ' ', org_number: '1', country: 'Norway', base_currency: 'XXX1' } });
  assertProblem(invalid, 400);
  assert.deepEqual(invalid.body.errors.map((e) => e.field), ['name', 'country', 'base_currency']);
  const badIban = await admin.call('POST', `${path}/bank-agreements`, { json: { ...AGREEMENT, debtor_account: 'NO94 8601 1117 947' } });
  assertProblem(badIban, 400);
  assert.equal(badIban.body.errors[0].field, 'debtor_account');
  assert.match(badIban.body.errors[0].message, /IBAN/);
  const badLevel = await admin.call('POST', `${path}/bank-agreements`, { json: { ...AGREEMENT, two_step_level: 'sometimes' } });
  assertProblem(badLevel, 400);
  const threeApprovers = await admin.call('POST', `${path}/bank-agreements`, { json: { ...AGREEMENT, approvers_required: 3 } });
  assertProblem(threeApprovers, 400);
  const badSetting = await admin.call('PATCH', `/api/v1/companies/${company.id}/settings`, { json: { two_step_for_autopay: 'yes' } });
  assertProblem(badSetting, 400);
  const badRoles = await admin.call('PUT', `/api/v1/admin/users/${(await newUser(admin)).id}/roles`, { json: { is_system_admin: false, roles: { [company.id]: ['emperor'] } } });
  assertProblem(badRoles, 400);
  const unknownCompanyRole = await admin.call('PUT', `/api/v1/admin/users/${(await newUser(admin)).id}/roles`, { json: { is_system_admin: false, roles: { 'no-such-company': ['invoice_approver'] } } });
  assertProblem(unknownCompanyRole, 400);
  assert.equal(JSON.stringify(await allPages(admin, '/api/v1/admin/companies')), before, 'nothing changed');
  assertProblem(await admin.call('POST', '/api/v1/admin/users', { json: { name: 'Bad', email: 'not an email' } }), 400);
  assert.ok(!(await allPages(admin, '/api/v1/admin/users')).some((u) => u.name === 'Bad'));
  assertProblem(await admin.call('PATCH', '/api/v1/admin/users'), 405);
});

test('companies, agreements and users round-trip; e-mail addresses are unique', async () => {
  const { admin, company, agreement, account, target } = await fixture();
  const updated = await admin.call('PUT', `/api/v1/admin/companies/${company.id}`, { json: { name: 'Renamed AB', org_number: '556677-8899', country: 'se', base_currency: 'SEK' } });
  assert.equal(updated.status, 200, updated.text);
  assert.equal(updated.body.country, 'SE');
  assert.equal(updated.body.bank_agreements.length, 1, 'agreements kept');
  assert.equal(updated.body.bank_agreements[0].debtor_account, account, 'stored in electronic form');
  const removed = await admin.call('DELETE', `/api/v1/admin/companies/${company.id}/bank-agreements/${agreement}`);
  assert.equal(removed.status, 200);
  assert.equal(removed.body.bank_agreements.length, 0);
  const duplicate = await admin.call('POST', '/api/v1/admin/users', { json: { name: 'Dup', email: target.email.toUpperCase() } });
  assertProblem(duplicate, 409);
  const events = (await admin.call('GET', '/api/v1/admin/events?limit=200')).body.items;
  for (const kind of ['company_created', 'company_changed', 'bank_agreement_added', 'bank_agreement_removed', 'user_created', 'integration_key_created']) {
    assert.ok(events.some((e) => e.kind === kind), kind);
  }
  assert.ok(Date.parse(events[0].at) >= Date.parse(events[events.length - 1].at), 'newest first');
});

test('the readiness table names what each user misses per company', async () => {
  const admin = await firstAdmin();
  const company = await newCompany(admin);
  const approver = await newUser(admin, { roles: { [company.id]: ['invoice_approver', 'autopay_approver', 'autopay_administrator'] } });
  const rowFor = async () => (await admin.call('GET', `/api/v1/admin/readiness?user=${approver.id}`)).body.items.find((r) => r.user_id === approver.id && r.company_id === company.id);
  let row = await rowFor();
  assert.equal(row.ready, false);
  assert.equal(row.missing.length, 4, row.missing.join('\n'));
  assert.ok(row.missing.some((m) => m.includes('two-step verification')));
  await activateTwoStep(approver.client);
  await admin.call('POST', `/api/v1/admin/companies/${company.id}/bank-agreements`, { json: AGREEMENT });
  await admin.call('PATCH', `/api/v1/companies/${company.id}/settings`, { json: { two_step_for_autopay: true } });
  const allow = await approver.client.call('PATCH', `/api/v1/companies/${company.id}/settings`, { json: { allow_pre_approval: true } });
  assert.equal(allow.status, 200, allow.text);
  row = await rowFor();
  assert.deepEqual(row.missing, []);
  assert.equal(row.ready, true);
  const mine = (await approver.client.call('GET', '/api/v1/session')).body.user.companies.find((c) => c.id === company.id);
  assert.equal(mine.approve_and_pay_ready, true);
  assert.deepEqual(mine.roles.sort(), ['autopay_administrator', 'autopay_approver', 'invoice_approver']);
});

test('GET /api/v1/companies/{id} answers an AutoPay Administrator of the company only', async () => {
  const admin = await firstAdmin();
  const company = await newCompany(admin);
  const other = await newCompany(admin);
  const apAdmin = await newUser(admin, { roles: { [company.id]: ['autopay_administrator'] } });
  const approverUser = await newUser(admin, { roles: { [company.id]: ['invoice_approver'] } });
  const otherAdmin = await newUser(admin, { roles: { [other.id]: ['autopay_administrator'] } });
  const path = `/api/v1/companies/${company.id}`;

  const mine = await apAdmin.client.call('GET', path);
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.body.id, company.id);
  assert.equal(mine.body.name, company.name);
  assert.equal(mine.body.settings.allow_pre_approval, false);
  assert.deepEqual(mine.body.bank_agreements, []);
  assert.deepEqual((await admin.call('GET', path)).body, mine.body, 'a System Administrator sees the same');

  for (const refused of [approverUser, otherAdmin]) {
    const res = await refused.client.call('GET', path);
    assertProblem(res, 403);
    assert.match(res.body.detail, /AutoPay Administrator/);
  }
  const anonymous = await call('GET', path);
  assertProblem(anonymous, 401);
  assertProblem(await admin.call('GET', `/api/v1/companies/${'a'.repeat(26)}`), 404);
});
