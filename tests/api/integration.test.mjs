// Integration keys: shown once, stored only as a hash, scoped, revocable, last use recorded;
// the X-Client-Version check answers 426 naming the minimum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, assertProblem } from '../support/http.mjs';
import { firstAdmin, newCompany, integrationHeaders } from '../support/org.mjs';

test('an integration key works once created, is listed without its secret, and is refused once revoked', async () => {
  const admin = await firstAdmin();
  const company = await newCompany(admin);
  const created = await admin.call('POST', `/api/v1/admin/companies/${company.id}/integration-keys`, {
    json: { label: 'Document Center', scopes: ['documents:write', 'erp:read', 'documents:write'] },
  });
  assert.equal(created.status, 201, created.text);
  const { secret, key } = created.body;
  assert.match(secret, /^ap_live_[a-z2-7]{52}$/);
  assert.deepEqual(key.scopes, ['documents:write', 'erp:read']);
  assert.equal(key.last_used_at, null);
  assert.ok(secret.startsWith(key.prefix));

  const who = await call('GET', '/api/v1/integration/whoami', { headers: integrationHeaders(secret) });
  assert.equal(who.status, 200, who.text);
  assert.deepEqual(who.body, { key_id: key.id, company_id: company.id, scopes: ['documents:write', 'erp:read'] });

  const listing = await admin.call('GET', '/api/v1/admin/integration-keys');
  assert.ok(!listing.text.includes(secret.slice(key.prefix.length)), 'the secret is never listed');
  const listed = listing.body.items.find((k) => k.id === key.id);
  assert.ok(listed.last_used_at, 'last use recorded');

  const revoked = await admin.call('DELETE', `/api/v1/admin/integration-keys/${key.id}`);
  assert.equal(revoked.status, 200, revoked.text);
  assert.ok(revoked.body.revoked_at);
  assertProblem(await call('GET', '/api/v1/integration/whoami', { headers: integrationHeaders(secret) }), 401);
  assertProblem(await admin.call('DELETE', '/api/v1/admin/integration-keys/nosuchkey'), 404);
  const events = (await admin.call('GET', `/api/v1/admin/events?kind=integration_key_revoked&company=${company.id}`)).body.items;
  assert.ok(events.some((e) => e.kind === 'integration_key_revoked' && e.company_id === company.id));
});

test('integration calls need a valid key and X-Client-Version 14.00 or newer', async () => {
  const admin = await firstAdmin();
  const company = await newCompany(admin);
  const { secret } = (await admin.call('POST', `/api/v1/admin/companies/${company.id}/integration-keys`, { json: { label: 'ERP', scopes: ['erp:read'] } })).body;
  assertProblem(await call('GET', '/api/v1/integration/whoami'), 401);
  assertProblem(await call('GET', '/api/v1/integration/whoami', { headers: integrationHeaders('ap_live_' + 'a'.repeat(52)) }), 401);
  assertProblem(await call('GET', '/api/v1/integration/whoami', { headers: { authorization: 'Basic abc' } }), 401);
  for (const version of ['13.99', '9.0', 'banana', null]) {
    const old = await call('GET', '/api/v1/integration/whoami', { headers: integrationHeaders(secret, version) });
    assertProblem(old, 426);
    assert.match(old.body.detail, /14\.00/);
  }
  for (const version of ['14.00', '14.01.0123', '15']) {
    assert.equal((await call('GET', '/api/v1/integration/whoami', { headers: integrationHeaders(secret, version) })).status, 200, version);
  }
  const badScope = await admin.call('POST', `/api/v1/admin/companies/${company.id}/integration-keys`, { json: { label: 'X', scopes: ['root'] } });
  assertProblem(badScope, 400);
  const noScope = await admin.call('POST', `/api/v1/admin/companies/${company.id}/integration-keys`, { json: { label: 'X', scopes: [] } });
  assertProblem(noScope, 400);
  assertProblem(await admin.call('POST', '/api/v1/admin/companies/no-such-company/integration-keys', { json: { label: 'X', scopes: ['erp:read'] } }), 404);
});
