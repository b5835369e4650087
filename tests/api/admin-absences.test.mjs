// Substitutes set by an administrator (issue 10: "an administrator can do it for them"): a System
// Administrator lists, sets and removes a user's absence at /api/v1/admin/users/{id}/absences
// with the rules the user's own absences follow (the registry applies them in the same command
// that stores it); anyone else gets 403, an unknown user 404, bad input a 4xx problem naming
// the field; the audit events name the administrator. The user sees what was set on My details.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { assertProblem, call } from '../support/http.mjs';
import { ADMIN, firstAdmin, newUser, unique } from '../support/org.mjs';
import { readyCompany, approver } from '../support/approval.mjs';

let admin;
let company;
let ola;
let kari;

const day = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const path = (user, rest = '') => `/api/v1/admin/users/${user.id}/absences${rest}`;
const setFor = (user, substitute, from = day(1), to = day(4), by = admin) =>
  by.call('POST', path(user), { json: { substitute: substitute.id, from, to } });
const events = async (kind) =>
  (await admin.call('GET', `/api/v1/admin/events?kind=${kind}&actor=${encodeURIComponent(ADMIN.email)}`)).body.items;

before(async () => {
  admin = await firstAdmin();
  company = await readyCompany(admin);
  ola = await approver(admin, [company], { twoStep: false });
  kari = await approver(admin, [company], { twoStep: false });
});

test('only a System Administrator manages another user’s absences; an unknown user is 404', async () => {
  for (const res of [
    await ola.client.call('GET', path(kari)),
    await setFor(kari, ola, day(1), day(2), ola.client),
    await ola.client.call('DELETE', path(kari, '/whatever')),
  ]) {
    assertProblem(res, 403);
  }
  assertProblem(await call('GET', path(kari)), 401);
  const nobody = { id: unique('u') };
  assertProblem(await admin.call('GET', path(nobody)), 404);
  assertProblem(await setFor(nobody, kari), 404);
  assertProblem(await admin.call('DELETE', path(nobody, '/whatever')), 404);
  assertProblem(await admin.call('GET', '/api/v1/admin/users/not%20an%20id/absences'), 404);
  assertProblem(await admin.call('PUT', path(kari)), 405);
  assertProblem(await admin.call('GET', path(kari, '/whatever')), 405);
});

test('the rules are the user’s own: not their own substitute, an Invoice Approver, days readable and not over', async () => {
  const self = await setFor(ola, ola);
  assertProblem(self, 422);
  assert.match(self.body.detail, /own substitute/);
  const outsider = await newUser(admin);
  const notApprover = await setFor(ola, outsider);
  assertProblem(notApprover, 422);
  assert.match(notApprover.body.detail, /Invoice Approver/);
  const unknown = await admin.call('POST', path(ola), { json: { substitute: unique('u'), from: day(1), to: day(2) } });
  assertProblem(unknown, 400);
  assert.equal(unknown.body.errors[0].field, 'substitute');
  const past = await setFor(ola, kari, day(-5), day(-1));
  assertProblem(past, 400);
  assert.equal(past.body.errors[0].field, 'to');
  const garbage = await admin.call('POST', path(ola), { json: { substitute: kari.id, from: 'soon', to: day(2) } });
  assertProblem(garbage, 400);
  assert.equal(garbage.body.errors[0].field, 'from');
  const backwards = await setFor(ola, kari, day(4), day(2));
  assertProblem(backwards, 422);
  assertProblem(await admin.call('POST', path(ola), { body: 'not json', headers: { 'content-type': 'application/json' } }), 400);
  assert.equal((await admin.call('GET', path(ola))).body.absences.length, 0, 'nothing was stored');
});

test('the administrator sets Ola’s absence; Ola and Kari see it, and the event names the administrator', async () => {
  const set = await setFor(ola, kari);
  assert.equal(set.status, 201, set.text);
  assert.equal(set.body.absences.length, 1);
  const [absence] = set.body.absences;
  assert.equal(absence.mine, true, 'the list is Ola’s: his own absence');
  assert.equal(absence.from, day(1));
  assert.equal(absence.to, day(4));
  assert.ok(set.body.people.some((p) => p.id === kari.id), 'who can substitute for Ola');
  assert.ok(!set.body.people.some((p) => p.id === ola.id));

  const olas = await ola.client.call('GET', '/api/v1/me/absences');
  assert.deepEqual(olas.body.absences.map((a) => [a.id, a.mine]), [[absence.id, true]]);
  const karis = await admin.call('GET', path(kari));
  assert.equal(karis.status, 200, karis.text);
  assert.deepEqual(karis.body.absences.map((a) => [a.id, a.mine]), [[absence.id, false]], 'Kari substitutes in it');

  // The event names the administrator and the user; its days are written as the reader reads them.
  const event = (await events('absence_set')).find((e) => e.detail.includes(`for User ${ola.email}:`));
  assert.ok(event, 'an absence_set event by the administrator');
  assert.equal(event.actor, ADMIN.email);
  assert.match(event.detail, new RegExp(`^${ADMIN.name} set an absence for User ${ola.email}: away from .+ to .+; User ${kari.email} substitutes\\.$`));
});

test('overlapping, and the two substituting for each other, are refused for the administrator too', async () => {
  const overlap = await setFor(ola, kari, day(3), day(6));
  assertProblem(overlap, 422);
  assert.match(overlap.body.detail, /overlaps/);
  const eachOther = await setFor(kari, ola, day(2), day(3));
  assertProblem(eachOther, 422);
  assert.match(eachOther.body.detail, /each other/);
  // Ola's own attempt meets the absence the administrator set.
  assertProblem(await ola.client.call('POST', '/api/v1/me/absences', { json: { substitute: kari.id, from: day(2), to: day(2) } }), 422);
});

test('the administrator removes the absence of its user only; the event names them', async () => {
  const { body } = await admin.call('GET', path(ola));
  const id = body.absences[0].id;
  // Kari only substitutes in it: it is not hers to remove.
  assertProblem(await admin.call('DELETE', path(kari, `/${id}`)), 404);
  const removed = await admin.call('DELETE', path(ola, `/${id}`));
  assert.equal(removed.status, 200, removed.text);
  assert.deepEqual(removed.body.absences, []);
  assertProblem(await admin.call('DELETE', path(ola, `/${id}`)), 404);
  assert.deepEqual((await ola.client.call('GET', '/api/v1/me/absences')).body.absences, []);
  const removal = (await events('absence_removed')).find((e) => e.detail === `${ADMIN.name} removed an absence of User ${ola.email}.`);
  assert.ok(removal, 'an absence_removed event naming the administrator and Ola');
});
