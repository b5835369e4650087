// `make dev` seeds demo data into an empty store: this runs the same seeding script against an
// instance of its own and checks that what README promises is there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnApp, ROOT } from '../support/app.mjs';

let app;
let dir;
before(async () => {
  app = await spawnApp();
  dir = mkdtempSync(join(tmpdir(), 'approve-pay-demo-'));
});
after(async () => {
  await app?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function signIn(email, password, code) {
  const r = await fetch(`${app.baseUrl}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, code }),
  });
  // The body is read once: the assertion message needs it as text, the caller as JSON.
  const text = await r.text();
  assert.equal(r.status, 200, text);
  return { cookie: r.headers.get('set-cookie').split(';')[0], state: JSON.parse(text) };
}

test('the demo seed creates the organisation README describes, once', async () => {
  const file = join(dir, 'demo-credentials.json');
  const env = { ...process.env, DEMO_CREDENTIALS: file };
  execFileSync(process.execPath, [join(ROOT, 'scripts/seed-demo.mjs'), app.baseUrl], { env, stdio: 'pipe' });
  const creds = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(Object.keys(creds.companies).length, 3);
  const currencies = new Set(Object.values(creds.companies).map((c) => c.bank_agreement.debtor_account.slice(0, 2)));
  assert.ok(currencies.size >= 2, 'companies in two countries/currencies');
  for (const k of Object.values(creds.integration_keys)) assert.ok(k.key.length > 20);

  const [admin, pia, oskar] = creds.users;
  // The approver with everything signs in with a real oathtool code and is ready in two of three.
  // The seed used the current 30 s step to activate two-step verification, and a code is
  // accepted once per step: wait for the next one.
  await new Promise((r) => setTimeout(r, 30_000 - (Date.now() % 30_000) + 500));
  const code = execFileSync('oathtool', ['--totp', '-b', pia.totp_secret]).toString().trim();
  const { state, cookie } = await signIn(pia.email, pia.password, code);
  // The demo invoices wait in her task list (she approves in all three companies), except the
  // one Nordlys' two-step workflow gives its budget owner, Oskar, first.
  const { items: tasks, next_cursor } = await (await fetch(`${app.baseUrl}/api/v1/tasks`, { headers: { cookie } })).json();
  assert.equal(next_cursor, null, 'one page holds them');
  assert.equal(tasks.length, 5, JSON.stringify(tasks));
  assert.ok(!tasks.some((t) => t.invoice_number === 'FB-2026-311'));
  assert.ok(tasks.some((t) => t.amount.currency === 'EUR'));
  const ready = state.user.companies.filter((c) => c.approve_and_pay_ready).map((c) => c.name).sort();
  assert.deepEqual(ready, ['Fjord Handel AS', 'Nordlys AS']);
  const baltic = state.user.companies.find((c) => c.name === 'Baltic Trade GmbH');
  assert.ok(baltic.missing.length >= 2, JSON.stringify(baltic.missing));

  // The approver with only Invoice Approver is not ready anywhere.
  const o = await signIn(oskar.email, oskar.password);
  assert.ok(o.state.user.companies.every((c) => !c.approve_and_pay_ready));
  const oskars = await (await fetch(`${app.baseUrl}/api/v1/tasks`, { headers: { cookie: o.cookie } })).json();
  assert.deepEqual(oskars.items.map((t) => t.invoice_number), ['FB-2026-311'], 'the budget owner’s step');
  assert.ok(oskars.items[0].warnings.some((w) => /Step 1 of 2: “Budget owner”/.test(w.message)));

  // The administrator (two-step verification active: a System Administrator needs it for
  // step-up) sees the readiness table. The seed used two of their steps; the next step's code
  // is fresh.
  const adminCode = execFileSync('oathtool', ['--totp', '-b', admin.totp_secret, '-N', 'now + 30 seconds']).toString().trim();
  const a = await signIn(admin.email, admin.password, adminCode);
  const rows = await (await fetch(`${app.baseUrl}/api/v1/admin/readiness`, { headers: { cookie: a.cookie } })).json();
  assert.ok(!rows.next_cursor, 'the demo organisation fits one page');
  assert.ok(rows.items.some((r) => r.user_name === 'Pia Payer' && r.ready));

  // A second run leaves the store alone.
  const again = execFileSync(process.execPath, [join(ROOT, 'scripts/seed-demo.mjs'), app.baseUrl], { env }).toString();
  assert.match(again, /nothing seeded/);
});
