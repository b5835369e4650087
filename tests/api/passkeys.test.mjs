// Passkeys bound to exactly what is paid (PSD2 dynamic linking), with real WebAuthn answers made
// in the test by a software authenticator (tests/support/passkey.mjs): registering needs a fresh
// password and code; a bundle, an AutoPay payment or an upload is signed only by an assertion
// whose challenge binds it and a one-time nonce; an assertion made for one bundle never signs
// another; replayed, wrongly scoped, unverified or cloned answers are refused with one sentence
// and count toward the lockout; a company may require a passkey; removing one needs a code.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { assertProblem } from '../support/http.mjs';
import { client, firstAdmin, newUser, signIn, totpCode } from '../support/org.mjs';
import { readyCompany, newInvoice, approveAndPay, bundle, sign } from '../support/approval.mjs';
import { autopayCompany, regularInvoices, preApprovedInvoices, upload, exported, events } from '../support/autopay.mjs';
import {
  SoftAuthenticator, FLAGS, ORIGIN, RP_ID, deriveChallenge, registrationSubject,
} from '../support/passkey.mjs';

let admin;
before(async () => {
  admin = await firstAdmin();
});

/** Enrols and activates two-step verification with the code of the step before now, so the
 * test has two fresh steps left (now and the next) for the calls that need a code. */
async function activateEarly(user) {
  const enrol = await user.client.call('POST', '/api/v1/me/two-step/enrolment');
  assert.equal(enrol.status, 200, enrol.text);
  user.secret = enrol.body.secret;
  const activated = await user.client.call('POST', '/api/v1/me/two-step/activate', { json: { code: totpCode(user.secret, -1) } });
  assert.equal(activated.status, 200, activated.text);
}

/** An approver of `companies` (Invoice and AutoPay Approver) with two-step active. */
async function approverOf(companies) {
  const roles = Object.fromEntries(companies.map((c) => [c.id, ['invoice_approver', 'autopay_approver']]));
  const user = await newUser(admin, { roles });
  await activateEarly(user);
  return user;
}

/** Registers a passkey for `user` with the code of the current step; answers the authenticator. */
async function withPasskey(user, { name = 'Work laptop', step = 0 } = {}) {
  const options = await user.client.call('POST', '/api/v1/me/passkeys/options', { json: { password: user.password, code: totpCode(user.secret, step) } });
  assert.equal(options.status, 200, options.text);
  const authenticator = new SoftAuthenticator();
  const res = await user.client.call('POST', '/api/v1/me/passkeys', {
    json: { nonce: options.body.nonce, name, credential: authenticator.register(options.body) },
  });
  assert.equal(res.status, 201, res.text);
  user.authenticator = authenticator;
  return authenticator;
}

async function bundleOptions(user, digest) {
  const res = await user.client.call('POST', '/api/v1/bundle/passkey-options', { json: { digest } });
  assert.equal(res.status, 200, res.text);
  return res.body;
}

async function signWithPasskey(user, digest, options, assertion = user.authenticator.assert(options)) {
  return user.client.call('POST', '/api/v1/bundle/sign', { json: { digest, passkey: { nonce: options.nonce, credential: assertion } } });
}

/** `count` invoices of `company` in `user`'s bundle; answers the bundle. */
async function inBundle(user, company, count = 1) {
  for (let i = 0; i < count; i++) await approveAndPay(user, await newInvoice(company));
  return bundle(user);
}

const NOT_VERIFIED = 'The passkey could not be verified. Nothing was signed.';

test('registering a passkey needs a fresh password and code, and My details lists it', async () => {
  const company = await readyCompany(admin);
  const user = await approverOf([company]);
  assertProblem(await user.client.call('POST', '/api/v1/me/passkeys/options', { json: { password: 'wrong password here', code: totpCode(user.secret) } }), 403);
  const options = await user.client.call('POST', '/api/v1/me/passkeys/options', { json: { password: user.password, code: totpCode(user.secret) } });
  assert.equal(options.status, 200, options.text);
  assert.equal(options.body.rp_id, RP_ID);
  assert.equal(options.body.user_id, Buffer.from(user.id).toString('base64url'));
  assert.equal(options.body.user_name, user.email);
  assert.deepEqual(options.body.credentials, []);
  assert.equal(options.body.challenge, deriveChallenge(1, registrationSubject(user.id), options.body.nonce));
  const authenticator = new SoftAuthenticator();
  const made = await user.client.call('POST', '/api/v1/me/passkeys', {
    json: { nonce: options.body.nonce, name: '  Work laptop ', credential: authenticator.register(options.body) },
  });
  assert.equal(made.status, 201, made.text);
  assert.equal(made.body.id, authenticator.id);
  assert.equal(made.body.name, 'Work laptop');
  assert.equal(made.body.last_used_at, null);
  const listed = await user.client.call('GET', '/api/v1/me/passkeys');
  assert.equal(listed.status, 200, listed.text);
  assert.equal(listed.body.available, true);
  assert.deepEqual(listed.body.passkeys.map((p) => p.name), ['Work laptop']);
  const me = await user.client.call('GET', '/api/v1/session');
  assert.equal(me.body.user.passkeys, 1);
  // The same options again: the nonce is used up.
  assertProblem(await user.client.call('POST', '/api/v1/me/passkeys', {
    json: { nonce: options.body.nonce, name: 'Again', credential: new SoftAuthenticator().register(options.body) },
  }), 403);
  const renamed = await user.client.call('POST', `/api/v1/me/passkeys/${made.body.id}/name`, { json: { name: 'Nøkkel på jobb' } });
  assert.equal(renamed.status, 200, renamed.text);
  assert.equal(renamed.body.name, 'Nøkkel på jobb');
  const badName = await user.client.call('POST', `/api/v1/me/passkeys/${made.body.id}/name`, { json: { name: ' ' } });
  assertProblem(badName, 400);
  assert.equal(badName.body.errors[0].field, 'name');
  assertProblem(await user.client.call('POST', '/api/v1/me/passkeys/nope/name', { json: { name: 'x' } }), 404);
  const events = await admin.call('GET', `/api/v1/admin/events?kind=passkey_added`);
  assert.equal(events.status, 200, events.text);
  assert.ok(events.body.items.some((e) => e.detail.includes('Work laptop')), events.text);
});

test('a nonce drawn for signing cannot register an attacker’s passkey with a stolen session', async () => {
  const company = await readyCompany(admin);
  const user = await approverOf([company]);
  await withPasskey(user);
  const { digest } = await inBundle(user, company);
  const signing = await bundleOptions(user, digest);
  // The attacker holds the session, not the password or code: they take the signing nonce and
  // make their own key sign a registration challenge for it.
  const attacker = new SoftAuthenticator();
  const forged = { ...signing, challenge: deriveChallenge(1, registrationSubject(user.id), signing.nonce) };
  const res = await user.client.call('POST', '/api/v1/me/passkeys', {
    json: { nonce: signing.nonce, name: 'Attacker', credential: attacker.register(forged) },
  });
  assertProblem(res, 403);
  const listed = await user.client.call('GET', '/api/v1/me/passkeys');
  assert.equal(listed.body.passkeys.length, 1);
});

test('a bundle is signed by a passkey whose challenge binds its digest, once', async () => {
  const company = await readyCompany(admin);
  const user = await approverOf([company]);
  await withPasskey(user);
  const { digest, count } = await inBundle(user, company, 2);
  assert.equal(count, 2);
  const options = await bundleOptions(user, digest);
  assert.deepEqual(options.credentials.map((c) => c.id), [user.authenticator.id]);
  assert.equal(options.challenge, deriveChallenge(2, Buffer.from(digest, 'hex'), options.nonce));
  const assertion = user.authenticator.assert(options);
  const signed = await signWithPasskey(user, digest, options, assertion);
  assert.equal(signed.status, 200, signed.text);
  assert.ok(signed.body.companies.every((c) => c.signed), signed.text);
  assert.equal(signed.body.companies[0].invoices.length, 2);
  // Replayed as it was sent: the nonce is used up (and the bundle is empty now anyway).
  await inBundle(user, company);
  const again = await bundle(user);
  assertProblem(await signWithPasskey(user, again.digest, options, assertion), 403);
  const listed = await user.client.call('GET', '/api/v1/me/passkeys');
  assert.ok(listed.body.passkeys[0].last_used_at, listed.text);
  const log = await admin.call('GET', '/api/v1/admin/events?kind=bundle_signed');
  assert.ok(log.body.items.some((e) => e.detail.includes('with a passkey bound to its digest')), log.text);
});

test('an assertion made for one bundle never signs another', async () => {
  const company = await readyCompany(admin);
  const user = await approverOf([company]);
  await withPasskey(user);
  const shown = await inBundle(user, company);
  const options = await bundleOptions(user, shown.digest);
  const assertion = user.authenticator.assert(options);
  // Meanwhile (another tab, or an attacker's page) one more invoice joins the bundle.
  const now = await inBundle(user, company);
  assert.notEqual(now.digest, shown.digest);
  const stale = await signWithPasskey(user, shown.digest, options, assertion);
  assertProblem(stale, 409);
  // Sent with the bundle's digest as it is now, the assertion for the old one does not verify.
  const swapped = await signWithPasskey(user, now.digest, options, assertion);
  assertProblem(swapped, 403);
  assert.equal(swapped.body.detail.split('.')[0] + '.', 'The passkey could not be verified.');
  assert.equal((await bundle(user)).count, 2, 'nothing was signed');
  // A fresh ceremony for what is shown now signs it.
  const fresh = await bundleOptions(user, now.digest);
  const signed = await signWithPasskey(user, now.digest, fresh);
  assert.equal(signed.status, 200, signed.text);
});

test('a wrong origin, relying party, missing verification, counter or signature is refused with one sentence and counted', async () => {
  const company = await readyCompany(admin);
  const user = await approverOf([company]);
  await withPasskey(user);
  const { digest } = await inBundle(user, company);
  const attempts = [
    (o) => user.authenticator.assert(o, { origin: 'https://phish.example' }),
    (o) => user.authenticator.assert(o, { rpId: 'phish.example' }),
    (o) => user.authenticator.assert(o, { flags: FLAGS.UP }),
    (o) => user.authenticator.assert(o, { counter: 1 }),
    (o) => ({ ...user.authenticator.assert(o), signature: new SoftAuthenticator().assert(o).signature }),
  ];
  const details = [];
  for (const [i, forge] of attempts.entries()) {
    const options = await bundleOptions(user, digest);
    const res = await signWithPasskey(user, digest, options, forge(options));
    if (i < attempts.length - 1) {
      assertProblem(res, 403);
      assert.ok(res.body.detail.startsWith(NOT_VERIFIED), res.text);
      details.push(res.body.detail.slice(0, NOT_VERIFIED.length));
    } else {
      assertProblem(res, 423);
    }
  }
  assert.equal(new Set(details).size, 1, 'no answer says which check failed');
  // Locked: even a good assertion is refused now, and nothing was signed.
  const options = await bundleOptions(user, digest);
  assertProblem(await signWithPasskey(user, digest, options), 423);
  assert.equal((await bundle(user)).count, 1);
});

test('an AutoPay payment is approved by a passkey bound to that payment', async () => {
  const c = await autopayCompany(admin);
  const user = await approverOf([c]);
  await withPasskey(user);
  await regularInvoices(user, c, 2);
  const up = await upload(c, await exported(c, 'regular'));
  assert.equal(up.status, 201, up.text);
  const [first, second] = up.body.payments.map((p) => p.payment_id);
  const optionsFor = async (id) => {
    const res = await user.client.call('POST', `/api/v1/autopay/payments/${id}/passkey-options`, { json: {} });
    assert.equal(res.status, 200, res.text);
    return res.body;
  };
  const forFirst = await optionsFor(first);
  const assertion = user.authenticator.assert(forFirst);
  // Made for the first payment, sent for the second: never verifies.
  assertProblem(await user.client.call('POST', `/api/v1/autopay/payments/${second}/approve`, {
    json: { passkey: { nonce: forFirst.nonce, credential: assertion } },
  }), 403);
  const forSecond = await optionsFor(second);
  const approved = await user.client.call('POST', `/api/v1/autopay/payments/${second}/approve`, {
    json: { passkey: { nonce: forSecond.nonce, credential: user.authenticator.assert(forSecond) } },
  });
  assert.equal(approved.status, 200, approved.text);
  assert.equal(approved.body.status, 'sent_to_bank');
  const shown = await events(user, second);
  assert.deepEqual(shown.events.filter((e) => e.kind === 'approved').map((e) => e.method), ['passkey']);
  const stranger = await newUser(admin);
  assertProblem(await stranger.client.call('POST', `/api/v1/autopay/payments/${first}/passkey-options`, { json: {} }), 404);
});

test('an upload waiting for signing is signed by a passkey bound to the file', async () => {
  const c = await autopayCompany(admin, { level: 'on_upload_and_approval' });
  const user = await approverOf([c]);
  await withPasskey(user);
  await preApprovedInvoices(user, c, 1);
  const up = await upload(c, await exported(c, 'pre-approved'));
  assert.equal(up.body.status, 'pending_signing', up.text);
  const base = `/api/v1/autopay/files/${up.body.file_id}`;
  const options = await user.client.call('POST', `${base}/passkey-options`, { json: {} });
  assert.equal(options.status, 200, options.text);
  assert.equal(options.body.challenge, deriveChallenge(4, Buffer.from(up.body.content_sha256, 'hex'), options.body.nonce));
  const signed = await user.client.call('POST', `${base}/sign`, {
    json: { passkey: { nonce: options.body.nonce, credential: user.authenticator.assert(options.body) } },
  });
  assert.equal(signed.status, 200, signed.text);
  assert.equal(signed.body.status, 'processed');
  assertProblem(await user.client.call('POST', `${base}/passkey-options`, { json: {} }), 409);
});

test('a company that requires a passkey refuses password and code, and readiness names the missing passkey', async () => {
  const strict = await readyCompany(admin);
  const relaxed = await readyCompany(admin);
  const patch = await admin.call('PATCH', `/api/v1/companies/${strict.id}/settings`, { json: { require_passkey: true } });
  assert.equal(patch.status, 200, patch.text);
  assert.equal(patch.body.settings.require_passkey, true);
  // Only a System Administrator changes it.
  assertProblem(await strict.apAdmin.client.call('PATCH', `/api/v1/companies/${strict.id}/settings`, { json: { require_passkey: false } }), 403);

  const user = await approverOf([strict, relaxed]);
  const mine = async () => (await user.client.call('GET', '/api/v1/session')).body.user.companies;
  const before = (await mine()).find((c) => c.id === strict.id);
  assert.equal(before.approve_and_pay_ready, false);
  assert.deepEqual(before.missing, [`${strict.name} requires a passkey for Approve and pay. Add one on My details.`]);
  assert.equal((await mine()).find((c) => c.id === relaxed.id).approve_and_pay_ready, true);
  const readiness = await admin.call('GET', `/api/v1/admin/readiness?user=${user.id}`);
  assert.equal(readiness.status, 200, readiness.text);
  assert.ok(readiness.text.includes('requires a passkey for Approve and pay'), readiness.text);

  await withPasskey(user);
  assert.equal((await mine()).find((c) => c.id === strict.id).approve_and_pay_ready, true);
  await approveAndPay(user, await newInvoice(strict));
  await approveAndPay(user, await newInvoice(relaxed));
  // Password and code: the relaxed company signs, the strict one refuses with its reason.
  const totp = await sign(user, (await bundle(user)).digest, { code: totpCode(user.secret, 1) });
  assert.equal(totp.status, 200, totp.text);
  const byId = Object.fromEntries(totp.body.companies.map((c) => [c.company_id, c]));
  assert.equal(byId[relaxed.id].signed, true);
  assert.equal(byId[strict.id].signed, false);
  assert.equal(byId[strict.id].reason, `${strict.name} requires a passkey for Approve and pay: nothing was signed in this company. Sign with your passkey.`);
  // The passkey signs what is left.
  const left = await bundle(user);
  assert.equal(left.count, 1);
  const signed = await signWithPasskey(user, left.digest, await bundleOptions(user, left.digest));
  assert.equal(signed.status, 200, signed.text);
  assert.equal(signed.body.companies[0].signed, true, signed.text);
});

test('removing a passkey needs a fresh code or a passkey bound to it; a reset of two-step verification removes them all', async () => {
  const company = await readyCompany(admin);
  const user = await approverOf([company]);
  const authenticator = await withPasskey(user);
  const path = `/api/v1/me/passkeys/${authenticator.id}/remove`;
  assertProblem(await user.client.call('POST', path, { json: { code: '000000' } }), 400);
  assertProblem(await user.client.call('POST', '/api/v1/me/passkeys/nope/remove', { json: { code: totpCode(user.secret, 1) } }), 404);
  const removed = await user.client.call('POST', path, { json: { code: totpCode(user.secret, 1) } });
  assert.equal(removed.status, 200, removed.text);
  assert.deepEqual(removed.body.passkeys, []);
  assert.equal((await user.client.call('GET', '/api/v1/session')).body.user.passkeys, 0);
  const { digest } = await inBundle(user, company);
  const none = await user.client.call('POST', '/api/v1/bundle/passkey-options', { json: { digest } });
  assertProblem(none, 422);
  assert.equal(none.body.detail, 'You have no passkey yet. Add one on My details, or use your password and code.');

  // With a passkey instead of a code: an assertion bound to removing exactly this passkey.
  const owner = await approverOf([company]);
  const second = await withPasskey(owner, { name: 'Security key', step: 0 });
  const third = await withPasskey(owner, { name: 'Phone', step: 1 });
  const removalOf = async (id) => {
    const res = await owner.client.call('POST', `/api/v1/me/passkeys/${id}/remove-options`, { json: {} });
    assert.equal(res.status, 200, res.text);
    return res.body;
  };
  const forSecond = await removalOf(second.id);
  // An assertion for removing the second passkey does not remove the third.
  assertProblem(await owner.client.call('POST', `/api/v1/me/passkeys/${third.id}/remove`, {
    json: { passkey: { nonce: forSecond.nonce, credential: third.assert(forSecond) } },
  }), 403);
  const forThird = await removalOf(third.id);
  const byPasskey = await owner.client.call('POST', `/api/v1/me/passkeys/${third.id}/remove`, {
    json: { passkey: { nonce: forThird.nonce, credential: second.assert(forThird) } },
  });
  assert.equal(byPasskey.status, 200, byPasskey.text);
  assert.deepEqual(byPasskey.body.passkeys.map((p) => p.name), ['Security key']);
  assertProblem(await owner.client.call('POST', '/api/v1/me/passkeys/nope/remove-options', { json: {} }), 404);

  const other = await approverOf([company]);
  await withPasskey(other);
  const reset = await admin.call('POST', `/api/v1/admin/users/${other.id}/reset-two-step`);
  assert.equal(reset.status, 200, reset.text);
  const again = client();
  await signIn(again, { email: other.email, password: other.password });
  const listed = await again.call('GET', '/api/v1/me/passkeys');
  assert.equal(listed.status, 200, listed.text);
  assert.deepEqual(listed.body.passkeys, []);
});

test('passkey requests of the wrong shape are refused with a sentence and change nothing', async () => {
  const user = await newUser(admin);
  assertProblem(await user.client.call('POST', '/api/v1/me/passkeys/options', { json: { password: user.password, code: '123456' } }), 422);
  assertProblem(await user.client.call('POST', '/api/v1/me/passkeys', { json: { nonce: 'x' } }), 400);
  assertProblem(await user.client.call('POST', '/api/v1/me/passkeys', {
    json: { nonce: 'x', credential: { raw_id: '!!', client_data_json: '', attestation_object: '' } },
  }), 403);
  assertProblem(await user.client.call('POST', '/api/v1/bundle/passkey-options', { json: { digest: 'nope' } }), 400);
  // Neither a passkey nor password and code: a 400 naming the code, not a counted failure.
  const unsigned = await user.client.call('POST', '/api/v1/bundle/sign', { json: { digest: 'a'.repeat(64) } });
  assertProblem(unsigned, 400);
  assertProblem(await user.client.call('PUT', '/api/v1/me/passkeys'), 405);
  assertProblem(await client().call('GET', '/api/v1/me/passkeys'), 401);
  assert.equal(ORIGIN.startsWith('http://localhost:'), true);
});

test('one assertion sent twice at once approves a payment once', async () => {
  const c = await autopayCompany(admin, { approvers: 2 });
  const user = await approverOf([c]);
  await withPasskey(user);
  await regularInvoices(user, c, 1);
  const up = await upload(c, await exported(c, 'regular'));
  const id = up.body.payments[0].payment_id;
  const options = await user.client.call('POST', `/api/v1/autopay/payments/${id}/passkey-options`, { json: {} });
  assert.equal(options.status, 200, options.text);
  const body = { json: { passkey: { nonce: options.body.nonce, credential: user.authenticator.assert(options.body) } } };
  const answers = await Promise.all([1, 2, 3].map(() => user.client.call('POST', `/api/v1/autopay/payments/${id}/approve`, body)));
  assert.deepEqual(answers.map((a) => a.status).filter((s) => s === 200), [200], answers.map((a) => a.text).join('\n'));
  for (const a of answers.filter((x) => x.status !== 200)) assert.ok([403, 409].includes(a.status), a.text);
  const shown = await events(user, id);
  assert.equal(shown.events.filter((e) => e.kind === 'approved').length, 1);
});
