// Reminders, escalation and notifications (issue 10): the hourly run (the Cron Trigger, fired
// here through `wrangler dev --test-scheduled`) marks tasks soon overdue and overdue, escalates a
// task overdue for the company's delay to its escalation approver with an event, and tells each
// person once in their notification list; running it twice sends nothing twice. New tasks and
// reviews are told as they happen. The company webhook receives the same events as JSON signed
// with HMAC-SHA256, retried with back-off, and its delivery log is the administrator's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHmac } from 'node:crypto';
import { assertProblem, call } from '../support/http.mjs';
import { firstAdmin, newUser } from '../support/org.mjs';
import { readyCompany, approver, newInvoice, task, ownerWorkflow } from '../support/approval.mjs';

let admin;
let company;
let ola; // the budget owner: every invoice is his
let kari; // asked for a review
let boss; // the escalation approver

const day = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** Fires the hourly run and waits for it to finish (wrangler dev answers when it has). */
async function runHourly() {
  const res = await call('GET', '/__scheduled?cron=0+*+*+*+*');
  assert.equal(res.status, 200, res.text);
}

async function notifications(user) {
  const res = await user.client.call('GET', '/api/v1/me/notifications');
  assert.equal(res.status, 200, res.text);
  return res.body;
}

const kinds = (list, id) => list.items.filter((n) => n.process_id === id).map((n) => n.kind).sort();

// A local receiver for the webhook: answers 500 to the first delivery, then 200.
const received = [];
let failNext = 1;
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => { body += d; });
  req.on('end', () => {
    received.push({ headers: req.headers, body });
    if (failNext > 0) {
      failNext--;
      res.writeHead(500).end('not now');
    } else {
      res.writeHead(204).end();
    }
  });
});

before(async () => {
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  admin = await firstAdmin();
  company = await readyCompany(admin);
  ola = await approver(admin, [company]);
  kari = await approver(admin, [company]);
  boss = await approver(admin, [company]);
  await ownerWorkflow(admin, company, ola);
});

after(() => receiver.close());

test('escalation settings: bounded, and only an active Invoice Approver of the company', async () => {
  const patch = (json) => admin.call('PATCH', `/api/v1/companies/${company.id}/settings`, { json });
  const outsider = await newUser(admin);
  const wrongPerson = await patch({ escalation_user: outsider.id });
  assertProblem(wrongPerson, 400);
  assert.equal(wrongPerson.body.errors[0].field, 'escalation_user');
  const tooLong = await patch({ escalate_after_days: 31 });
  assertProblem(tooLong, 400);
  assert.equal(tooLong.body.errors[0].field, 'escalate_after_days');
  // Only a System Administrator sets them.
  const byApprover = await ola.client.call('PATCH', `/api/v1/companies/${company.id}/settings`, { json: { escalate_after_days: 3 } });
  assert.equal(byApprover.status, 403, byApprover.text);

  const set = await patch({ escalate_after_days: 2, escalation_user: boss.id });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.body.settings.escalate_after_days, 2);
  assert.equal(set.body.settings.escalation_user, boss.id);
});

test('the webhook: https only, the secret answered once, administrators only', async () => {
  const put = (json, who = admin) => who.call('PUT', `/api/v1/companies/${company.id}/webhook`, { json });
  const plain = await put({ url: 'http://hooks.example.com/ap' });
  assertProblem(plain, 400);
  assert.equal(plain.body.errors[0].field, 'url');
  assertProblem(await put({ url: 'https://user:pw@example.com/x' }), 400);
  assert.equal((await put({ url: 'https://hooks.example.com' }, ola.client)).status, 403);

  const set = await put({ url: `http://127.0.0.1:${receiver.address().port}/hook` });
  assert.equal(set.status, 200, set.text);
  assert.match(set.body.secret, /^whsec_[0-9a-f]{64}$/);
  company.webhookSecret = set.body.secret;
  const again = await admin.call('GET', `/api/v1/companies/${company.id}/webhook`);
  assert.equal(again.status, 200, again.text);
  assert.equal(again.body.secret, undefined, 'the secret is never shown again');
  assert.equal(again.body.url, `http://127.0.0.1:${receiver.address().port}/hook`);
});

test('the hourly run reminds once, escalates with an event, and the notification list and header count follow', async () => {
  const onTime = await newInvoice(company, { invoice_date: day(-40), due_date: day(20) });
  const soon = await newInvoice(company, { invoice_date: day(-40), due_date: day(1) });
  // Six calendar days overdue are at least four working days, whatever today is.
  const late = await newInvoice(company, { invoice_date: day(-40), due_date: day(-6) });

  // New tasks are told at intake, to the step's approver only.
  let olas = await notifications(ola);
  for (const id of [onTime, soon, late]) assert.deepEqual(kinds(olas, id), ['new_task'], JSON.stringify(olas.items));
  assert.equal(kinds(await notifications(kari), late).length, 0, 'Kari has no part in these tasks');

  await runHourly();
  olas = await notifications(ola);
  assert.deepEqual(kinds(olas, onTime), ['new_task'], 'a task far from its due date is not reminded');
  assert.deepEqual(kinds(olas, soon), ['new_task', 'soon_overdue']);
  assert.deepEqual(kinds(olas, late), ['new_task', 'overdue']);
  const boss1 = await notifications(boss);
  assert.deepEqual(kinds(boss1, late), ['escalated']);
  const escalated = boss1.items.find((n) => n.process_id === late);
  assert.ok(Number(escalated.detail) >= 4, `working days overdue: ${escalated.detail}`);

  // The escalated task is the boss's now; the history says so, with no person as actor.
  const t = await task(boss, late);
  assert.equal(t.standing, 'can_decide', JSON.stringify(t));
  const entry = t.history.find((h) => h.kind === 'escalated');
  assert.ok(entry, JSON.stringify(t.history));
  assert.match(entry.detail, /Escalated to .*working days overdue/);
  assert.notEqual((await task(ola, late)).standing, 'can_decide');

  // A second run sends nothing twice.
  await runHourly();
  assert.equal((await notifications(ola)).items.length, olas.items.length);
  assert.equal((await notifications(boss)).items.filter((n) => n.process_id === late).length, 1);
  const history = (await task(boss, late)).history.filter((h) => h.kind === 'escalated');
  assert.equal(history.length, 1, 'escalated once');

  // The header's count is the unread count; marking all read clears it.
  const session = await ola.client.call('GET', '/api/v1/session');
  assert.equal(session.body.user.unread_notifications, olas.unread);
  assert.ok(olas.unread >= 5, `unread: ${olas.unread}`);
  const one = olas.items[0].id;
  const readOne = await ola.client.call('POST', '/api/v1/me/notifications/read', { json: { ids: [one] } });
  assert.equal(readOne.status, 200, readOne.text);
  assert.equal(readOne.body.unread, olas.unread - 1);
  assert.equal(readOne.body.items.find((n) => n.id === one).read, true);
  const readAll = await ola.client.call('POST', '/api/v1/me/notifications/read', { json: {} });
  assert.equal(readAll.body.unread, 0);
  assert.equal((await ola.client.call('GET', '/api/v1/session')).body.user.unread_notifications, 0);
});

test('a review asked is told to the reviewer, the answer to the approver', async () => {
  const id = await newInvoice(company, { invoice_date: day(-40), due_date: day(30) });
  const t = await task(ola, id);
  const asked = await ola.client.call('POST', `/api/v1/tasks/${id}/review`, {
    json: { expected_version: t.version, reviewer: kari.id, question: 'Did we order this?' },
  });
  assert.equal(asked.status, 200, asked.text);
  const karis = await notifications(kari);
  const review = karis.items.find((n) => n.process_id === id);
  assert.equal(review.kind, 'review_requested');
  assert.match(review.detail, /Did we order this\?/);
  const answered = await kari.client.call('POST', `/api/v1/tasks/${id}/review/answer`, {
    json: { expected_version: asked.body.version, answer: 'Yes, in March.' },
  });
  assert.equal(answered.status, 200, answered.text);
  assert.deepEqual(kinds(await notifications(ola), id), ['new_task', 'new_task']);
});

test('bad input to the notification list changes nothing', async () => {
  const many = await ola.client.call('POST', '/api/v1/me/notifications/read', { json: { ids: Array.from({ length: 51 }, (_, i) => `x${i}`) } });
  assertProblem(many, 400);
  assert.equal(many.body.errors[0].field, 'ids');
  assertProblem(await ola.client.call('POST', '/api/v1/me/notifications/read', { json: { ids: 'all' } }), 400);
  assert.equal((await call('GET', '/api/v1/me/notifications')).status, 401);
  assert.equal((await ola.client.call('DELETE', '/api/v1/me/notifications')).status, 405);
});

test('the webhook receives each event signed, a failed delivery is logged and retried', async () => {
  assert.ok(received.length >= 1, 'events were sent');
  // Every delivery verifies with the secret, over "timestamp.body".
  for (const r of received) {
    const [t, v1] = r.headers['x-approve-and-pay-signature'].split(',').map((p) => p.split('=')[1]);
    const expected = createHmac('sha256', company.webhookSecret).update(`${t}.${r.body}`).digest('hex');
    assert.equal(v1, expected, 'signature');
    assert.ok(Math.abs(Date.now() / 1000 - Number(t)) < 600, 'a fresh timestamp');
    const event = JSON.parse(r.body);
    assert.equal(event.company_id, company.id);
    assert.equal(r.headers['x-approve-and-pay-delivery'], event.id);
  }
  const events = received.map((r) => JSON.parse(r.body));
  for (const kind of ['new_task', 'soon_overdue', 'overdue', 'escalated', 'review_requested']) {
    assert.ok(events.some((e) => e.kind === kind), `the webhook heard of ${kind}`);
  }
  // The first delivery was answered 500: it is in the log as waiting, with when it is tried again.
  const log = await admin.call('GET', `/api/v1/companies/${company.id}/webhook`);
  assert.equal(log.status, 200, log.text);
  const first = JSON.parse(received[0].body).id;
  const failed = log.body.deliveries.find((d) => d.id === first);
  assert.equal(failed.status, 'pending', JSON.stringify(failed));
  assert.equal(failed.attempts, 1);
  assert.equal(failed.last_result, 'HTTP 500');
  const backOff = (Date.parse(failed.next_attempt_at) - Date.parse(failed.created_at)) / 1000;
  assert.ok(backOff >= 59 && backOff <= 75, `tried again about a minute later: ${backOff} s`);
  assert.ok(log.body.deliveries.some((d) => d.status === 'delivered' && d.last_result === 'HTTP 204'));
  // Not before it is due: the run leaves it waiting.
  const before = received.length;
  if (Date.parse(failed.next_attempt_at) - Date.now() > 5000) {
    await runHourly();
    assert.equal(received.filter((r) => JSON.parse(r.body).id === first).length, 1, 'not retried early');
  }
  // Once due, the hourly run delivers it, the same body under a fresh signature.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(failed.next_attempt_at) - Date.now() + 1500)));
  await runHourly();
  const retries = received.slice(before).filter((r) => JSON.parse(r.body).id === first);
  assert.equal(retries.length, 1, 'retried once');
  assert.equal(retries[0].body, received[0].body);
  const after = (await admin.call('GET', `/api/v1/companies/${company.id}/webhook`)).body.deliveries.find((d) => d.id === first);
  assert.equal(after.status, 'delivered');
  assert.equal(after.attempts, 2);
  assert.equal(after.next_attempt_at, undefined);
  // Others of the company's users never see the log.
  assert.equal((await ola.client.call('GET', `/api/v1/companies/${company.id}/webhook`)).status, 403);
});

test('while the approver is away, their substitute is told too, for whom', async () => {
  const away = await ola.client.call('POST', '/api/v1/me/absences', { json: { substitute: kari.id, from: day(0), to: day(2) } });
  assert.equal(away.status, 201, away.text);
  const id = await newInvoice(company, { invoice_date: day(-40), due_date: day(30) });
  const told = (await notifications(kari)).items.find((n) => n.process_id === id);
  assert.equal(told?.kind, 'new_task', JSON.stringify(told));
  assert.match(told.on_behalf_of, /^User /, 'names the absent approver');
  assert.deepEqual(kinds(await notifications(ola), id), ['new_task'], 'the absent approver keeps theirs');
  const removed = await ola.client.call('DELETE', `/api/v1/me/absences/${away.body.absences.find((a) => a.mine).id}`);
  assert.equal(removed.status, 200, removed.text);
});
