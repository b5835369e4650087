// A user's record changes atomically in their guard: a password change held back while an
// administrator removes roles or resets two-step verification never writes the old record back.
// A wrong current password counts toward the lockout. Reactivation and a two-step reset end the
// user's sessions. A System Administrator's sensitive changes need a fresh code (step-up).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, call, assertProblem } from '../support/http.mjs';
import {
  activateTwoStep, client, firstAdmin, newCompany, newUser, signIn, stepUp, totpCode, unique, STRANGER_SECRET,
} from '../support/org.mjs';

const RACES = 50;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let admin;
let company;
before(async () => {
  admin = await firstAdmin();
  company = await newCompany(admin);
});

/** `POST /api/v1/me/password` whose body is held back until `release()`: the handler has read
 * the session (and, before the fix, the whole user record) and waits for the body. */
function heldPasswordChange(c, body) {
  let release;
  const gate = new Promise((r) => { release = r; });
  const bytes = new TextEncoder().encode(JSON.stringify(body));
  const stream = new ReadableStream({
    async start(controller) {
      controller.enqueue(bytes.slice(0, 1));
      await gate;
      controller.enqueue(bytes.slice(1));
      controller.close();
    },
  });
  const response = fetch(`${BASE_URL}/api/v1/me/password`, {
    method: 'POST',
    headers: { cookie: c.cookie, 'content-type': 'application/json' },
    body: stream,
    duplex: 'half',
  }).then(async (r) => ({ status: r.status, text: await r.text() }));
  return { release, response };
}

/** Races a password change of `user` against `adminChange`: even rounds hold the password
 * change's body back until the administrator's change is done (the reported attack), odd rounds
 * start both at once. Answers the password change's answer. */
async function race(round, user, c, adminChange) {
  const next = `a new password ${unique()}`;
  const body = { current_password: user.password, new_password: next };
  let changed;
  let decided;
  if (round % 2 === 0) {
    const held = heldPasswordChange(c, body);
    await sleep(150);
    decided = await adminChange();
    held.release();
    changed = await held.response;
  } else {
    [changed, decided] = await Promise.all([
      c.call('POST', '/api/v1/me/password', { json: body }),
      adminChange(),
    ]);
  }
  assert.equal(decided.status, 200, decided.text);
  assert.ok([204, 401].includes(changed.status), `password change: ${changed.status} ${changed.text}`);
  if (changed.status === 204) user.password = next;
  return changed;
}

test('a_held_password_change_never_restores_removed_roles', async () => {
  const granted = { [company.id]: ['invoice_approver', 'autopay_approver'] };
  const user = await newUser(admin, { roles: granted });
  const roles = (json) => () => admin.call('PUT', `/api/v1/admin/users/${user.id}/roles`, { json });
  for (let round = 0; round < RACES; round++) {
    assert.equal((await roles({ is_system_admin: false, roles: granted })()).status, 200);
    const changed = await race(round, user, user.client, roles({ is_system_admin: false, roles: {} }));
    assert.equal(changed.status, 204, changed.text);
    const me = await user.client.call('GET', '/api/v1/session');
    assert.deepEqual(me.body.user.companies, [], `round ${round}: the removed roles came back`);
  }
  const listed = (await admin.call('GET', `/api/v1/admin/users/${user.id}`)).body;
  assert.deepEqual(listed.roles, {});
  // The last password set is the one that signs in.
  await signIn(client(), { email: user.email, password: user.password });
});

test('a_held_password_change_never_restores_a_reset_authenticator', async () => {
  const user = await newUser(admin);
  const reset = () => admin.call('POST', `/api/v1/admin/users/${user.id}/reset-two-step`);
  for (let round = 0; round < RACES; round++) {
    const c = client();
    await signIn(c, { email: user.email, password: user.password });
    const { secret } = await activateTwoStep(c);
    await race(round, user, c, reset);
    // The administrator's reset holds: the password alone signs in, the old authenticator's
    // code is not asked for, and two-step verification is not active.
    const after = client();
    const state = await signIn(after, { email: user.email, password: user.password });
    assert.equal(state.user.two_step_active, false, `round ${round}: the old authenticator came back`);
    assertProblem(await after.call('POST', '/api/v1/me/two-step/activate', { json: { code: totpCode(secret) } }), 409);
  }
  const listed = (await admin.call('GET', `/api/v1/admin/users/${user.id}`)).body;
  assert.equal(listed.two_step_active, false);
});

test('a_wrong_current_password_counts_toward_the_lockout', async () => {
  const user = await newUser(admin);
  const answers = [];
  for (let i = 0; i < 20; i++) {
    answers.push(await user.client.call('POST', '/api/v1/me/password', {
      json: { current_password: `wrong guess number ${i}`, new_password: 'a brand new long password' },
    }));
  }
  for (const wrong of answers.slice(0, 4)) {
    assertProblem(wrong, 400);
    assert.equal(wrong.body.errors[0].field, 'current_password');
  }
  for (const locked of answers.slice(4)) {
    assertProblem(locked, 423);
    assert.match(locked.body.detail, /locked after 5 failed attempts until \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC\./);
  }
  // The lock says nothing about which factor: the same sentence as a locked sign-in.
  const right = await user.client.call('POST', '/api/v1/me/password', {
    json: { current_password: user.password, new_password: 'a brand new long password' },
  });
  assertProblem(right, 423);
  const signInLocked = await call('POST', '/api/v1/session', { json: { email: user.email, password: user.password } });
  assertProblem(signInLocked, 423);
  assert.equal(signInLocked.body.detail, right.body.detail);

  const events = await admin.call('GET', '/api/v1/admin/events?kind=password_change');
  const mine = events.body.items.filter((e) => e.actor === user.email);
  assert.equal(mine.filter((e) => e.kind === 'password_change_failed').length, 4, events.text);
  assert.ok(mine.some((e) => e.kind === 'password_change_locked'), events.text);

  // A System Administrator's unlock lets the right password through again.
  assert.equal((await admin.call('POST', `/api/v1/admin/users/${user.id}/unlock`)).status, 200);
  const changed = await user.client.call('POST', '/api/v1/me/password', {
    json: { current_password: user.password, new_password: 'a brand new long password' },
  });
  assert.equal(changed.status, 204, changed.text);
});

test('reactivation_ends_the_users_sessions', async () => {
  const user = await newUser(admin);
  assert.equal((await user.client.call('GET', '/api/v1/session')).body.user.id, user.id);
  const on = await admin.call('POST', `/api/v1/admin/users/${user.id}/reactivate`);
  assert.equal(on.status, 200, on.text);
  assert.equal((await user.client.call('GET', '/api/v1/session')).body.user, null);
  assertProblem(await user.client.call('POST', '/api/v1/me/two-step/enrolment'), 401);
  const events = await admin.call('GET', '/api/v1/admin/events?kind=user_reactivated');
  assert.match(events.body.items.find((e) => e.detail.includes(user.email)).detail, /sessions ended/);
});

test('a_two_step_reset_ends_the_users_sessions', async () => {
  const user = await newUser(admin);
  const { secret } = await activateTwoStep(user.client);
  const other = client();
  await signIn(other, { email: user.email, password: user.password, code: totpCode(secret, 1) });
  const reset = await admin.call('POST', `/api/v1/admin/users/${user.id}/reset-two-step`);
  assert.equal(reset.status, 200, reset.text);
  assert.equal(reset.body.two_step_active, false);
  assert.equal((await user.client.call('GET', '/api/v1/session')).body.user, null);
  assert.equal((await other.call('GET', '/api/v1/session')).body.user, null);
});

const ROLES_NEED_TWO_STEP = 'This change needs a fresh code from your authenticator app, and you have not activated two-step verification. Activate it on My details first.';
const ROLES_NEED_A_CODE = 'This change needs a fresh code from your authenticator app. Confirm with your code first (POST /api/v1/me/step-up); a confirmation lasts 5 minutes.';

test('a_role_change_without_a_fresh_code_is_refused_and_with_one_is_made', async () => {
  const sysadmin = await newUser(admin, { isSystemAdmin: true });
  const target = await newUser(admin);
  const grant = (c) => c.call('PUT', `/api/v1/admin/users/${target.id}/roles`, {
    json: { is_system_admin: false, roles: { [company.id]: ['invoice_approver'] } },
  });
  const withoutTwoStep = await grant(sysadmin.client);
  assertProblem(withoutTwoStep, 403);
  assert.equal(withoutTwoStep.body.detail, ROLES_NEED_TWO_STEP);

  const { secret } = await activateTwoStep(sysadmin.client);
  const withoutCode = await grant(sysadmin.client);
  assertProblem(withoutCode, 403);
  assert.equal(withoutCode.body.detail, ROLES_NEED_A_CODE);
  assert.deepEqual((await target.client.call('GET', '/api/v1/session')).body.user.companies, []);

  // A wrong code is refused and counted like any code; the next step's code is fresh (the
  // activation used this step's).
  const wrong = await sysadmin.client.call('POST', '/api/v1/me/step-up', { json: { code: totpCode(STRANGER_SECRET) } });
  assertProblem(wrong, 400);
  assert.equal(wrong.body.errors[0].field, 'code');
  const code = totpCode(secret, 1);
  await stepUp(sysadmin.client, code);
  const granted = await grant(sysadmin.client);
  assert.equal(granted.status, 200, granted.text);
  assert.deepEqual(granted.body.roles, { [company.id]: ['invoice_approver'] });
  // A code works once.
  assertProblem(await sysadmin.client.call('POST', '/api/v1/me/step-up', { json: { code } }), 400);
  const events = await admin.call('GET', '/api/v1/admin/events?kind=step_up');
  assert.ok(events.body.items.some((e) => e.actor === sysadmin.email && e.kind === 'step_up_failed'), events.text);
});

test('integration_keys_are_created_and_revoked_only_with_a_fresh_code', async () => {
  const sysadmin = await newUser(admin, { isSystemAdmin: true });
  const { secret } = await activateTwoStep(sysadmin.client);
  const create = () => sysadmin.client.call('POST', `/api/v1/admin/companies/${company.id}/integration-keys`, {
    json: { label: unique('key '), scopes: ['documents:write'] },
  });
  const refused = await create();
  assertProblem(refused, 403);
  assert.equal(refused.body.detail, ROLES_NEED_A_CODE);
  // Another administrator's key cannot be revoked without a fresh code either.
  const theirs = await admin.call('POST', `/api/v1/admin/companies/${company.id}/integration-keys`, {
    json: { label: unique('key '), scopes: ['erp:read'] },
  });
  assert.equal(theirs.status, 201, theirs.text);
  assertProblem(await sysadmin.client.call('DELETE', `/api/v1/admin/integration-keys/${theirs.body.key.id}`), 403);

  await stepUp(sysadmin.client, totpCode(secret, 1));
  const created = await create();
  assert.equal(created.status, 201, created.text);
  const revoked = await sysadmin.client.call('DELETE', `/api/v1/admin/integration-keys/${theirs.body.key.id}`);
  assert.equal(revoked.status, 200, revoked.text);
  assert.ok(revoked.body.revoked_at);
});

test('a_step_up_counts_only_for_the_session_that_confirmed_the_code', async () => {
  const sysadmin = await newUser(admin, { isSystemAdmin: true });
  const { secret } = await activateTwoStep(sysadmin.client);
  await stepUp(sysadmin.client, totpCode(secret, 1));
  // The next fresh code is two steps on: wait until it is accepted.
  const step = Math.floor(Date.now() / 30_000);
  while (Math.floor(Date.now() / 30_000) < step + 1) await sleep(250);
  const other = client();
  await signIn(other, { email: sysadmin.email, password: sysadmin.password, code: totpCode(secret, 1) });
  const refused = await other.call('PUT', `/api/v1/admin/users/${sysadmin.id}/roles`, { json: { is_system_admin: true, roles: {} } });
  assertProblem(refused, 403);
  assert.equal(refused.body.detail, ROLES_NEED_A_CODE);
});
