// Accounts and sessions: first run, sign-in and lockout, the session cookie, sign-out,
// deactivation, CSRF, the one-time password, and two-step verification with oathtool codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, assertProblem } from '../support/http.mjs';
import {
  ADMIN, allPages, client, cookieOf, firstAdmin, signIn, newUser, totpCode, activateTwoStep, unique, STRANGER_SECRET,
} from '../support/org.mjs';

const NOT_CORRECT = 'The e-mail, password or code is not correct.';

test('first run: the organisation is set up exactly once (the race runs in firstAdmin), later set-ups get 409', async () => {
  const admin = await firstAdmin();
  const after = await call('GET', '/api/v1/session');
  assert.equal(after.body.first_run, false);
  const again = await call('POST', '/api/v1/setup/first-admin', { json: { name: 'Mallory', email: 'mallory@example.com', password: 'long enough password' } });
  assertProblem(again, 409);
  const events = await admin.call('GET', '/api/v1/admin/events?kind=first_admin');
  assert.equal(events.body.items.length, 1, events.text);
  assert.equal(events.body.items[0].actor, ADMIN.email);
  assertProblem(await call('POST', '/api/v1/session', { json: { email: 'mallory@example.com', password: 'long enough password' } }), 401);
});

test('the session cookie is HttpOnly, Secure, SameSite=Strict, Path=/ and rotates at sign-in', async () => {
  await firstAdmin();
  const c = client();
  await signIn(c, ADMIN);
  const set = c.lastSetCookie;
  assert.match(set, /^ap_session=[A-Za-z0-9_-]+\.[a-z2-7]{26,};/);
  for (const attr of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/']) assert.ok(set.includes(attr), `${attr} in ${set}`);
  const first = c.cookie;
  await signIn(c, ADMIN);
  assert.notEqual(c.cookie, first, 'a new session at each sign-in');
  const old = await call('GET', '/api/v1/session', { headers: { cookie: first } });
  assert.equal(old.body.user, null, 'the previous session of this browser ended');
  const now = await c.call('GET', '/api/v1/session');
  assert.equal(now.body.user.email, ADMIN.email);
  assert.equal(now.headers.get('cache-control'), 'no-store');
});

test('sign-out ends the session on the server, not just in the browser', async () => {
  await firstAdmin();
  const c = client();
  await signIn(c, ADMIN);
  const stolen = c.cookie;
  const out = await c.call('DELETE', '/api/v1/session');
  assert.equal(out.status, 204);
  assert.match(out.headers.get('set-cookie'), /Max-Age=0/);
  assertProblem(await call('GET', '/api/v1/admin/users', { headers: { cookie: stolen } }), 401);
  const state = await call('GET', '/api/v1/session', { headers: { cookie: stolen } });
  assert.equal(state.body.user, null);
});

test('a wrong password, an unknown e-mail and a malformed e-mail get the same 401 and write events', async () => {
  const admin = await firstAdmin();
  const user = await newUser(admin);
  const wrong = await call('POST', '/api/v1/session', { json: { email: user.email, password: 'not the password at all' } });
  const unknown = await call('POST', '/api/v1/session', { json: { email: `${unique('nobody')}@example.com`, password: 'not the password at all' } });
  const malformed = await call('POST', '/api/v1/session', { json: { email: 'not-an-email', password: 'short' } });
  for (const res of [wrong, unknown, malformed]) {
    assertProblem(res, 401);
    assert.equal(res.body.detail, NOT_CORRECT);
  }
  const events = (await admin.call('GET', `/api/v1/admin/events?kind=sign_in&actor=${encodeURIComponent(user.email)}`)).body.items;
  assert.ok(events.every((e) => e.kind.startsWith('sign_in')));
  assert.ok(events.some((e) => e.kind === 'sign_in_failed' && e.actor === user.email));
  assert.ok(events.some((e) => e.kind === 'sign_in_succeeded' && e.actor === user.email));
});

test('five failed sign-ins lock with 423 saying until when; an administrator unlocks', async () => {
  const admin = await firstAdmin();
  const user = await newUser(admin);
  for (let i = 0; i < 4; i++) {
    assertProblem(await call('POST', '/api/v1/session', { json: { email: user.email, password: 'wrong password number ' + i } }), 401);
  }
  const fifth = await call('POST', '/api/v1/session', { json: { email: user.email, password: 'wrong password number 5' } });
  assertProblem(fifth, 423);
  // The sentence says until when in words (UTC); the instant itself travels as locked_until.
  assert.match(fifth.body.detail, /until \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC\./);
  const until = [null, fifth.body.locked_until];
  assert.match(until[1], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const minutes = (Date.parse(until[1]) - Date.now()) / 60000;
  assert.ok(minutes > 14 && minutes <= 15.1, `locked for ${minutes} minutes`);
  // Even the right password is refused while locked.
  assertProblem(await call('POST', '/api/v1/session', { json: { email: user.email, password: user.password } }), 423);
  const listed = (await admin.call('GET', `/api/v1/admin/users/${user.id}`)).body;
  assert.equal(listed.locked_until, until[1]);
  const events = (await admin.call('GET', '/api/v1/admin/events?kind=sign_in_locked')).body.items;
  assert.ok(events.some((e) => e.actor === user.email));

  const unlocked = await admin.call('POST', `/api/v1/admin/users/${user.id}/unlock`);
  assert.equal(unlocked.status, 200, unlocked.text);
  assert.equal(unlocked.body.locked_until, null);
  await signIn(client(), { email: user.email, password: user.password });
});

test('a user with a one-time password must choose a new one before anything else', async () => {
  const admin = await firstAdmin();
  const email = `${unique('fresh')}@example.com`;
  const created = await admin.call('POST', '/api/v1/admin/users', { json: { name: 'Fresh User', email } });
  assert.equal(created.status, 201, created.text);
  assert.ok(created.body.initial_password.length >= 12);
  assert.equal(created.body.user.must_change_password, true);
  const c = client();
  const state = await signIn(c, { email, password: created.body.initial_password });
  assert.equal(state.user.must_change_password, true);
  const blocked = await c.call('POST', '/api/v1/me/two-step/enrolment');
  assertProblem(blocked, 403);
  assert.equal(blocked.body.detail, 'Choose a new password first.');
  const tooShort = await c.call('POST', '/api/v1/me/password', { json: { current_password: created.body.initial_password, new_password: 'short' } });
  assertProblem(tooShort, 400);
  assert.equal(tooShort.body.errors[0].field, 'new_password');
  const changed = await c.call('POST', '/api/v1/me/password', { json: { current_password: created.body.initial_password, new_password: 'my own long password' } });
  assert.equal(changed.status, 204, changed.text);
  const after = await c.call('GET', '/api/v1/session');
  assert.equal(after.body.user.must_change_password, false);
  assertProblem(await call('POST', '/api/v1/session', { json: { email, password: created.body.initial_password } }), 401);
});

test('deactivating a user ends their sessions at once and stops sign-in; reactivation gives a new one-time password', async () => {
  const admin = await firstAdmin();
  const user = await newUser(admin);
  assert.equal((await user.client.call('GET', '/api/v1/session')).body.user.id, user.id);
  const off = await admin.call('POST', `/api/v1/admin/users/${user.id}/deactivate`);
  assert.equal(off.status, 200, off.text);
  assert.equal(off.body.active, false);
  assert.equal((await user.client.call('GET', '/api/v1/session')).body.user, null);
  assertProblem(await user.client.call('POST', '/api/v1/me/two-step/enrolment'), 401);
  const refused = await call('POST', '/api/v1/session', { json: { email: user.email, password: user.password } });
  assertProblem(refused, 401);
  assert.equal(refused.body.detail, NOT_CORRECT);

  const on = await admin.call('POST', `/api/v1/admin/users/${user.id}/reactivate`);
  assert.equal(on.status, 200, on.text);
  assert.equal(on.body.user.active, true);
  assert.equal(on.body.user.must_change_password, true);
  assertProblem(await call('POST', '/api/v1/session', { json: { email: user.email, password: user.password } }), 401);
  await signIn(client(), { email: user.email, password: on.body.initial_password });
});

test('state-changing requests from another site are refused (Origin, Sec-Fetch-Site)', async () => {
  const admin = await firstAdmin();
  const before = (await allPages(admin, '/api/v1/admin/companies')).length;
  const company = { name: 'Forged AS', org_number: '1', country: 'NO', base_currency: 'NOK' };
  const foreign = await admin.call('POST', '/api/v1/admin/companies', { json: company, headers: { origin: 'https://evil.example' } });
  assertProblem(foreign, 403);
  const crossSite = await admin.call('POST', '/api/v1/admin/companies', { json: company, headers: { 'sec-fetch-site': 'cross-site' } });
  assertProblem(crossSite, 403);
  const signOut = await admin.call('DELETE', '/api/v1/session', { headers: { 'sec-fetch-site': 'same-site' } });
  assertProblem(signOut, 403);
  assertProblem(await call('POST', '/api/v1/session', { json: ADMIN, headers: { origin: 'https://evil.example' } }), 403);
  assert.equal((await allPages(admin, '/api/v1/admin/companies')).length, before, 'the session survived; nothing was created');
  // The same request from the page itself passes.
  const sameOrigin = await admin.call('POST', '/api/v1/admin/companies', {
    json: company,
    headers: { origin: new URL(process.env.BASE_URL).origin, 'sec-fetch-site': 'same-origin' },
  });
  assert.equal(sameOrigin.status, 201, sameOrigin.text);
});

test('two-step: enrol, activate with an oathtool code, then sign-in needs a fresh code', async () => {
  const admin = await firstAdmin();
  const user = await newUser(admin);
  const { secret, enrolment } = await activateTwoStep(user.client);
  assert.match(enrolment.otpauth_uri, /^otpauth:\/\/totp\/Approve%20%26%20Pay:/);
  assert.match(enrolment.otpauth_uri, new RegExp(`secret=${secret}&issuer=Approve%20%26%20Pay&algorithm=SHA1&digits=6&period=30`));
  assert.match(enrolment.qr_svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal(secret.length, 32, '160 bits in base32');
  // The seed is never shown again.
  const me = await user.client.call('GET', '/api/v1/session');
  assert.equal(me.body.user.two_step_active, true);
  assert.ok(!me.text.includes(secret));
  assert.ok(!JSON.stringify(await allPages(admin, '/api/v1/admin/users')).includes(secret));
  assert.ok(!(await admin.call('GET', `/api/v1/admin/users/${user.id}`)).text.includes(secret));

  const noCode = await call('POST', '/api/v1/session', { json: { email: user.email, password: user.password } });
  assertProblem(noCode, 401);
  assert.equal(noCode.body.detail, NOT_CORRECT);
  const strangerCode = totpCode(STRANGER_SECRET, 1);
  const wrongSecret = await call('POST', '/api/v1/session', { json: { email: user.email, password: user.password, code: strangerCode } });
  assertProblem(wrongSecret, 401);
  assert.equal(wrongSecret.body.detail, NOT_CORRECT);
  const wrongPassword = await call('POST', '/api/v1/session', { json: { email: user.email, password: 'the wrong password', code: totpCode(secret, 1) } });
  assertProblem(wrongPassword, 401);
  assert.equal(wrongPassword.body.detail, NOT_CORRECT);

  // The activation used the current step, so the next step's code is the fresh one.
  const fresh = totpCode(secret, 1);
  const c = client();
  await signIn(c, { email: user.email, password: user.password, code: fresh });
  const replay = await call('POST', '/api/v1/session', { json: { email: user.email, password: user.password, code: fresh } });
  assertProblem(replay, 401);
  assert.equal(replay.body.detail, NOT_CORRECT);
});

test('two concurrent sign-ins with the same code: exactly one succeeds', async () => {
  const admin = await firstAdmin();
  const user = await newUser(admin);
  const { secret } = await activateTwoStep(user.client);
  const code = totpCode(secret, 1);
  const body = { json: { email: user.email, password: user.password, code } };
  const results = await Promise.all([call('POST', '/api/v1/session', body), call('POST', '/api/v1/session', body), call('POST', '/api/v1/session', body)]);
  assert.deepEqual(results.map((r) => r.status).sort(), [200, 401, 401], results.map((r) => r.text).join('\n'));
});

test('deactivating two-step verification needs a valid code; an administrator reset makes the user enrol again', async () => {
  const admin = await firstAdmin();
  const user = await newUser(admin);
  const { secret } = await activateTwoStep(user.client);
  const wrong = await user.client.call('POST', '/api/v1/me/two-step/deactivate', { json: { code: totpCode(STRANGER_SECRET) } });
  assertProblem(wrong, 400);
  assert.equal(wrong.body.errors[0].field, 'code');
  const malformed = await user.client.call('POST', '/api/v1/me/two-step/deactivate', { json: { code: 'abc' } });
  assertProblem(malformed, 400);
  const off = await user.client.call('POST', '/api/v1/me/two-step/deactivate', { json: { code: totpCode(secret, 1) } });
  assert.equal(off.status, 200, off.text);
  assert.equal(off.body.two_step_active, false);

  const again = await activateTwoStep(user.client);
  const reset = await admin.call('POST', `/api/v1/admin/users/${user.id}/reset-two-step`);
  assert.equal(reset.status, 200, reset.text);
  assert.equal(reset.body.two_step_active, false);
  // The reset ended the user's sessions. Without two-step verification the password alone
  // signs in, and the old code does nothing.
  assertProblem(await user.client.call('POST', '/api/v1/me/two-step/activate', { json: { code: totpCode(again.secret, 1) } }), 401);
  const fresh = client();
  await signIn(fresh, { email: user.email, password: user.password });
  assertProblem(await fresh.call('POST', '/api/v1/me/two-step/activate', { json: { code: totpCode(again.secret, 1) } }), 409);
});

test('without a session every /me call is 401 "Please sign in."', async () => {
  for (const [method, path] of [
    ['POST', '/api/v1/me/password'],
    ['POST', '/api/v1/me/two-step/enrolment'],
    ['POST', '/api/v1/me/two-step/activate'],
    ['POST', '/api/v1/me/two-step/deactivate'],
  ]) {
    const res = await call(method, path, { json: { code: '123456', current_password: 'x', new_password: 'y' } });
    assertProblem(res, 401);
    assert.equal(res.body.detail, 'Please sign in.');
  }
  const forged = await call('GET', '/api/v1/session', { headers: { cookie: cookieOf('ap_session=someone.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa') } });
  assert.equal(forged.body.user, null);
});
