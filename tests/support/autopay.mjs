// Helpers for the AutoPay API tests: companies with an AutoPay upload key and a chosen bank
// agreement, pre-approved and regular invoices, the ERP export, uploads, tampering with a
// pain.001 file the way an attacker (or a buggy ERP) would, and pain.002 status reports.
import assert from 'node:assert/strict';
import { call } from './http.mjs';
import { allPages, newUser, newCompany, integrationHeaders, unique, totpCode, uniqueNorwegianIban } from './org.mjs';
import { approver, newInvoice, approveAndPay, bundle, sign, task, setPreApproval } from './approval.mjs';

/** The supplier account of invoices here: not the debtor account, so tampering can tell them apart. */
export const CREDITOR_IBAN = 'NO8330001234567';
/** No test company's account any more: a debtor account belongs to one bank agreement in the
 * whole organisation, so each company has its own, `company.debtorIban`. */
export const DEBTOR_IBAN = 'NO9386011117947';

async function key(admin, companyId, scopes) {
  const res = await admin.call('POST', `/api/v1/admin/companies/${companyId}/integration-keys`, { json: { label: unique('key '), scopes } });
  assert.equal(res.status, 201, res.text);
  return res.body.secret;
}

/** A company ready for Approve and pay and AutoPay: a bank agreement with `level` and
 * `approvers` (1 or 2) on its own debtor account (`debtorIban`), keys for documents, the ERP
 * and AutoPay uploads. */
export async function autopayCompany(admin, { level = 'on_approval', approvers = 1, preApproval = true } = {}) {
  const company = await newCompany(admin);
  const settings = await admin.call('PATCH', `/api/v1/companies/${company.id}/settings`, {
    json: { send_workflows_to_approval: true, two_step_for_autopay: true },
  });
  assert.equal(settings.status, 200, settings.text);
  const debtorIban = uniqueNorwegianIban();
  const agreement = await admin.call('POST', `/api/v1/admin/companies/${company.id}/bank-agreements`, {
    json: { bank_name: 'DNB', bic: 'DNBANOKK', debtor_account: debtorIban, two_step_level: level, approvers_required: approvers },
  });
  assert.equal(agreement.status, 201, agreement.text);
  const apAdmin = await newUser(admin, { roles: { [company.id]: ['autopay_administrator'] } });
  const c = {
    ...company,
    debtorIban,
    apAdmin,
    docKey: await key(admin, company.id, ['documents:write']),
    erpKey: await key(admin, company.id, ['erp:read']),
    uploadKey: await key(admin, company.id, ['autopay:upload']),
  };
  if (preApproval) await setPreApproval(c, true);
  return c;
}

/** `count` invoices approved and paid (signed in one bundle) by `user`; answers the process ids. */
export async function preApprovedInvoices(user, company, count = 1, overrides = {}) {
  const ids = [];
  for (let i = 0; i < count; i++) {
    const id = await newInvoice(company, { supplier: { iban: CREDITOR_IBAN }, ...overrides });
    await approveAndPay(user, id);
    ids.push(id);
  }
  const signed = await sign(user, (await bundle(user)).digest);
  assert.equal(signed.status, 200, signed.text);
  assert.ok(signed.body.companies.every((c) => c.signed), signed.text);
  return ids;
}

/** `count` invoices approved without pre-approval. */
export async function regularInvoices(user, company, count = 1) {
  const ids = [];
  for (let i = 0; i < count; i++) {
    const id = await newInvoice(company, { supplier: { iban: CREDITOR_IBAN } });
    const t = await task(user, id);
    const res = await user.client.call('POST', `/api/v1/tasks/${id}/approve`, { json: { expected_version: t.version } });
    assert.equal(res.status, 200, res.text);
    ids.push(id);
  }
  return ids;
}

/** The ERP export; `kind` is pre-approved or regular. Answers the raw response. */
export async function exportSuggestions(company, kind, secret = company.erpKey) {
  const r = await fetch(`${process.env.BASE_URL}/api/v1/companies/${company.id}/payment-suggestions/${kind}`, { headers: integrationHeaders(secret) });
  const text = await r.text();
  let body;
  try { body = JSON.parse(text); } catch { body = undefined; }
  return { status: r.status, headers: r.headers, text, body };
}

/** The ERP acknowledges an export by its id (the file's MsgId, also `X-Export-Id`). */
export async function acknowledgeExport(company, kind, exportId, secret = company.erpKey) {
  return call('POST', `/api/v1/companies/${company.id}/payment-suggestions/${kind}/${encodeURIComponent(exportId)}/acknowledge`, {
    headers: integrationHeaders(secret),
  });
}

/** The ERP export as XML text, asserting 200, acknowledged as the ERP does once it has the file. */
export async function exported(company, kind) {
  const res = await exportSuggestions(company, kind);
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get('content-type'), /application\/xml/);
  const exportId = res.headers.get('x-export-id');
  assert.equal(exportId, msgIdOf(res.text));
  const ack = await acknowledgeExport(company, kind, exportId);
  assert.equal(ack.status, 200, ack.text);
  return res.text;
}

export async function upload(company, xml, { secret = company.uploadKey, idempotencyKey, headers = {} } = {}) {
  const h = { ...integrationHeaders(secret), 'content-type': 'application/xml', ...headers };
  if (idempotencyKey) h['idempotency-key'] = idempotencyKey;
  return call('POST', '/api/v1/autopay/payment-files', { body: xml, headers: h });
}

/** Changes a pain.001 file and drops its control sums (which a tamperer would recompute). */
export function tamper(xml, change) {
  return change(xml.replace(/<CtrlSum>[^<]*<\/CtrlSum>\s*/g, ''));
}

/** The MsgId of a pain.001 file. */
export const msgIdOf = (xml) => xml.match(/<MsgId>([^<]+)<\/MsgId>/)[1];
/** The InstrIds of a pain.001 file. */
export const instrIdsOf = (xml) => [...xml.matchAll(/<InstrId>([^<]+)<\/InstrId>/g)].map((m) => m[1]);

/** A pain.002.001.03 report on `originalMsgId`: `txs` is a list of { e2e, instr, status, reason }. */
export function statusReport(originalMsgId, txs, msgId = unique('STS-')) {
  const tx = txs.map((t, i) => `
      <TxInfAndSts>
        <StsId>S${i + 1}</StsId>
        ${t.instr ? `<OrgnlInstrId>${t.instr}</OrgnlInstrId>` : ''}
        <OrgnlEndToEndId>${t.e2e}</OrgnlEndToEndId>
        <TxSts>${t.status}</TxSts>
        ${t.reason ? `<StsRsnInf><Rsn><Cd>${t.reason}</Cd></Rsn><AddtlInf>Account closed</AddtlInf></StsRsnInf>` : ''}
      </TxInfAndSts>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">
  <CstmrPmtStsRpt>
    <GrpHdr><MsgId>${msgId}</MsgId><CreDtTm>2030-03-01T07:00:00</CreDtTm></GrpHdr>
    <OrgnlGrpInfAndSts><OrgnlMsgId>${originalMsgId}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId></OrgnlGrpInfAndSts>
    <OrgnlPmtInfAndSts>
      <OrgnlPmtInfId>${originalMsgId}-1</OrgnlPmtInfId>${tx}
    </OrgnlPmtInfAndSts>
  </CstmrPmtStsRpt>
</Document>`;
}

export async function sendStatusReport(company, xml, secret = company.uploadKey) {
  return call('POST', '/api/v1/autopay/status-reports', { body: xml, headers: { ...integrationHeaders(secret), 'content-type': 'application/xml' } });
}

/** A fresh AutoPay Approver of `company` with two-step verification (one more code to spend). */
export async function autopayApprover(admin, company) {
  return approver(admin, [company]);
}

/** The next fresh code of a user who only activated two-step verification so far. */
export const nextCode = (user) => totpCode(user.secret, 1);

/** Every payment the list answers `user` for `query`, over all its pages. */
export async function payments(user, query = '') {
  return allPages(user.client, `/api/v1/autopay/payments${query}`);
}

export async function events(user, paymentId) {
  const res = await user.client.call('GET', `/api/v1/autopay/payments/${paymentId}/events`);
  assert.equal(res.status, 200, res.text);
  return res.body;
}
