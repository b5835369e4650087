import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, assertProblem } from '../support/http.mjs';

test('health really uses KV and the ledger Durable Object', async () => {
  const first = await call('GET', '/api/v1/health');
  assert.equal(first.status, 200, first.text);
  assert.equal(first.body.status, 'ok');
  assert.match(first.body.version, /^\d+\.\d+\.\d+/);
  const byName = Object.fromEntries(first.body.checks.map((c) => [c.name, c]));
  assert.equal(byName.kv.ok, true, byName.kv.detail);
  assert.equal(byName.durable_object.ok, true, byName.durable_object.detail);

  // The Durable Object keeps state in SQLite: each probe is counted, so a second call sees more.
  const count = (res) => Number(res.body.checks.find((c) => c.name === 'durable_object').detail.match(/#(\d+)/)[1]);
  const second = await call('GET', '/api/v1/health');
  assert.equal(count(second), count(first) + 1);
  assert.equal(second.headers.get('cache-control'), 'no-store');
});

test('an unknown API path is a problem+json 404', async () => {
  assertProblem(await call('GET', '/api/v1/no-such-thing'), 404);
});

test('a wrong method on health is a problem+json 405', async () => {
  assertProblem(await call('DELETE', '/api/v1/health'), 405);
});
