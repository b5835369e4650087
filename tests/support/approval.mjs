// Helpers for the approval API tests: companies ready for Approve and pay, approvers, documents
// from the Document Center, and the task, bundle and ERP calls. Builds on support/org.mjs.
import assert from 'node:assert/strict';
import { call } from './http.mjs';
import { newUser, newCompany, activateTwoStep, integrationHeaders, unique, totpCode, uniqueNorwegianIban } from './org.mjs';

/** A bank agreement "on approval" with one approver. A debtor account belongs to one agreement
 * in the whole organisation, so `debtor_account` is a fresh account every time it is read
 * (`{ json: AGREEMENT }`, `{ ...AGREEMENT }`): read it once and keep what you sent, or take it
 * from the answer. */
export const AGREEMENT = Object.freeze({
  bank_name: 'DNB',
  bic: 'DNBANOKK',
  get debtor_account() { return uniqueNorwegianIban(); },
  two_step_level: 'on_approval',
  approvers_required: 1,
});
export const PDF_BASE64 = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n').toString('base64');
/** 26 characters of Crockford base32. */
export const TOKEN_RE = /^[0-9A-HJKMNP-TV-Z]{26}$/;

async function key(admin, companyId, scopes) {
  const res = await admin.call('POST', `/api/v1/admin/companies/${companyId}/integration-keys`, { json: { label: unique('key '), scopes } });
  assert.equal(res.status, 201, res.text);
  return res.body.secret;
}

/** A company that accepts documents and allows pre-approval (unless told otherwise), with a
 * bank agreement "on approval" on its own debtor account (`debtorIban`), a documents:write key
 * and an erp:read key. */
export async function readyCompany(admin, { sendWorkflows = true, preApproval = true, threshold = null } = {}) {
  const company = await newCompany(admin);
  const settings = await admin.call('PATCH', `/api/v1/companies/${company.id}/settings`, {
    json: { send_workflows_to_approval: sendWorkflows, two_step_for_autopay: true, four_eyes_threshold_minor: threshold },
  });
  assert.equal(settings.status, 200, settings.text);
  const debtorIban = uniqueNorwegianIban();
  const agreement = await admin.call('POST', `/api/v1/admin/companies/${company.id}/bank-agreements`, { json: { ...AGREEMENT, debtor_account: debtorIban } });
  assert.equal(agreement.status, 201, agreement.text);
  const apAdmin = await newUser(admin, { roles: { [company.id]: ['autopay_administrator'] } });
  const c = { ...company, debtorIban, docKey: await key(admin, company.id, ['documents:write']), erpKey: await key(admin, company.id, ['erp:read']), apAdmin };
  if (preApproval) await setPreApproval(c, true);
  return c;
}

/** "Allow pre-approval", set by the company's AutoPay Administrator. */
export async function setPreApproval(company, value) {
  const res = await company.apAdmin.client.call('PATCH', `/api/v1/companies/${company.id}/settings`, { json: { allow_pre_approval: value } });
  assert.equal(res.status, 200, res.text);
}

/** An Invoice Approver (and AutoPay Approver) of `companies`; with `twoStep` two-step
 * verification is active and `secret` is returned. */
export async function approver(admin, companies, { twoStep = true } = {}) {
  const roles = Object.fromEntries(companies.map((c) => [c.id, ['invoice_approver', 'autopay_approver']]));
  const user = await newUser(admin, { roles });
  if (twoStep) user.secret = (await activateTwoStep(user.client)).secret;
  return user;
}

/** A valid document for `company`; `overrides` are merged (supplier merged too). */
export function documentFor(company, overrides = {}) {
  const { supplier, ...rest } = overrides;
  return {
    document_id: unique('dc-'),
    company_id: company.id,
    supplier: { name: 'Kontorrekvisita AS', organisation_number: unique('9'), iban: 'NO9386011117947', ...(supplier ?? {}) },
    invoice_number: unique('INV-'),
    invoice_date: '2030-03-01',
    due_date: '2030-03-31',
    amount: '1250.50',
    currency: 'NOK',
    payment_reference: '1234567897',
    pdf_base64: PDF_BASE64,
    ...rest,
  };
}

export async function sendDocument(company, doc, { version = '14.00', secret = company.docKey } = {}) {
  return call('POST', '/api/v1/documents', { json: doc, headers: integrationHeaders(secret, version) });
}

/** Sends a document and answers the new process id. */
export async function newInvoice(company, overrides = {}) {
  const res = await sendDocument(company, documentFor(company, overrides));
  assert.equal(res.status, 201, res.text);
  return res.body.process_id;
}

export async function task(user, id) {
  const res = await user.client.call('GET', `/api/v1/tasks/${id}`);
  assert.equal(res.status, 200, res.text);
  return res.body;
}

export async function approveAndPay(user, id) {
  const t = await task(user, id);
  const res = await user.client.call('POST', `/api/v1/tasks/${id}/approve-and-pay`, { json: { expected_version: t.version } });
  assert.equal(res.status, 200, res.text);
  return res.body;
}

export async function bundle(user) {
  const res = await user.client.call('GET', '/api/v1/bundle');
  assert.equal(res.status, 200, res.text);
  return res.body;
}

/** Signs with the password and a code of the next TOTP step (the activation used this one). */
export async function sign(user, digest, { code = totpCode(user.secret, 1), password = user.password } = {}) {
  return user.client.call('POST', '/api/v1/bundle/sign', { json: { password, code, digest } });
}

export async function approvedInvoices(company, query = '', secret = company.erpKey) {
  return call('GET', `/api/v1/companies/${company.id}/approved-invoices${query}`, { headers: integrationHeaders(secret) });
}

/** Activates a one-step workflow in `company`: every invoice goes to `owner` ("Budget owner"). */
export async function ownerWorkflow(admin, company, owner) {
  const { body: wf } = await admin.call('GET', `/api/v1/companies/${company.id}/workflow`);
  const draft = await admin.call('PUT', `/api/v1/companies/${company.id}/workflow/draft`, {
    json: {
      expected_version: wf.version,
      workflow: {
        steps: [{ name: 'Budget owner', condition: { kind: 'always' }, approvers: { kind: 'users', users: [owner.id] }, needed: 'any_one' }],
        distinct_approvers: 1,
        groups: {},
      },
    },
  });
  assert.equal(draft.status, 200, draft.text);
  const active = await admin.call('POST', `/api/v1/companies/${company.id}/workflow/activate`, { json: { expected_version: draft.body.version } });
  assert.equal(active.status, 200, active.text);
}
