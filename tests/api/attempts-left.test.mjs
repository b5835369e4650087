// After a wrong two-step code the answer says how many attempts are left before the lock
// (`attempts_left` and the sentence), never which factor was wrong; the fifth failure locks
// (423 with `locked_until`), and a right code gives the full allowance back. A failed sign-in
// says nothing about attempts (it would tell which e-mail addresses have an account).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { call, assertProblem } from '../support/http.mjs';
import {
  activateTwoStep, firstAdmin, newUser, totpCode, STRANGER_SECRET,
} from '../support/org.mjs';

let admin;
before(async () => {
  admin = await firstAdmin();
});

const wrongCode = () => totpCode(STRANGER_SECRET);

test('a_wrong_code_says_the_attempts_left_and_the_last_one_locks', async () => {
  const user = await newUser(admin);
  await activateTwoStep(user.client);
  for (const left of [4, 3, 2, 1]) {
    const res = await user.client.call('POST', '/api/v1/me/step-up', { json: { code: wrongCode() } });
    assertProblem(res, 400);
    assert.equal(res.body.attempts_left, left, res.text);
    const word = left === 1 ? 'attempt' : 'attempts';
    assert.equal(
      res.body.detail,
      `The code is not correct. Enter the code your authenticator app shows now. ${left} ${word} left before two-step verification is locked for 15 minutes.`,
    );
    assert.equal(res.body.errors[0].field, 'code');
    assert.equal(res.body.errors[0].message, res.body.detail);
    assert.equal(res.body.locked_until, undefined);
  }
  const locked = await user.client.call('POST', '/api/v1/me/step-up', { json: { code: wrongCode() } });
  assertProblem(locked, 423);
  assert.equal(locked.body.attempts_left, undefined);
  assert.match(locked.body.locked_until, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const until = Date.parse(locked.body.locked_until);
  assert.ok(until > Date.now() + 14 * 60_000 && until <= Date.now() + 15 * 60_000 + 5_000, locked.body.locked_until);
  assert.match(locked.body.detail, /^Two-step verification is locked after 5 failed attempts until \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC\./);
  assert.doesNotMatch(locked.body.detail, /T\d\d:|\(UTC\)/, 'no raw RFC 3339 time');
});

test('a_right_code_gives_the_full_allowance_back', async () => {
  const user = await newUser(admin);
  const { secret } = await activateTwoStep(user.client);
  for (const left of [4, 3]) {
    const res = await user.client.call('POST', '/api/v1/me/step-up', { json: { code: wrongCode() } });
    assert.equal(res.body.attempts_left, left, res.text);
  }
  const right = await user.client.call('POST', '/api/v1/me/step-up', { json: { code: totpCode(secret, 1) } });
  assert.equal(right.status, 204, right.text);
  const again = await user.client.call('POST', '/api/v1/me/step-up', { json: { code: wrongCode() } });
  assertProblem(again, 400);
  assert.equal(again.body.attempts_left, 4);
});

test('a_failed_sign_in_does_not_tell_the_attempts_left', async () => {
  const user = await newUser(admin);
  await activateTwoStep(user.client);
  const res = await call('POST', '/api/v1/session', { json: { email: user.email, password: user.password, code: wrongCode() } });
  assertProblem(res, 401);
  assert.equal(res.body.attempts_left, undefined);
  const unknown = await call('POST', '/api/v1/session', { json: { email: 'nobody-here@example.com', password: user.password, code: wrongCode() } });
  assertProblem(unknown, 401);
  assert.equal(unknown.body.detail, res.body.detail);
});

test('a_norwegian_reader_gets_the_attempts_left_in_norwegian', async () => {
  const user = await newUser(admin);
  await activateTwoStep(user.client);
  const res = await user.client.call('POST', '/api/v1/me/step-up', { json: { code: wrongCode() }, headers: { 'accept-language': 'nb' } });
  assertProblem(res, 400);
  assert.equal(res.body.attempts_left, 4);
  assert.equal(
    res.body.detail,
    'Koden er ikke riktig. Skriv inn koden som vises i autentiseringsappen nå. 4 forsøk igjen før totrinnsbekreftelse låses i 15 minutter.',
  );
});
