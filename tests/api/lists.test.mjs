// Lists page and never stop silently: integration keys (revoked ones included) and the audit
// trail page with a cursor back to the first entry, with filters; a key's use never undoes its
// revocation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, assertProblem } from '../support/http.mjs';
import { allPages as everything, firstAdmin, newCompany, integrationHeaders, unique } from '../support/org.mjs';

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

test('the_last_of_520_users_and_the_last_of_many_companies_are_listed_once_in_order', async () => {
  const admin = await firstAdmin();
  const tag = unique('page');
  // More users than one page of the largest size (and than the old cap of 500 with the rest).
  const created = [];
  const create = async (name) => {
    const res = await admin.call('POST', '/api/v1/admin/users', { json: { name, email: `${unique('list')}@example.com` } });
    assert.equal(res.status, 201, res.text);
    return res.body.user;
  };
  for (let batch = 0; batch < 26; batch++) {
    created.push(...await Promise.all(Array.from({ length: 20 }, (_, i) => create(`${tag} ${batch * 20 + i}`))));
  }
  const users = await everything(admin, '/api/v1/admin/users', 200);
  const ids = users.map((u) => u.id);
  assert.equal(new Set(ids).size, ids.length, 'no user listed twice');
  for (const u of created) assert.ok(ids.includes(u.id), `${u.email} listed`);
  const emails = users.map((u) => u.email);
  assert.deepEqual(emails, [...emails].sort(), 'by e-mail address');
  // Small pages give the same list.
  assert.deepEqual((await everything(admin, '/api/v1/admin/users', 37)).map((u) => u.id), ids);
  // One user by id; an unknown id is 404.
  const one = await admin.call('GET', `/api/v1/admin/users/${created.at(-1).id}`);
  assert.equal(one.status, 200, one.text);
  assert.equal(one.body.email, created.at(-1).email);
  assertProblem(await admin.call('GET', '/api/v1/admin/users/no-such-user'), 404);

  // Companies page by name (case aside), every one once, however their names repeat.
  const made = [];
  for (const name of ['zeta', 'Alpha', 'alpha', 'Mu']) made.push(await newCompany(admin, { name: `${tag} ${name}` }));
  const companies = await everything(admin, '/api/v1/admin/companies', 3);
  const companyIds = companies.map((c) => c.id);
  assert.equal(new Set(companyIds).size, companyIds.length, 'no company listed twice');
  for (const c of made) assert.ok(companyIds.includes(c.id), `${c.name} listed`);
  const names = companies.map((c) => c.name.toLowerCase());
  assert.deepEqual(names, [...names].sort(), 'by name');

  // The readiness table pages by user (by e-mail address), a row per company for each.
  const usersOf = (rows) => [...new Set(rows.map((r) => r.user_id))];
  const first = await admin.call('GET', '/api/v1/admin/readiness?limit=2');
  assert.equal(first.status, 200, first.text);
  assert.ok(first.body.next_cursor, 'more users follow');
  const second = await admin.call('GET', `/api/v1/admin/readiness?limit=2&cursor=${encodeURIComponent(first.body.next_cursor)}`);
  assert.equal(second.status, 200, second.text);
  const [a, b] = [usersOf(first.body.items), usersOf(second.body.items)];
  // (Deactivated users have no row, so a page may name fewer users than its limit.)
  assert.ok(a.length <= 2 && b.length <= 2 && a.length + b.length > 0);
  assert.ok(!b.some((id) => a.includes(id)), 'the next page starts after the last user');
  assert.deepEqual(a.concat(b), ids.filter((id) => a.includes(id) || b.includes(id)), 'in the order of the user list');
  const rows = first.body.items.concat(second.body.items);
  const perUser = rows.filter((r) => r.user_id === a.concat(b)[0]).map((r) => r.company_id);
  assert.ok(made.every((c) => perUser.includes(c.id)), 'a row for every company');

  // One user's rows; an id that names nobody is a 404, never an empty table.
  const mine = await admin.call('GET', `/api/v1/admin/readiness?user=${created[0].id}`);
  assert.equal(mine.status, 200, mine.text);
  assert.ok(!mine.body.next_cursor);
  assert.ok(mine.body.items.length > 0 && mine.body.items.every((r) => r.user_id === created[0].id));
  assertProblem(await admin.call('GET', '/api/v1/admin/readiness?user=no-such-user'), 404);
  assertProblem(await admin.call('GET', '/api/v1/admin/readiness?user=%3Cscript%3E'), 404);
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
    ['/api/v1/admin/users?limit=-1', 'limit'],
    ['/api/v1/admin/users?cursor=k.zz', 'cursor'],
    ['/api/v1/admin/users?cursor=abc', 'cursor'],
    ['/api/v1/admin/companies?cursor=k.f', 'cursor'],
    ['/api/v1/admin/readiness?limit=many', 'limit'],
    ['/api/v1/admin/readiness?user=a&user=b', 'user'],
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
