// Recovery codes: activating two-step verification answers ten one-time codes once; each signs
// in once in place of a TOTP code (the count drops, an event says so), never for signing a
// payment or a step-up; two sign-ins racing with one code cannot both succeed; a new set needs a
// fresh TOTP code (step-up) and voids the old one; failures count toward the same lockout, and a
// locked guard refuses even a right recovery code without using it up.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { assertProblem } from '../support/http.mjs';
import {
  activateTwoStep, client, firstAdmin, newUser, totpCode, STRANGER_SECRET,
} from '../support/org.mjs';
import {
  readyCompany, newInvoice, approveAndPay, bundle, sign,
} from '../support/approval.mjs';

const CODE_RE = /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/;

let admin;
before(async () => {
  admin = await firstAdmin();
});

/** A user with two-step verification active and their ten recovery codes. */
async function userWithCodes(options) {
  const user = await newUser(admin, options);
  const { secret, recoveryCodes, activated } = await activateTwoStep(user.client);
  return { ...user, secret, codes: recoveryCodes, activated };
}

/** A sign-in from a fresh client (a new browser). */
async function signInWith(user, fields) {
  const c = client();
  const res = await c.call('POST', '/api/v1/session', { json: { email: user.email, password: user.password, ...fields } });
  return { res, client: c };
}

async function codesLeft(c) {
  const state = await c.call('GET', '/api/v1/session');
  assert.equal(state.status, 200, state.text);
  return state.body.user.recovery_codes_left;
}

test('activation_answers_ten_readable_codes_once_and_my_details_counts_them', async () => {
  const user = await userWithCodes();
  assert.equal(user.codes.length, 10);
  for (const code of user.codes) assert.match(code, CODE_RE);
  assert.equal(new Set(user.codes).size, 10);
  assert.equal(user.activated.recovery_codes_left, 10);
  const state = await user.client.call('GET', '/api/v1/session');
  assert.equal(state.body.user.recovery_codes_left, 10);
  for (const code of user.codes) assert.ok(!state.text.includes(code), 'the codes are never answered again');
});

test('a_recovery_code_signs_in_once_the_count_drops_and_an_event_says_so', async () => {
  const user = await userWithCodes();
  // Read back whatever the case and without the dash.
  const typed = user.codes[0].toLowerCase().replace('-', '');
  const first = await signInWith(user, { recovery_code: typed });
  assert.equal(first.res.status, 200, first.res.text);
  assert.equal(first.res.body.recovery_code_used, true);
  assert.equal(first.res.body.user.recovery_codes_left, 9);
  assert.equal(await codesLeft(first.client), 9);

  const events = await admin.call('GET', `/api/v1/admin/events?kind=sign_in_succeeded&actor=${encodeURIComponent(user.email)}`);
  assert.equal(events.status, 200, events.text);
  assert.ok(
    events.body.items.some((e) => e.detail === 'Signed in with a recovery code; 9 recovery codes left.'),
    events.text,
  );

  // Used once: gone, refused with the same words as a wrong password.
  const again = await signInWith(user, { recovery_code: user.codes[0] });
  assertProblem(again.res, 401);
  const wrongPassword = await signInWith({ ...user, password: 'not the password at all' }, { recovery_code: user.codes[1] });
  assertProblem(wrongPassword.res, 401);
  assert.equal(again.res.body.detail, wrongPassword.res.body.detail);
  // A wrong password does not use the code up.
  const second = await signInWith(user, { recovery_code: user.codes[1] });
  assert.equal(second.res.status, 200, second.res.text);
  assert.equal(second.res.body.user.recovery_codes_left, 8);
  // A TOTP sign-in says nothing of recovery codes.
  const totp = await signInWith(user, { code: totpCode(user.secret, 1) });
  assert.equal(totp.res.status, 200, totp.res.text);
  assert.equal(totp.res.body.recovery_code_used, false);
  assert.equal(totp.res.body.user.recovery_codes_left, 8);
});

test('another_users_code_and_malformed_codes_are_refused_like_a_wrong_code', async () => {
  const ada = await userWithCodes();
  const bob = await userWithCodes();
  const foreign = await signInWith(bob, { recovery_code: ada.codes[0] });
  assertProblem(foreign.res, 401);
  const malformed = await signInWith(bob, { recovery_code: 'not a code!' });
  assertProblem(malformed.res, 401);
  assert.equal(malformed.res.body.detail, foreign.res.body.detail);
  const both = await signInWith(bob, { code: totpCode(bob.secret, 1), recovery_code: bob.codes[0] });
  assertProblem(both.res, 400);
  assert.equal(both.res.body.errors[0].field, 'recovery_code');
  const notText = await signInWith(bob, { recovery_code: 12345 });
  assertProblem(notText.res, 400);
  // Ada's code still works for Ada, and Bob lost none.
  const own = await signInWith(ada, { recovery_code: ada.codes[0] });
  assert.equal(own.res.status, 200, own.res.text);
  assert.equal(own.res.body.user.recovery_codes_left, 9);
  assert.equal(await codesLeft(bob.client), 10);
});

test('two_sign_ins_racing_with_one_code_cannot_both_succeed', async () => {
  const user = await userWithCodes();
  for (const code of user.codes.slice(0, 3)) {
    const results = await Promise.all([1, 2, 3].map(() => signInWith(user, { recovery_code: code })));
    const statuses = results.map((r) => r.res.status).sort();
    assert.deepEqual(statuses, [200, 401, 401], results.map((r) => r.res.text).join('\n'));
  }
  assert.equal(await codesLeft(user.client), 7);
});

test('a_recovery_code_is_refused_for_signing_a_bundle_and_for_a_step_up_and_is_not_used_up', async () => {
  const company = await readyCompany(admin);
  const user = await userWithCodes({ roles: { [company.id]: ['invoice_approver', 'autopay_approver'] } });
  const id = await newInvoice(company);
  await approveAndPay(user, id);
  const before = await bundle(user);
  const refused = await sign(user, before.digest, { code: user.codes[0] });
  assertProblem(refused, 422);
  assert.equal(refused.body.detail, 'A recovery code is only for signing in. Enter the code your authenticator app shows now.');
  assert.equal((await bundle(user)).digest, before.digest, 'nothing was signed');

  const stepUp = await user.client.call('POST', '/api/v1/me/step-up', { json: { code: user.codes[0] } });
  assertProblem(stepUp, 422);
  // Neither was counted as a failure, nor used the code up.
  assert.equal(await codesLeft(user.client), 10);
  const signed = await sign(user, before.digest);
  assert.equal(signed.status, 200, signed.text);
  const signIn = await signInWith(user, { recovery_code: user.codes[0] });
  assert.equal(signIn.res.status, 200, signIn.res.text);
});

test('new_codes_need_a_fresh_totp_code_and_void_the_old_ones', async () => {
  const user = await userWithCodes();
  const without = await user.client.call('POST', '/api/v1/me/two-step/recovery-codes');
  assertProblem(without, 403);
  const withRecovery = await user.client.call('POST', '/api/v1/me/step-up', { json: { code: user.codes[0] } });
  assertProblem(withRecovery, 422);
  const stepped = await user.client.call('POST', '/api/v1/me/step-up', { json: { code: totpCode(user.secret, 1) } });
  assert.equal(stepped.status, 204, stepped.text);
  const fresh = await user.client.call('POST', '/api/v1/me/two-step/recovery-codes');
  assert.equal(fresh.status, 200, fresh.text);
  assert.equal(fresh.body.recovery_codes.length, 10);
  for (const code of fresh.body.recovery_codes) assert.match(code, CODE_RE);
  assert.equal(fresh.body.recovery_codes_left, 10);
  assert.equal(fresh.body.two_step_active, true);
  assert.ok(fresh.body.recovery_codes.every((c) => !user.codes.includes(c)));

  const old = await signInWith(user, { recovery_code: user.codes[0] });
  assertProblem(old.res, 401);
  const renewed = await signInWith(user, { recovery_code: fresh.body.recovery_codes[0] });
  assert.equal(renewed.res.status, 200, renewed.res.text);
  assert.equal(renewed.res.body.user.recovery_codes_left, 9);

  // Without two-step verification there is no set to renew.
  const plain = await newUser(admin);
  const none = await plain.client.call('POST', '/api/v1/me/two-step/recovery-codes');
  assertProblem(none, 403);
  assert.equal(await codesLeft(plain.client), 0);
});

test('recovery_code_failures_count_toward_the_lockout_and_a_lock_refuses_a_right_code', async () => {
  const user = await userWithCodes();
  const wrongTotp = () => user.client.call('POST', '/api/v1/me/step-up', { json: { code: totpCode(STRANGER_SECRET) } });

  // A wrong recovery code at sign-in counts like a wrong TOTP code.
  assertProblem((await signInWith(user, { recovery_code: 'ZZZZZ-ZZZZZ' })).res, 401);
  for (const left of [3, 2, 1]) {
    const res = await wrongTotp();
    assertProblem(res, 400);
    assert.equal(res.body.attempts_left, left, res.text);
  }
  const locking = await signInWith(user, { recovery_code: 'ZZZZZ-ZZZZZ' });
  assertProblem(locking.res, 423);
  const right = await signInWith(user, { recovery_code: user.codes[0] });
  assertProblem(right.res, 423);

  const unlock = await admin.call('POST', `/api/v1/admin/users/${user.id}/unlock`);
  assert.equal(unlock.status, 200, unlock.text);
  const after = await signInWith(user, { recovery_code: user.codes[0] });
  assert.equal(after.res.status, 200, after.res.text);
  assert.equal(after.res.body.user.recovery_codes_left, 9, 'the code refused while locked was not used up');
});

test('deactivating_two_step_voids_the_codes', async () => {
  const user = await userWithCodes();
  const off = await user.client.call('POST', '/api/v1/me/two-step/deactivate', { json: { code: totpCode(user.secret, 1) } });
  assert.equal(off.status, 200, off.text);
  assert.equal(off.body.recovery_codes_left, 0);
  assert.equal(off.body.recovery_codes, undefined);
});
