// Company records: one owner per debtor account in the whole organisation, and changes of a
// company (settings, bank agreements) that never undo each other. The attack: an AutoPay
// Administrator of company B adds a bank agreement with company A's debtor account, B's
// integration key uploads a file debiting A's account, B's approver sends it to the bank.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertProblem } from '../support/http.mjs';
import { firstAdmin, newUser, newCompany, uniqueNorwegianIban, paperIban } from '../support/org.mjs';
import { AGREEMENT, approver } from '../support/approval.mjs';
import { autopayCompany, regularInvoices, exported, upload, payments } from '../support/autopay.mjs';

const agreementsPath = (company) => `/api/v1/admin/companies/${company.id}/bank-agreements`;

async function company(client, c) {
  const res = await client.call('GET', `/api/v1/companies/${c.id}`);
  assert.equal(res.status, 200, res.text);
  return res.body;
}

test('one_company_cannot_claim_another_companys_debtor_account', async () => {
  const admin = await firstAdmin();
  const a = await autopayCompany(admin);
  const b = await autopayCompany(admin);
  const before = await company(admin, b);

  // B's AutoPay Administrator claims A's account: refused, naming A and its bank.
  const claim = await b.apAdmin.client.call('POST', agreementsPath(b), { json: { ...AGREEMENT, bank_name: 'Sparebank 1', debtor_account: a.debtorIban } });
  assertProblem(claim, 409);
  assert.ok(claim.body.detail.includes(a.name), claim.body.detail);
  assert.match(claim.body.detail, /DNB/);
  assert.match(claim.body.detail, new RegExp(a.debtorIban));
  // Nor by moving B's own agreement onto it, typed in its paper form.
  const [own] = before.bank_agreements;
  const move = await b.apAdmin.client.call('PUT', `${agreementsPath(b)}/${own.id}`, { json: { ...AGREEMENT, debtor_account: paperIban(a.debtorIban) } });
  assertProblem(move, 409);
  assert.ok(move.body.detail.includes(a.name), move.body.detail);
  // A second agreement of the same company on the same account is refused too.
  const twice = await admin.call('POST', agreementsPath(a), { json: { ...AGREEMENT, bank_name: 'Nordea', debtor_account: a.debtorIban } });
  assertProblem(twice, 409);
  assert.ok(twice.body.detail.includes(a.name), twice.body.detail);
  assert.deepEqual(await company(admin, b), before, 'B unchanged');
  assert.equal((await company(admin, a)).bank_agreements.length, 1, 'A unchanged');

  // B's key uploads a file debiting A's account: refused, nothing stored, nothing sent.
  const approverA = await approver(admin, [a]);
  await regularInvoices(approverA, a, 1);
  const xml = await exported(a, 'regular');
  assert.ok(xml.includes(a.debtorIban));
  const refused = await upload(b, xml);
  assertProblem(refused, 422);
  assert.match(refused.body.detail, new RegExp(a.debtorIban));
  // B's approver (signed in) cannot send it either.
  const approverB = await approver(admin, [b]);
  const signedIn = await approverB.client.call('POST', '/api/v1/autopay/files', { body: xml, headers: { 'content-type': 'application/xml' } });
  assertProblem(signedIn, 422);
  assert.deepEqual(await payments(approverB), []);
  assert.deepEqual(await payments(approverA), []);
});

test('a_released_debtor_account_can_be_claimed_again', async () => {
  const admin = await firstAdmin();
  const a = await autopayCompany(admin);
  const b = await newCompany(admin);
  const x = a.debtorIban;
  assertProblem(await admin.call('POST', agreementsPath(b), { json: { ...AGREEMENT, debtor_account: x } }), 409);

  // A moves its agreement to another account: X is free.
  const [agreement] = (await company(admin, a)).bank_agreements;
  const moved = await admin.call('PUT', `${agreementsPath(a)}/${agreement.id}`, { json: { ...AGREEMENT, debtor_account: uniqueNorwegianIban() } });
  assert.equal(moved.status, 200, moved.text);
  const claimed = await admin.call('POST', agreementsPath(b), { json: { ...AGREEMENT, debtor_account: x } });
  assert.equal(claimed.status, 201, claimed.text);
  assert.equal(claimed.body.bank_agreements[0].debtor_account, x);

  // Now B holds it: A cannot take it back until B deletes its agreement.
  const back = await admin.call('POST', agreementsPath(a), { json: { ...AGREEMENT, debtor_account: x } });
  assertProblem(back, 409);
  assert.ok(back.body.detail.includes(b.name), back.body.detail);
  const removed = await admin.call('DELETE', `${agreementsPath(b)}/${claimed.body.bank_agreements[0].id}`);
  assert.equal(removed.status, 200, removed.text);
  const again = await admin.call('POST', agreementsPath(a), { json: { ...AGREEMENT, debtor_account: x } });
  assert.equal(again.status, 201, again.text);

  // Editing an agreement without changing its account keeps it.
  const mine = again.body.bank_agreements.find((g) => g.debtor_account === x);
  const edited = await admin.call('PUT', `${agreementsPath(a)}/${mine.id}`, { json: { ...AGREEMENT, debtor_account: x, approvers_required: 2 } });
  assert.equal(edited.status, 200, edited.text);
  assert.equal(edited.body.bank_agreements.find((g) => g.id === mine.id).approvers_required, 2);
});

test('two_companies_claiming_one_account_at_once_get_exactly_one_agreement', async () => {
  const admin = await firstAdmin();
  for (let round = 0; round < 10; round++) {
    const [a, b] = await Promise.all([newCompany(admin), newCompany(admin)]);
    const account = uniqueNorwegianIban();
    const answers = await Promise.all([a, b].map((c) => admin.call('POST', agreementsPath(c), { json: { ...AGREEMENT, debtor_account: account } })));
    assert.deepEqual(answers.map((r) => r.status).sort(), [201, 409], answers.map((r) => r.text).join(' / '));
    const holders = [];
    for (const c of [a, b]) {
      if ((await company(admin, c)).bank_agreements.some((g) => g.debtor_account === account)) holders.push(c.id);
    }
    assert.equal(holders.length, 1, `round ${round}`);
  }
});

test('a_settings_change_and_an_agreement_edit_never_undo_each_other', async () => {
  const admin = await firstAdmin();
  const c = await autopayCompany(admin, { preApproval: false });
  const [agreement] = (await company(admin, c)).bank_agreements;
  const path = `${agreementsPath(c)}/${agreement.id}`;
  for (let round = 0; round < 50; round++) {
    const allow = round % 2 === 0;
    const approvers = allow ? 2 : 1;
    const [settings, edit] = await Promise.all([
      c.apAdmin.client.call('PATCH', `/api/v1/companies/${c.id}/settings`, { json: { allow_pre_approval: allow } }),
      c.apAdmin.client.call('PUT', path, { json: { ...AGREEMENT, debtor_account: c.debtorIban, approvers_required: approvers } }),
    ]);
    assert.equal(settings.status, 200, settings.text);
    assert.equal(edit.status, 200, edit.text);
    const now = await company(c.apAdmin.client, c);
    assert.equal(now.settings.allow_pre_approval, allow, `round ${round}: the settings change was lost`);
    assert.equal(now.bank_agreements[0].approvers_required, approvers, `round ${round}: the agreement edit was lost`);
  }
});

test('a_settings_change_made_on_an_old_version_is_refused', async () => {
  const admin = await firstAdmin();
  const c = await newCompany(admin);
  const apAdmin = await newUser(admin, { roles: { [c.id]: ['autopay_administrator'] } });
  const seen = await company(apAdmin.client, c);
  assert.ok(Number.isInteger(seen.version) && seen.version >= 1, JSON.stringify(seen));
  const first = await apAdmin.client.call('PATCH', `/api/v1/companies/${c.id}/settings`, { json: { allow_pre_approval: true, expected_version: seen.version } });
  assert.equal(first.status, 200, first.text);
  assert.equal(first.body.version, seen.version + 1);
  const stale = await apAdmin.client.call('PATCH', `/api/v1/companies/${c.id}/settings`, { json: { allow_pre_approval: false, expected_version: seen.version } });
  assertProblem(stale, 409);
  assert.match(stale.body.detail, /changed meanwhile/);
  const now = await company(apAdmin.client, c);
  assert.equal(now.settings.allow_pre_approval, true, 'the stale change changed nothing');
  assert.equal(now.version, seen.version + 1);
});
