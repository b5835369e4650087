// Seeds a demo organisation into an EMPTY local store through the product's own API, and writes
// the credentials to demo-credentials.json (git-ignored). Does nothing when the store already
// has users. Usage: node scripts/seed-demo.mjs http://127.0.0.1:8787
import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BASE = process.argv[2] ?? 'http://127.0.0.1:8787';
const OUT = process.env.DEMO_CREDENTIALS ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'demo-credentials.json');

function client() {
  let cookie;
  return async function api(method, path, json) {
    const headers = {};
    if (cookie) headers.cookie = cookie;
    if (json !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(BASE + path, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
    const set = r.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0];
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path} → ${r.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
}

// RFC 6238 TOTP (SHA1, 6 digits, 30 s), for the two-step verification of the administrator and
// the demo approver: the `otpauth` package, at the time step of `at`.
function totp(secret, at = Date.now()) {
  return new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: at });
}
const password = () => `demo-${randomBytes(9).toString('base64url')}`;

// wrangler dev builds the Worker before it listens: wait for it (up to 5 minutes).
for (let i = 0; ; i++) {
  try {
    const r = await fetch(`${BASE}/api/v1/health`);
    if (r.status === 200) break;
  } catch { /* not listening yet */ }
  if (i > 600) throw new Error(`${BASE} did not become healthy`);
  await new Promise((r) => setTimeout(r, 500));
}

const state = await client()('GET', '/api/v1/session');
if (!state.first_run) {
  console.log('Demo data: the local store already has users; nothing seeded (see demo-credentials.json).');
  process.exit(0);
}

const admin = { name: 'Ada Admin', email: 'admin@demo.example', password: password() };
const adm = client();
await adm('POST', '/api/v1/setup/first-admin', admin);
// A System Administrator needs two-step verification and a fresh code (step-up, valid for five
// minutes) for bank agreements, roles and integration keys. Activation uses this step's code,
// the step-up the next step's (each code works once).
const adminEnrolment = await adm('POST', '/api/v1/me/two-step/enrolment');
await adm('POST', '/api/v1/me/two-step/activate', { code: totp(adminEnrolment.secret) });
await adm('POST', '/api/v1/me/step-up', { code: totp(adminEnrolment.secret, Date.now() + 30_000) });
admin.totp_secret = adminEnrolment.secret;

const companies = {};
for (const [key, c] of Object.entries({
  nordlys: { name: 'Nordlys AS', org_number: '923456783', country: 'NO', base_currency: 'NOK' },
  fjord: { name: 'Fjord Handel AS', org_number: '987654325', country: 'NO', base_currency: 'NOK' },
  baltic: { name: 'Baltic Trade GmbH', org_number: 'HRB 123456', country: 'DE', base_currency: 'EUR' },
})) {
  companies[key] = await adm('POST', '/api/v1/admin/companies', c);
}
const agreements = {
  nordlys: { bank_name: 'DNB', bic: 'DNBANOKKXXX', debtor_account: 'NO9386011117947', two_step_level: 'on_approval', approvers_required: 1 },
  fjord: { bank_name: 'Nordea', bic: 'NDEANOKKXXX', debtor_account: 'NO8330001234567', two_step_level: 'on_upload_and_approval', approvers_required: 2 },
  baltic: { bank_name: 'Deutsche Bank', bic: 'DEUTDEFFXXX', debtor_account: 'DE89370400440532013000', two_step_level: 'on_upload', approvers_required: 1 },
};
for (const [key, a] of Object.entries(agreements)) {
  await adm('POST', `/api/v1/admin/companies/${companies[key].id}/bank-agreements`, a);
}

async function createUser(name, email) {
  const created = await adm('POST', '/api/v1/admin/users', { name, email });
  return { id: created.user.id, name, email, initial: created.initial_password };
}
const pia = await createUser('Pia Payer', 'pia@demo.example');
const oskar = await createUser('Oskar Olsen', 'oskar@demo.example');
const adminMe = (await adm('GET', '/api/v1/session')).user;

const ids = Object.fromEntries(Object.entries(companies).map(([k, c]) => [k, c.id]));
// The administrator administers AutoPay in the first two companies (needed to allow pre-approval).
await adm('PUT', `/api/v1/admin/users/${adminMe.id}/roles`, {
  is_system_admin: true,
  roles: { [ids.nordlys]: ['autopay_administrator'], [ids.fjord]: ['autopay_administrator'] },
});
// Pia has everything for Nordlys and Fjord, but in Baltic only Invoice Approver (and Baltic does
// not allow pre-approval): the readiness table shows why.
await adm('PUT', `/api/v1/admin/users/${pia.id}/roles`, {
  is_system_admin: false,
  roles: {
    [ids.nordlys]: ['invoice_approver', 'autopay_approver'],
    [ids.fjord]: ['invoice_approver', 'autopay_approver'],
    [ids.baltic]: ['invoice_approver'],
  },
});
await adm('PUT', `/api/v1/admin/users/${oskar.id}/roles`, { is_system_admin: false, roles: { [ids.nordlys]: ['invoice_approver'] } });

for (const key of ['nordlys', 'fjord', 'baltic']) {
  await adm('PATCH', `/api/v1/companies/${ids[key]}/settings`, {
    two_step_for_autopay: true,
    send_workflows_to_approval: true,
    ...(key === 'baltic' ? {} : { allow_pre_approval: true }),
  });
}

// Nordlys routes invoices through a two-step approval workflow (issue 10): Oskar, the budget
// owner, first for amounts of 50,000 NOK and more, then Pia for every invoice. FB-2026-311 below
// waits for Oskar; the smaller ones go straight to Pia.
{
  const nordlys = await adm('GET', `/api/v1/companies/${ids.nordlys}/workflow`);
  const limit = [{ currency: 'NOK', minor: 5_000_000 }];
  const draft = await adm('PUT', `/api/v1/companies/${ids.nordlys}/workflow/draft`, {
    expected_version: nordlys.version,
    workflow: {
      steps: [
        { name: 'Budget owner', condition: { kind: 'amount_at_least', limits: limit }, approvers: { kind: 'users', users: [oskar.id] }, needed: 'any_one' },
        { name: 'Approver', condition: { kind: 'always' }, approvers: { kind: 'users', users: [pia.id] }, needed: 'any_one' },
      ],
      distinct_approvers: 1,
      groups: {},
    },
  });
  await adm('POST', `/api/v1/companies/${ids.nordlys}/workflow/activate`, { expected_version: draft.version });
  // A task two working days overdue goes to Pia (reminders and escalation, issue 10).
  await adm('PATCH', `/api/v1/companies/${ids.nordlys}/settings`, { escalate_after_days: 2, escalation_user: pia.id });
}

// Each user leaves the one-time password behind; Pia activates two-step verification.
for (const u of [pia, oskar]) {
  const c = client();
  await c('POST', '/api/v1/session', { email: u.email, password: u.initial });
  u.password = password();
  await c('POST', '/api/v1/me/password', { current_password: u.initial, new_password: u.password });
  u.client = c;
}
const enrolment = await pia.client('POST', '/api/v1/me/two-step/enrolment');
await pia.client('POST', '/api/v1/me/two-step/activate', { code: totp(enrolment.secret) });
pia.totp_secret = enrolment.secret;

const keys = {};
for (const [key, c] of Object.entries(companies)) {
  const k = await adm('POST', `/api/v1/admin/companies/${c.id}/integration-keys`, {
    label: 'Demo ERP and Document Center',
    scopes: ['documents:write', 'erp:read', 'autopay:upload'],
  });
  keys[key] = { company_id: c.id, company: c.name, key: k.secret };
}

// A few supplier invoices from "Document Center", so the task lists are not empty.
function invoicePdf(lines) {
  const text = lines.map((l, i) => `BT /F1 ${i ? 12 : 20} Tf 72 ${760 - i * 26} Td (${l.replace(/[()\\]/g, '')}) Tj ET`).join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(text)} >>\nstream\n${text}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets = objects.map((body, i) => {
    const at = Buffer.byteLength(pdf);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return at;
  });
  const xref = Buffer.byteLength(pdf);
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf).toString('base64');
}
const suppliers = [
  { name: 'Kontorrekvisita AS', organisation_number: '914778271', iban: 'NO5115031000006' },
  { name: 'Fjellstad Bygg AS', organisation_number: '998877665', iban: 'NO7115061000000' },
  { name: 'Renhold Partner AS', organisation_number: '976543210', iban: 'NO6830001000000' },
  { name: 'Elektro Nord AS', organisation_number: '912345678', iban: 'NO6697101000005' },
  { name: 'Rheinland Logistik GmbH', organisation_number: 'HRB 987654', iban: 'DE44500105175407324931' },
];
const invoices = [
  ['nordlys', 0, 'KR-10421', '12500.00', 'NOK', '20261104010', 14],
  ['nordlys', 1, 'FB-2026-311', '186000.00', 'NOK', '20261104028', 21],
  // Due in two days: the hourly run reminds Pia that it is soon overdue.
  ['nordlys', 3, 'EN-88412', '18400.00', 'NOK', '20261104036', 2],
  ['fjord', 2, 'RP-3310', '3200.00', 'NOK', '20261104044', 5],
  ['fjord', 0, 'KR-10433', '7420.50', 'NOK', '20261104051', 30],
  ['baltic', 4, 'RL-55012', '2450.00', 'EUR', 'RF18539007547034', 18],
];
const today = new Date();
const isoDay = (d) => d.toISOString().slice(0, 10);
for (const [company, s, number, amount, currency, reference, dueInDays] of invoices) {
  const supplier = suppliers[s];
  const due = new Date(today.getTime() + dueInDays * 86_400_000);
  const r = await fetch(`${BASE}/api/v1/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${keys[company].key}`, 'x-client-version': '14.00', 'content-type': 'application/json' },
    body: JSON.stringify({
      document_id: `demo-${number}`,
      company_id: companies[company].id,
      supplier,
      invoice_number: number,
      invoice_date: isoDay(today),
      due_date: isoDay(due),
      amount,
      currency,
      payment_reference: reference,
      pdf_base64: invoicePdf([`Invoice ${number}`, supplier.name, `To: ${companies[company].name}`, `Amount: ${amount} ${currency}`, `Due: ${isoDay(due)}`, `Pay to: ${supplier.iban}`, `Reference: ${reference}`]),
    }),
  });
  if (r.status !== 201) throw new Error(`POST /api/v1/documents → ${r.status}: ${await r.text()}`);
}

const credentials = {
  url: BASE,
  note: 'Local demo data. Two-step codes: oathtool --totp -b <totp_secret>, or add the secret to an authenticator app.',
  users: [
    { role: 'System Administrator; AutoPay Administrator in Nordlys and Fjord', name: admin.name, email: admin.email, password: admin.password, totp_secret: admin.totp_secret },
    { role: 'Invoice + AutoPay Approver in Nordlys and Fjord (ready to approve and pay); Invoice Approver in Baltic', name: pia.name, email: pia.email, password: pia.password, totp_secret: pia.totp_secret },
    { role: 'Invoice Approver in Nordlys only', name: oskar.name, email: oskar.email, password: oskar.password },
  ],
  companies: Object.fromEntries(Object.entries(companies).map(([k, c]) => [k, { id: c.id, name: c.name, bank_agreement: agreements[k] }])),
  integration_keys: keys,
};
writeFileSync(OUT, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
console.log(`Demo data seeded; credentials in ${OUT}`);
