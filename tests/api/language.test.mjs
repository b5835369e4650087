// Languages: a user's choice on My details (PUT /api/v1/me/language), and problem+json answers
// told in the language the request asks for (Accept-Language; the SPA sends the user's choice).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, assertProblem } from '../support/http.mjs';
import { firstAdmin, newUser } from '../support/org.mjs';

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
