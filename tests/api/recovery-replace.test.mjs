// Replacing a lost authenticator app after signing in with a recovery code: only the session
// that signed in with the recovery code may start a new enrolment while two-step verification
// is active and activate it with a code of the NEW app (no code of the old one), once, within
// 15 minutes of that sign-in (the window is a pure rule, `ap_core::account::check_replacement`,
// unit-tested at its boundary there: this test cannot move the Worker's clock). Activation
// replaces the seed, ends every other session, answers ten fresh recovery codes and voids the
// old ones. A normal session, another user's session, a replayed or parallel activation cannot
// replace the seed.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { assertProblem } from '../support/http.mjs';
import {
  activateTwoStep, client, firstAdmin, newUser, totpCode, totpCodeAtStep,
} from '../support/org.mjs';

let admin;
before(async () => {
  admin = await firstAdmin();
});

const currentStep = () => Math.floor(Date.now() / 30_000);

/** A user with two-step verification active (activated at the current step), their codes and
 * the session that activated it (a normal session). */
async function userWithCodes() {
  const user = await newUser(admin);
  const activatedAt = currentStep();
  const { secret, recoveryCodes } = await activateTwoStep(user.client);
  return { ...user, secret, codes: recoveryCodes, lastStep: activatedAt };
}

async function signInWith(user, fields) {
  const c = client();
  const res = await c.call('POST', '/api/v1/session', { json: { email: user.email, password: user.password, ...fields } });
  return { res, client: c };
}

/** A session signed in with the recovery code `codes[i]`. */
async function recoverySession(user, i = 0) {
  const { res, client: c } = await signInWith(user, { recovery_code: user.codes[i] });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.recovery_code_used, true);
  assert.equal(res.body.user.may_replace_authenticator, true, res.text);
  return c;
}

/** A code of `secret` at a step the guard has not seen used (one after `user.lastStep`, within
 * the accepted window of the clock: waits for the clock when that step is still too far ahead). */
async function freshCode(user, secret) {
  const step = user.lastStep + 1;
  while (step > currentStep() + 1) await new Promise((r) => setTimeout(r, 1000));
  user.lastStep = step;
  return totpCodeAtStep(secret, step);
}

async function signedIn(c) {
  const state = await c.call('GET', '/api/v1/session');
  assert.equal(state.status, 200, state.text);
  return state.body.user;
}

test('a_recovery_session_replaces_the_authenticator_once_with_a_code_of_the_new_app', async () => {
  const user = await userWithCodes();
  const other = await recoverySession(user, 1);
  const recovering = await recoverySession(user, 0);
  assert.equal((await signedIn(recovering)).may_replace_authenticator, true);

  const enrol = await recovering.call('POST', '/api/v1/me/two-step/enrolment');
  assert.equal(enrol.status, 200, enrol.text);
  const newSecret = enrol.body.secret;
  assert.notEqual(newSecret, user.secret);
  // Until the new app is confirmed, the old secret is still the active one.
  assert.equal((await signedIn(recovering)).two_step_active, true);

  const oldAppCode = await recovering.call('POST', '/api/v1/me/two-step/activate', { json: { code: totpCode(user.secret) } });
  assertProblem(oldAppCode, 400);

  const replaced = await recovering.call('POST', '/api/v1/me/two-step/activate', { json: { code: await freshCode(user, newSecret) } });
  assert.equal(replaced.status, 200, replaced.text);
  assert.equal(replaced.body.two_step_active, true);
  assert.equal(replaced.body.may_replace_authenticator, false, 'the right is used up');
  assert.equal(replaced.body.recovery_codes.length, 10);
  assert.equal(replaced.body.recovery_codes_left, 10);
  assert.ok(replaced.body.recovery_codes.every((c) => !user.codes.includes(c)));

  // This session stays; every other one (a normal one and another recovery one) ended.
  assert.ok(await signedIn(recovering));
  assert.equal(await signedIn(user.client), null);
  assert.equal(await signedIn(other), null);

  const events = await admin.call('GET', `/api/v1/admin/events?kind=two_step_replaced&actor=${encodeURIComponent(user.email)}`);
  assert.equal(events.status, 200, events.text);
  assert.ok(events.body.items.some((e) => e.detail
    === 'Replaced the authenticator app after signing in with a recovery code; other sessions ended and the earlier recovery codes no longer work.'), events.text);

  // Once: a second enrolment in the same session is the normal one, refused while active.
  assertProblem(await recovering.call('POST', '/api/v1/me/two-step/enrolment'), 409);
  assertProblem(await recovering.call('POST', '/api/v1/me/two-step/activate', { json: { code: totpCode(newSecret) } }), 403);

  // The old recovery codes are void; a new one works.
  assertProblem((await signInWith(user, { recovery_code: user.codes[2] })).res, 401);
  const withNew = await signInWith(user, { recovery_code: replaced.body.recovery_codes[0] });
  assert.equal(withNew.res.status, 200, withNew.res.text);

  // The old app's codes are refused at sign-in; the new app's are accepted.
  assertProblem((await signInWith(user, { code: totpCode(user.secret) })).res, 401);
  const newApp = await signInWith(user, { code: await freshCode(user, newSecret) });
  assert.equal(newApp.res.status, 200, newApp.res.text);
  assert.equal(newApp.res.body.user.may_replace_authenticator, false, 'a TOTP sign-in gives no right');
});

test('a_normal_session_cannot_start_or_finish_a_replacement_without_the_old_code', async () => {
  const user = await userWithCodes();
  assert.equal((await signedIn(user.client)).may_replace_authenticator, false);
  // As before: enrolment while active is refused for a normal session.
  assertProblem(await user.client.call('POST', '/api/v1/me/two-step/enrolment'), 409);

  // A recovery session starts one; the normal session, even knowing the new secret, cannot
  // activate it, and its attempt takes nothing from the recovery session.
  const recovering = await recoverySession(user);
  const enrol = await recovering.call('POST', '/api/v1/me/two-step/enrolment');
  assert.equal(enrol.status, 200, enrol.text);
  const stolen = await user.client.call('POST', '/api/v1/me/two-step/activate', { json: { code: totpCode(enrol.body.secret, 1) } });
  assertProblem(stolen, 403);
  assert.match(stolen.body.detail, /sign in with a recovery code/);
  assert.ok(await signedIn(user.client), 'nothing changed: the normal session lives');

  const replaced = await recovering.call('POST', '/api/v1/me/two-step/activate', { json: { code: await freshCode(user, enrol.body.secret) } });
  assert.equal(replaced.status, 200, replaced.text);
});

test('another_users_session_cannot_replace_a_seed', async () => {
  const victim = await userWithCodes();
  const attacker = await userWithCodes();
  const recovering = await recoverySession(attacker);
  // The attacker's recovery session, its cookie re-addressed to the victim: no such session.
  const secret = recovering.cookie.split('=')[1].split('.')[1];
  const forged = client();
  forged.cookie = `${recovering.cookie.split('=')[0]}=${victim.id}.${secret}`;
  assertProblem(await forged.call('POST', '/api/v1/me/two-step/enrolment'), 401);
  assertProblem(await forged.call('POST', '/api/v1/me/two-step/activate', { json: { code: totpCode(victim.secret, 1) } }), 401);

  // The attacker replacing their own app leaves the victim's seed and sessions alone.
  const enrol = await recovering.call('POST', '/api/v1/me/two-step/enrolment');
  assert.equal(enrol.status, 200, enrol.text);
  const replaced = await recovering.call('POST', '/api/v1/me/two-step/activate', { json: { code: await freshCode(attacker, enrol.body.secret) } });
  assert.equal(replaced.status, 200, replaced.text);
  const victimMe = await signedIn(victim.client);
  assert.ok(victimMe, 'the victim stays signed in');
  assert.equal(victimMe.recovery_codes_left, 10);
  const victimIn = await signInWith(victim, { code: await freshCode(victim, victim.secret) });
  assert.equal(victimIn.res.status, 200, victimIn.res.text);
});

test('a_parallel_or_replayed_activation_replaces_the_seed_once', async () => {
  const user = await userWithCodes();
  const recovering = await recoverySession(user);
  const enrol = await recovering.call('POST', '/api/v1/me/two-step/enrolment');
  assert.equal(enrol.status, 200, enrol.text);
  const code = await freshCode(user, enrol.body.secret);
  const later = totpCodeAtStep(enrol.body.secret, user.lastStep + 1);
  const answers = await Promise.all([
    recovering.call('POST', '/api/v1/me/two-step/activate', { json: { code } }),
    recovering.call('POST', '/api/v1/me/two-step/activate', { json: { code } }),
    recovering.call('POST', '/api/v1/me/two-step/activate', { json: { code: later } }),
  ]);
  const won = answers.filter((a) => a.status === 200);
  assert.equal(won.length, 1, answers.map((a) => `${a.status} ${a.text}`).join('\n'));
  for (const lost of answers.filter((a) => a.status !== 200)) {
    assert.ok([400, 403, 409].includes(lost.status), lost.text);
    assert.equal(lost.body.recovery_codes, undefined);
  }
  // Replayed afterwards: refused, and the codes answered once stay the only valid set.
  assertProblem(await recovering.call('POST', '/api/v1/me/two-step/activate', { json: { code } }), 403);
  assert.equal((await signedIn(recovering)).recovery_codes_left, 10);
  const withWinner = await signInWith(user, { recovery_code: won[0].body.recovery_codes[0] });
  assert.equal(withWinner.res.status, 200, withWinner.res.text);
});
