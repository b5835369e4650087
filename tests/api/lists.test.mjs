// Lists page and never stop silently: integration keys (revoked ones included) and the audit
// trail page with a cursor back to the first entry, with filters; a key's use never undoes its
// revocation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, assertProblem } from '../support/http.mjs';
import { firstAdmin, newCompany, integrationHeaders, unique } from '../support/org.mjs';

/** Every item of a paged admin list, following next_cursor; asserts each page's bound. */
async function everything(admin, path, limit) {
  const items = [];
  let cursor = null;
  for (let pages = 0; pages < 1000; pages++) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await admin.call('GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(res.status, 200, res.text);
    assert.ok(res.body.items.length <= limit, `a page holds at most ${limit}`);
    items.push(...res.body.items);
    cursor = res.body.next_cursor;
    if (!cursor) return items;
  }
  assert.fail('the list never ended');
}

async function createKey(admin, company, label) {
  const res = await admin.call('POST', `/api/v1/admin/companies/${company.id}/integration-keys`, { json: { label, scopes: ['erp:read'] } });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

test('the_last_of_520_integration_keys_is_listed_and_revocable', async () => {
  const admin = await firstAdmin();
  const company = await newCompany(admin);
  const created = [];
  for (let batch = 0; batch < 52; batch++) {
    const keys = await Promise.all(Array.from({ length: 10 }, (_, i) => createKey(admin, company, `bulk ${batch * 10 + i}`)));
    created.push(...keys);
  }
  const last = created.at(-1);

  // Every key is listed, once, newest first: nothing vanishes past any count.
  const all = await everything(admin, '/api/v1/admin/integration-keys', 200);
  const ids = all.map((k) => k.id);
  assert.equal(new Set(ids).size, ids.length, 'no key listed twice');
  for (const k of created) assert.ok(ids.includes(k.key.id), `key ${k.key.label} listed`);
  const times = all.map((k) => k.created_at);
  assert.deepEqual(times, [...times].sort().reverse(), 'newest first');

  // The live ones can be found and revoked; revoked ones stay listed under their status.
  const live = await everything(admin, '/api/v1/admin/integration-keys?status=live', 100);
  assert.ok(live.some((k) => k.id === last.key.id));
  assert.ok(live.every((k) => k.revoked_at === null));
  const revoked = await admin.call('DELETE', `/api/v1/admin/integration-keys/${last.key.id}`);
  assert.equal(revoked.status, 200, revoked.text);
  assertProblem(await call('GET', '/api/v1/integration/whoami', { headers: integrationHeaders(last.secret) }), 401);
  assert.ok(!(await everything(admin, '/api/v1/admin/integration-keys?status=live', 200)).some((k) => k.id === last.key.id));
  const gone = await everything(admin, '/api/v1/admin/integration-keys?status=revoked', 200);
  assert.ok(gone.some((k) => k.id === last.key.id && k.revoked_at));
});

test('a_key_used_during_its_revocation_stays_revoked', async () => {
  const admin = await firstAdmin();
  const company = await newCompany(admin);
  const whoami = (secret) => call('GET', '/api/v1/integration/whoami', { headers: integrationHeaders(secret) });
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  for (let round = 0; round < 60; round++) {
    // A fresh key, first used while its revocation is on its way: the first use (the one that
    // records a key's last use) starts at a different moment of the revocation each round.
    const { key, secret } = await createKey(admin, company, unique('race '));
    const revoke = admin.call('DELETE', `/api/v1/admin/integration-keys/${key.id}`);
    const start = (round * 7) % 40;
    const uses = Array.from({ length: 4 }, (_, i) => sleep(start + i).then(() => whoami(secret)));
    const [revoked, ...answers] = await Promise.all([revoke, ...uses]);
    assert.equal(revoked.status, 200, revoked.text);
    assert.ok(answers.every((a) => a.status === 200 || a.status === 401), answers.map((a) => a.status).join());
    assertProblem(await whoami(secret), 401);
  }
  const live = await everything(admin, '/api/v1/admin/integration-keys?status=live', 200);
  assert.ok(!live.some((k) => k.label.startsWith('race ')), 'no raced key is live again');
});

test('a_key_s_last_use_is_shown_without_rewriting_the_key', async () => {
  const admin = await firstAdmin();
  const company = await newCompany(admin);
  const { key, secret } = await createKey(admin, company, unique('used '));
  assert.equal((await call('GET', '/api/v1/integration/whoami', { headers: integrationHeaders(secret) })).status, 200);
  const page = (await admin.call('GET', '/api/v1/admin/integration-keys?status=live&limit=10')).body.items;
  const listed = page.find((k) => k.id === key.id);
  assert.ok(listed?.last_used_at, JSON.stringify(page));
});

test('bad_list_parameters_are_a_400_naming_the_parameter', async () => {
  const admin = await firstAdmin();
  for (const [path, field] of [
    ['/api/v1/admin/integration-keys?status=maybe', 'status'],
    ['/api/v1/admin/integration-keys?limit=0', 'limit'],
    ['/api/v1/admin/integration-keys?cursor=%3Cscript%3E', 'cursor'],
    ['/api/v1/admin/events?limit=ten', 'limit'],
    ['/api/v1/admin/events?from=yesterday', 'from'],
    ['/api/v1/admin/events?to=2026-13-01', 'to'],
    ['/api/v1/admin/events?from=2026-02-01&to=2026-01-01', 'to'],
    ['/api/v1/admin/events?cursor=' + 'a'.repeat(2000), 'cursor'],
  ]) {
    const res = await admin.call('GET', path);
    assertProblem(res, 400);
    assert.ok(res.body.errors.some((e) => e.field === field), `${path}: ${res.text}`);
  }
});

test('the_audit_trail_pages_back_to_the_first_event', async () => {
  const admin = await firstAdmin();
  await newCompany(admin);
  const all = await everything(admin, '/api/v1/admin/events', 50);
  const ids = all.map((e) => e.id);
  assert.equal(new Set(ids).size, ids.length, 'no event listed twice');
  const times = all.map((e) => e.at);
  assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
  assert.equal(all.at(-1).kind, 'first_admin_created', 'the very first event is reached');
});

test('the_audit_trail_filters_by_kind_actor_company_and_time', async () => {
  const admin = await firstAdmin();
  const company = await newCompany(admin);
  const me = (await admin.call('GET', '/api/v1/session')).body.user;

  const ofCompany = await everything(admin, `/api/v1/admin/events?company=${company.id}`, 20);
  assert.ok(ofCompany.length > 0 && ofCompany.every((e) => e.company_id === company.id), JSON.stringify(ofCompany));
  assert.ok(ofCompany.some((e) => e.kind === 'company_created'));

  const byKind = await everything(admin, '/api/v1/admin/events?kind=company_', 50);
  assert.ok(byKind.length > 0 && byKind.every((e) => e.kind.startsWith('company_')));

  const byActor = await everything(admin, `/api/v1/admin/events?actor=${encodeURIComponent(me.email.toUpperCase())}&company=${company.id}`, 50);
  assert.ok(byActor.length > 0 && byActor.every((e) => e.actor === me.email));
  assert.deepEqual(await everything(admin, `/api/v1/admin/events?actor=nobody%40example.com&company=${company.id}`, 50), []);

  const created = ofCompany.find((e) => e.kind === 'company_created');
  const at = created.at.replace(/\.\d+Z$/, 'Z');
  const day = at.slice(0, 10);
  const inRange = await everything(admin, `/api/v1/admin/events?company=${company.id}&from=${at}&to=${at}`, 50);
  assert.ok(inRange.some((e) => e.id === created.id), 'both ends are included');
  assert.ok((await everything(admin, `/api/v1/admin/events?company=${company.id}&from=${day}&to=${day}`, 50)).some((e) => e.id === created.id));
  assert.deepEqual(await everything(admin, '/api/v1/admin/events?to=2000-01-01', 50), [], 'nothing before the organisation existed');
  assert.deepEqual(await everything(admin, '/api/v1/admin/events?from=2999-01-01', 50), []);
});
