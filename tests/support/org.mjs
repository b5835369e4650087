// Typed helpers for the organisation, session and integration API tests: a cookie-carrying
// client, the organisation's first System Administrator, users, companies and TOTP codes from
// the real `oathtool`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_URL, call, assertProblem } from './http.mjs';

/** The first System Administrator every test file shares (the instance is set up once). */
export const ADMIN = { name: 'Ada Admin', email: 'ada.admin@example.com', password: 'correct horse battery staple' };

/** A unique suffix for names and e-mail addresses within one test run. */
export const unique = (p = 'x') => `${p}${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

/** The ISO 13616 check digits of `country` + `bban` (mod 97 of the rearranged digits). */
export function ibanCheckDigits(country, bban) {
  const digits = `${bban}${country}00`.toUpperCase().replace(/[A-Z]/g, (ch) => String(ch.charCodeAt(0) - 55));
  return String(98n - (BigInt(digits) % 97n)).padStart(2, '0');
}

/** A valid Norwegian IBAN (electronic form) no other test uses: a random 11-digit BBAN whose
 * last digit is the national mod-11 check digit (weights 5 4 3 2 7 6 5 4 3 2), then the mod-97
 * check digits. A debtor account belongs to one bank agreement in the whole organisation, so
 * every company a test creates needs its own. */
export function uniqueNorwegianIban() {
  const weights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  for (;;) {
    // 10 random digits; a leading 9 keeps clear of the fixed accounts in the demo data.
    const body = `9${(randomBytes(6).readUIntBE(0, 6) % 1e9).toString().padStart(9, '0')}`;
    const sum = [...body].reduce((s, d, i) => s + Number(d) * weights[i], 0);
    const check = (11 - (sum % 11)) % 11;
    if (check === 10) continue; // no valid account number has this body
    const bban = `${body}${check}`;
    return `NO${ibanCheckDigits('NO', bban)}${bban}`;
  }
}

/** An IBAN in its paper form, in groups of four (as people type it). */
export const paperIban = (iban) => iban.replace(/(.{4})(?=.)/g, '$1 ');

/** A System Administrator's changes that need a step-up (a fresh code confirmed in the last
 * five minutes): roles, bank agreements and integration keys. */
const SENSITIVE = /^\/api\/v1\/admin\/(users\/[^/]+\/roles|companies\/[^/]+\/(integration-keys|bank-agreements)(\/.*)?|integration-keys\/.+)$/;
/** Step up again when the last confirmation is older than this (the server allows 5 minutes). */
const STEP_UP_MARGIN_MS = 4 * 60_000;

/** A client that keeps the session cookie like a browser would (same-origin requests). A client
 * with `stepUpWith` (a function answering a fresh code) confirms a code before a sensitive
 * change when its last confirmation is older than four minutes, like the SPA would ask. */
export function client() {
  const c = {
    cookie: undefined,
    lastSetCookie: undefined,
    stepUpWith: undefined,
    steppedUpAt: 0,
    async call(method, path, opts = {}) {
      if (c.stepUpWith && method !== 'GET' && SENSITIVE.test(path) && Date.now() - c.steppedUpAt > STEP_UP_MARGIN_MS) {
        await stepUp(c, await c.stepUpWith());
      }
      const headers = { ...(opts.headers ?? {}) };
      if (c.cookie && !('cookie' in headers)) headers.cookie = c.cookie;
      const res = await call(method, path, { ...opts, headers });
      const set = res.headers.get('set-cookie');
      if (set) {
        c.lastSetCookie = set;
        const pair = set.split(';')[0];
        c.cookie = pair.endsWith('=') ? undefined : pair;
      }
      return res;
    },
  };
  return c;
}

/** The cookie value of a set-cookie header. */
export const cookieOf = (setCookie) => setCookie.split(';')[0];

/** Confirms a fresh code for `c`'s session (step-up) and asserts success. */
export async function stepUp(c, code) {
  const before = Date.now();
  const res = await c.call('POST', '/api/v1/me/step-up', { json: { code } });
  assert.equal(res.status, 204, res.text);
  c.steppedUpAt = before;
  c.onSteppedUp?.(before);
}

// The first System Administrator has two-step verification active (a System Administrator needs
// it for roles, bank agreements and integration keys). Every test file of a run shares them, in
// separate processes: their TOTP secret and the last TOTP step used live in a file in the run's
// storage directory, so each code is fresh (the server refuses a step at or before the last).
const adminStateFile = () => join(process.env.PERSIST_DIR ?? '/tmp', 'test-admin-two-step.json');
const readAdminState = () => (existsSync(adminStateFile()) ? JSON.parse(readFileSync(adminStateFile(), 'utf8')) : undefined);
const writeAdminState = (state) => writeFileSync(adminStateFile(), JSON.stringify(state));
const currentStep = () => Math.floor(Date.now() / 1000 / 30);

/** The base32 TOTP secret of `ADMIN`, once their two-step verification is active. */
export const adminTotpSecret = () => readAdminState()?.secret;

/** A fresh code of `ADMIN`'s authenticator: a step after the last one used (the next step is
 * accepted too; beyond that this waits). */
export async function adminCode() {
  const state = readAdminState();
  assert.ok(state, 'the administrator has not activated two-step verification yet');
  let step = Math.max(currentStep(), state.lastStep + 1);
  while (step > currentStep() + 1) {
    await new Promise((r) => setTimeout(r, 500));
    step = Math.max(currentStep(), state.lastStep + 1);
  }
  writeAdminState({ ...readAdminState(), lastStep: step });
  return totpCodeAtStep(state.secret, step);
}

/** Activates two-step verification for the signed-in `ADMIN` client (once per run) and steps up.
 * `c` may be an API client or anything with the same `call`. */
export async function adminActivatesTwoStep(c) {
  const enrol = await c.call('POST', '/api/v1/me/two-step/enrolment');
  assert.equal(enrol.status, 200, enrol.text);
  const step = currentStep();
  writeAdminState({ secret: enrol.body.secret, lastStep: step });
  const activated = await c.call('POST', '/api/v1/me/two-step/activate', { json: { code: totpCode(enrol.body.secret) } });
  assert.equal(activated.status, 200, activated.text);
  await stepUp(c, await adminCode());
}

/** The organisation's first System Administrator, signed in (with a code once two-step
 * verification is active, which the first call activates) and stepped up on demand. Sets the
 * organisation up when no user exists yet. */
export async function firstAdmin() {
  const state = await call('GET', '/api/v1/session');
  const admin = client();
  if (state.body.first_run) {
    // Whichever test file comes first also proves the first-run race: of two concurrent
    // set-ups exactly one wins and the other is refused with 409.
    const [a, b] = await Promise.all([
      call('POST', '/api/v1/setup/first-admin', { json: ADMIN }),
      call('POST', '/api/v1/setup/first-admin', { json: ADMIN }),
    ]);
    assert.deepEqual([a.status, b.status].sort(), [201, 409], `${a.text} / ${b.text}`);
    const winner = a.status === 201 ? a : b;
    assert.equal(winner.body.first_run, false);
    assert.equal(winner.body.user.is_system_admin, true);
    assert.equal(winner.body.user.email, ADMIN.email);
    assertProblem(a.status === 409 ? a : b, 409);
  }
  // One session of the administrator serves every test file of the run (each sign-in would
  // spend a TOTP step); it is signed in again when it has ended.
  const saved = readAdminState();
  if (saved?.cookie) {
    admin.cookie = saved.cookie;
    const me = await admin.call('GET', '/api/v1/session');
    if (me.body?.user?.email === ADMIN.email) {
      admin.steppedUpAt = saved.steppedUpAt ?? 0;
    } else {
      admin.cookie = undefined;
    }
  }
  if (!admin.cookie) {
    await signIn(admin, ADMIN);
    if (!readAdminState()) await adminActivatesTwoStep(admin);
    writeAdminState({ ...readAdminState(), cookie: admin.cookie, steppedUpAt: admin.steppedUpAt });
  }
  admin.stepUpWith = adminCode;
  admin.onSteppedUp = (at) => writeAdminState({ ...readAdminState(), steppedUpAt: at });
  return admin;
}

/** Signs `c` in and asserts success; answers the session state. `ADMIN` signs in with a fresh
 * code when none is given and their two-step verification is active. */
export async function signIn(c, { email, password, code }) {
  if (email === ADMIN.email && code === undefined && readAdminState()) code = await adminCode();
  const res = await c.call('POST', '/api/v1/session', { json: { email, password, code } });
  assert.equal(res.status, 200, res.text);
  assert.ok(res.body.user, 'signed in');
  return res.body;
}

/** A new user created by `admin`, already past the one-time password, signed in. */
export async function newUser(admin, { roles = {}, isSystemAdmin = false, name } = {}) {
  const email = `${unique('user')}@example.com`;
  const created = await admin.call('POST', '/api/v1/admin/users', { json: { name: name ?? `User ${email}`, email } });
  assert.equal(created.status, 201, created.text);
  const id = created.body.user.id;
  if (Object.keys(roles).length || isSystemAdmin) {
    const r = await admin.call('PUT', `/api/v1/admin/users/${id}/roles`, { json: { is_system_admin: isSystemAdmin, roles } });
    assert.equal(r.status, 200, r.text);
  }
  const c = client();
  await signIn(c, { email, password: created.body.initial_password });
  const password = `a new password ${unique()}`;
  const changed = await c.call('POST', '/api/v1/me/password', {
    json: { current_password: created.body.initial_password, new_password: password },
  });
  assert.equal(changed.status, 204, changed.text);
  return { id, email, password, client: c };
}

/** A new company created by `admin`. */
/** Every item of a paged admin list, following next_cursor; asserts each page's bound. */
export async function allPages(admin, path, limit = 200) {
  const items = [];
  let cursor = null;
  for (let pages = 0; pages < 1000; pages++) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await admin.call('GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(res.status, 200, res.text);
    assert.ok(res.body.items.length <= limit, `a page holds at most ${limit}`);
    items.push(...res.body.items);
    cursor = res.body.next_cursor;
    if (!cursor) return items;
  }
  assert.fail('the list never ended');
}

export async function newCompany(admin, overrides = {}) {
  const res = await admin.call('POST', '/api/v1/admin/companies', {
    json: { name: unique('Company '), org_number: '912345678', country: 'NO', base_currency: 'NOK', ...overrides },
  });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

/** The TOTP code `oathtool` computes for a base32 secret, `offsetSteps` steps from now. */
export function totpCode(secret, offsetSteps = 0) {
  const args = ['--totp', '-b', secret];
  if (offsetSteps) args.push('-N', `now ${offsetSteps >= 0 ? '+' : '-'} ${Math.abs(offsetSteps) * 30} seconds`);
  return execFileSync('/usr/bin/oathtool', args, { encoding: 'utf8' }).trim();
}

/** The TOTP code `oathtool` computes for a base32 secret at time step `step` (unix seconds / 30). */
export function totpCodeAtStep(secret, step) {
  return execFileSync('/usr/bin/oathtool', ['--totp', '-b', secret, '-N', `@${step * 30 + 15}`], { encoding: 'utf8' }).trim();
}

/** A well-formed base32 secret that belongs to no user (RFC 6238's test secret). */
export const STRANGER_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

/** Enrols and activates two-step verification for the signed-in client; answers the secret,
 * the enrolment and the ten recovery codes the activation answered (the activation used the
 * current TOTP step, so a caller picks the next one for a fresh code). */
export async function activateTwoStep(c) {
  const enrol = await c.call('POST', '/api/v1/me/two-step/enrolment');
  assert.equal(enrol.status, 200, enrol.text);
  const secret = enrol.body.secret;
  const activated = await c.call('POST', '/api/v1/me/two-step/activate', { json: { code: totpCode(secret) } });
  assert.equal(activated.status, 200, activated.text);
  assert.equal(activated.body.two_step_active, true);
  return { secret, enrolment: enrol.body, recoveryCodes: activated.body.recovery_codes, activated: activated.body };
}

/** Request headers of an integration client; `version` null sends no X-Client-Version. */
export const integrationHeaders = (secret, version = '14.00') => ({
  authorization: `Bearer ${secret}`,
  ...(version === null ? {} : { 'x-client-version': version }),
});

export { BASE_URL };

/** An API client that speaks with the session of a browser page (its context's cookies), for
 * the steps a browser test does not drive through the screens. */
export const pageClient = (page) => ({
  async call(method, path, { json } = {}) {
    const res = await page.request.fetch(BASE_URL + path, { method, ...(json === undefined ? {} : { data: json }) });
    const text = await res.text();
    let body;
    try { body = text ? JSON.parse(text) : undefined; } catch { body = undefined; }
    return { status: res.status(), body, text };
  },
});
