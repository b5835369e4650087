// Failed sign-ins are rate limited per e-mail address and per client address, and a flood of
// them cannot push the audit trail away. An instance of its own: the flood closes the address's
// budget for fifteen minutes, which must not touch the other tests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnApp } from '../support/app.mjs';
import { ADMIN } from '../support/org.mjs';

let app;
before(async () => { app = await spawnApp(); });
after(async () => { await app?.stop(); });

async function post(path, json, cookie) {
  const headers = { 'content-type': 'application/json' };
  if (cookie) headers.cookie = cookie;
  const r = await fetch(`${app.baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(json) });
  const text = await r.text();
  return { status: r.status, headers: r.headers, text, body: text ? JSON.parse(text) : undefined };
}

const wrong = (email) => post('/api/v1/session', { email, password: 'not the password at all' });

test('failed_sign_ins_for_one_address_are_limited_with_retry_after_and_then_a_flood_leaves_one_event', async () => {
  // The first System Administrator, signed in before the flood.
  assert.equal((await post('/api/v1/setup/first-admin', ADMIN)).status, 201);
  const signedIn = await post('/api/v1/session', { email: ADMIN.email, password: ADMIN.password });
  assert.equal(signedIn.status, 200, signedIn.text);
  const cookie = signedIn.headers.get('set-cookie').split(';')[0];

  // One e-mail address: ten failures, then 429 with Retry-After, without trying the password.
  const target = 'someone@example.com';
  for (let i = 0; i < 10; i++) assert.equal((await wrong(target)).status, 401);
  const limited = await wrong(target);
  assert.equal(limited.status, 429, limited.text);
  assert.match(limited.headers.get('content-type'), /application\/problem\+json/);
  const retry = Number(limited.headers.get('retry-after'));
  assert.ok(retry > 0 && retry <= 900, `Retry-After ${retry}`);
  assert.match(limited.body.detail, /Too many failed sign-ins/);

  // A flood over many addresses: at most the address budget is recorded, then one event.
  const results = [];
  for (let batch = 0; batch < 15; batch++) {
    results.push(...await Promise.all(Array.from({ length: 10 }, (_, i) => wrong(`flood-${batch}-${i}@example.com`))));
  }
  const statuses = results.map((r) => r.status);
  assert.ok(statuses.includes(429), 'the address budget closes');
  assert.ok(statuses.filter((s) => s === 401).length <= 100, 'never more than the budget is tried');

  // Every event of a kind, paging with the cursor.
  const eventsOf = async (kind) => {
    const all = [];
    let cursor = '';
    for (;;) {
      const r = await fetch(`${app.baseUrl}/api/v1/admin/events?kind=${kind}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: { cookie } });
      assert.equal(r.status, 200);
      const page = await r.json();
      all.push(...page.items);
      if (!page.next_cursor) return all;
      cursor = page.next_cursor;
    }
  };
  const failed = (await eventsOf('sign_in_failed')).length;
  const limits = await eventsOf('sign_in_rate_limited');
  assert.ok(failed <= 100, `${failed} sign_in_failed events`);
  assert.equal(limits.length, 2, JSON.stringify(limits)); // the e-mail address, then the client address
  assert.ok(limits.some((e) => /e-mail address someone@example.com/.test(e.detail)), JSON.stringify(limits));
  assert.equal((await eventsOf('sign_in_succeeded')).length, 1, 'the older events are still there');
});
