// Languages: a user's choice on My details (PUT /api/v1/me/language), and problem+json answers
// told in the language the request asks for (Accept-Language; the SPA sends the user's choice).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, assertProblem } from '../support/http.mjs';
import { firstAdmin, newCompany, newUser } from '../support/org.mjs';
import { approver, newInvoice, readyCompany } from '../support/approval.mjs';

test('a problem is told in Norwegian when the request asks for nb, in English otherwise, and says which', async () => {
  const admin = await firstAdmin();
  const nb = await admin.call('GET', '/api/v1/tasks/no-such-task', { headers: { 'accept-language': 'nb-NO,nb;q=0.9,en;q=0.5' } });
  assertProblem(nb, 404);
  assert.equal(nb.body.detail, 'Det finnes ingen slik oppgave.');
  assert.equal(nb.body.title, 'Ikke funnet');
  assert.equal(nb.headers.get('content-language'), 'nb');
  const en = await admin.call('GET', '/api/v1/tasks/no-such-task', { headers: { 'accept-language': 'en-GB,nb;q=0.2' } });
  assert.equal(en.body.detail, 'There is no such task.');
  assert.equal(en.headers.get('content-language'), 'en');
  const none = await admin.call('GET', '/api/v1/tasks/no-such-task');
  assert.equal(none.body.detail, 'There is no such task.', 'no header: English');
  const other = await admin.call('GET', '/api/v1/tasks/no-such-task', { headers: { 'accept-language': 'fr-FR, de' } });
  assert.equal(other.body.detail, 'There is no such task.', 'a language we do not speak: English');
});

test('a field error is translated with its values, and the field name stays as sent', async () => {
  const admin = await firstAdmin();
  const res = await admin.call('POST', '/api/v1/admin/users', {
    json: { name: 'Nora Nordmann', email: 'not an address' },
    headers: { 'accept-language': 'nb' },
  });
  assertProblem(res, 400);
  assert.equal(res.body.errors.length, 1, res.text);
  assert.equal(res.body.errors[0].field, 'email');
  assert.match(res.body.errors[0].message, /«not an address» er ikke en e-postadresse/);
  assert.equal(res.body.detail, `email: ${res.body.errors[0].message}`);
});

test('a user chooses a language on My details; it is theirs alone and can be cleared', async () => {
  const admin = await firstAdmin();
  const user = await newUser(admin);
  const before = await user.client.call('GET', '/api/v1/session');
  assert.equal(before.body.user.language ?? null, null, 'nothing chosen: the browser decides');
  const set = await user.client.call('PUT', '/api/v1/me/language', { json: { language: 'nb' } });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.body.language, 'nb');
  assert.equal((await user.client.call('GET', '/api/v1/session')).body.user.language, 'nb');
  assert.equal((await admin.call('GET', '/api/v1/session')).body.user.language ?? null, null, 'another user is not changed');
  const cleared = await user.client.call('PUT', '/api/v1/me/language', { json: { language: null } });
  assert.equal(cleared.status, 200, cleared.text);
  assert.equal(cleared.body.language ?? null, null);
});

test('a language the product does not speak, a bad body, another method or no session change nothing', async () => {
  const admin = await firstAdmin();
  const user = await newUser(admin);
  await user.client.call('PUT', '/api/v1/me/language', { json: { language: 'en' } });
  assertProblem(await user.client.call('PUT', '/api/v1/me/language', { json: { language: 'fr' } }), 400);
  assertProblem(await user.client.call('PUT', '/api/v1/me/language', { json: { lang: 'nb' } }), 400);
  assertProblem(await user.client.call('PUT', '/api/v1/me/language', { body: 'nb', headers: { 'content-type': 'application/json' } }), 400);
  assertProblem(await user.client.call('POST', '/api/v1/me/language', { json: { language: 'nb' } }), 405);
  assertProblem(await call('PUT', '/api/v1/me/language', { json: { language: 'nb' } }), 401);
  assert.equal((await user.client.call('GET', '/api/v1/session')).body.user.language, 'en', 'still the last valid choice');
});

// Sentences inside answers (readiness reasons, warnings, history, events, status labels) are
// told in the language asked for too; data (names, comments people wrote) never changes.
const NB = { 'accept-language': 'nb' };

test('readiness reasons are told in Norwegian, naming the company as it is', async () => {
  const admin = await firstAdmin();
  const company = await newCompany(admin);
  const user = await newUser(admin, { roles: { [company.id]: ['invoice_approver'] } });
  const rowOf = async (headers) => (await admin.call('GET', `/api/v1/admin/readiness?user=${user.id}`, { headers }))
    .body.items.find((r) => r.company_id === company.id);
  const en = await rowOf({});
  const nb = await rowOf(NB);
  assert.equal(nb.missing.length, en.missing.length);
  // The administrator's table speaks of the user; My details speaks to them.
  assert.ok(en.missing.some((m) => m.startsWith(`User ${user.email} does not have the AutoPay Approver role in ${company.name}.`)), en.missing.join('\n'));
  assert.ok(nb.missing.every((m) => !en.missing.includes(m)), nb.missing.join('\n'));
  assert.ok(nb.missing.some((m) => m.startsWith(`Forhåndsgodkjenning er ikke tillatt i ${company.name}.`)), nb.missing.join('\n'));
  const mine = (name, headers) => user.client.call('GET', '/api/v1/session', { headers })
    .then((r) => r.body.user.companies.find((c) => c.id === company.id).missing);
  const mineEn = await mine('en', {});
  const mineNb = await mine('nb', NB);
  assert.ok(mineEn.includes(`You need the AutoPay Approver role in ${company.name}. Ask a System Administrator.`), mineEn.join('\n'));
  assert.ok(mineNb.includes(`Du trenger rollen AutoPay-godkjenner i ${company.name}. Spør en Systemadministrator.`), mineNb.join('\n'));
  assert.equal(mineNb.length, mineEn.length);
});

test('a task tells its warnings and history in Norwegian, with days and amounts written the Norwegian way', async () => {
  const admin = await firstAdmin();
  const company = await readyCompany(admin);
  const user = await approver(admin, [company]);
  const id = await newInvoice(company, { invoice_date: '2020-03-01', due_date: '2020-03-31' });
  const comment = 'Checked 1250.50 NOK against the order on 2020-03-15.';
  const commented = await user.client.call('POST', `/api/v1/tasks/${id}/comments`, { json: { text: comment } });
  assert.equal(commented.status, 200, commented.text);
  const en = await user.client.call('GET', `/api/v1/tasks/${id}`);
  const nb = await user.client.call('GET', `/api/v1/tasks/${id}`, { headers: NB });
  assert.equal(nb.status, 200, nb.text);
  assert.equal(nb.headers.get('content-language'), 'nb');
  const due = (t) => t.warnings.find((w) => w.kind === 'due_date_passed');
  assert.equal(due(en.body).message, 'The due date 31 Mar 2020 has passed.');
  assert.equal(due(nb.body).message, 'Forfallsdatoen 31.03.2020 er passert.');
  const opened = (t) => t.history.find((h) => h.kind === 'opened');
  assert.equal(opened(en.body).detail, 'Received from the Document Center; needs one approval.');
  assert.equal(opened(nb.body).detail, 'Mottatt fra Document Center; trenger én godkjenning.');
  // What people wrote is theirs: never translated or reformatted.
  assert.deepEqual(nb.body.comments.map((c) => c.text), [comment]);
  assert.equal(nb.body.invoice.amount.value, '1250.50', 'amounts as data keep the exact text');
  // The task list says the same.
  const row = (await user.client.call('GET', '/api/v1/tasks', { headers: NB })).body.items.find((t) => t.id === id);
  assert.equal(due(row).message, 'Forfallsdatoen 31.03.2020 er passert.');
});

test('the event log is told in the language asked for, amounts included', async () => {
  const admin = await firstAdmin();
  const company = await newCompany(admin);
  const set = await admin.call('PATCH', `/api/v1/companies/${company.id}/settings`, { json: { four_eyes_threshold_minor: 25_000_000, token_expiry_days: 21 } });
  assert.equal(set.status, 200, set.text);
  const find = async (headers) => (await admin.call('GET', '/api/v1/admin/events?kind=settings_changed&limit=200', { headers }))
    .body.items.find((e) => e.company_id === company.id);
  const en = await find({});
  const nb = await find(NB);
  assert.match(en.detail, /^Changed the settings of .+: /);
  assert.ok(en.detail.includes('Set the approval token expiry to 21 days.'), en.detail);
  assert.ok(en.detail.includes('Set the four-eyes threshold to 250,000.00\u00a0NOK.'), en.detail);
  assert.ok(nb.detail.startsWith(`Endret innstillingene til ${company.name}: `), nb.detail);
  assert.ok(nb.detail.includes('Satte gyldigheten for godkjenningstoken til 21 dager.'), nb.detail);
  assert.ok(nb.detail.includes('250\u00a0000,00\u00a0NOK'), nb.detail);
  const created = (await admin.call('GET', '/api/v1/admin/events?kind=company_created&limit=200', { headers: NB }))
    .body.items.find((e) => e.company_id === company.id);
  assert.equal(created.detail, `Opprettet selskapet ${company.name}.`);
});

test('the OpenAPI document stays as generated whatever language is asked for', async () => {
  const en = await call('GET', '/api/v1/openapi.json');
  const nb = await call('GET', '/api/v1/openapi.json', { headers: NB });
  assert.equal(nb.status, 200);
  assert.equal(nb.text, en.text);
});
