// Approval workflows (issue 10): a System Administrator saves a draft (validated), tries it in
// the simulator and activates it; a new invoice follows the active version step by step (only
// the waiting step's approvers see it on their task list and may decide it), Approve and pay is
// offered on the approval that completes the workflow, a workflow activated later changes no
// running process, and a route that cannot go on is Blocked (in the overview, with its reason),
// never skipped.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { assertProblem } from '../support/http.mjs';
import { firstAdmin, newUser, allPages } from '../support/org.mjs';
import { readyCompany, approver, newInvoice, task, approveAndPay, bundle, sign } from '../support/approval.mjs';

let admin;
let company;
let budget;
let cfo;
let kari;

const NOK = (minor) => [{ currency: 'NOK', minor }];

/** Budget owner first; the CFO at or above 250,000 NOK; anyone else for a new supplier. */
const financeWorkflow = () => ({
  steps: [
    { name: 'Budget owner', condition: { kind: 'always' }, approvers: { kind: 'users', users: [budget.id] }, needed: 'any_one' },
    { name: 'CFO', condition: { kind: 'amount_at_least', limits: NOK(25_000_000) }, approvers: { kind: 'group', name: 'CFO office' }, needed: 'any_one' },
    { name: 'New supplier', condition: { kind: 'new_supplier' }, approvers: { kind: 'invoice_approvers' }, needed: 'any_one' },
  ],
  distinct_approvers: 2,
  groups: { 'CFO office': [cfo.id] },
});

const workflowOf = async (c = company) => {
  const res = await admin.call('GET', `/api/v1/companies/${c.id}/workflow`);
  assert.equal(res.status, 200, res.text);
  return res.body;
};

async function saveDraft(workflow, c = company) {
  const { version } = await workflowOf(c);
  return admin.call('PUT', `/api/v1/companies/${c.id}/workflow/draft`, { json: { expected_version: version, workflow } });
}

async function activate(c = company) {
  const { version } = await workflowOf(c);
  const res = await admin.call('POST', `/api/v1/companies/${c.id}/workflow/activate`, { json: { expected_version: version } });
  assert.equal(res.status, 200, res.text);
  return res.body;
}

const taskIds = async (user) => (await allPages(user.client, `/api/v1/tasks?company=${company.id}`)).map((r) => r.id);

async function approve(user, id) {
  const t = await task(user, id);
  return user.client.call('POST', `/api/v1/tasks/${id}/approve`, { json: { expected_version: t.version } });
}

before(async () => {
  admin = await firstAdmin();
  company = await readyCompany(admin);
  budget = await approver(admin, [company]);
  cfo = await approver(admin, [company]);
  kari = await approver(admin, [company]);
});

test('a draft is validated, only a System Administrator edits it, and a stale version is refused', async () => {
  const empty = await workflowOf();
  assert.equal(empty.draft, null);
  assert.equal(empty.active, null);
  const names = empty.approvers.map((a) => a.id).sort();
  assert.deepEqual(names, [budget.id, cfo.id, kari.id].sort(), 'the editor can name the company’s approvers');

  const bad = financeWorkflow();
  bad.steps[0].name = ' ';
  bad.steps[1].approvers = { kind: 'group', name: 'Board' };
  const refused = await saveDraft(bad);
  assertProblem(refused, 422);
  assert.match(refused.body.detail, /Step 1: a name has 1 to 60 characters/);
  assert.match(refused.body.detail, /Step 2: there is no approver group “Board”/);
  assert.equal((await workflowOf()).draft, null, 'nothing was saved');

  const notAdmin = await budget.client.call('GET', `/api/v1/companies/${company.id}/workflow`);
  assertProblem(notAdmin, 403);
  const { version } = await workflowOf();
  const byApprover = await budget.client.call('PUT', `/api/v1/companies/${company.id}/workflow/draft`, {
    json: { expected_version: version, workflow: financeWorkflow() },
  });
  assertProblem(byApprover, 403);

  const saved = await saveDraft(financeWorkflow());
  assert.equal(saved.status, 200, saved.text);
  assert.equal(saved.body.draft.steps.length, 3);
  const stale = await admin.call('PUT', `/api/v1/companies/${company.id}/workflow/draft`, {
    json: { expected_version: version, workflow: financeWorkflow() },
  });
  assertProblem(stale, 409);

  const noDraftElsewhere = await readyCompany(admin);
  const { version: v } = await workflowOf(noDraftElsewhere);
  const nothing = await admin.call('POST', `/api/v1/companies/${noDraftElsewhere.id}/workflow/activate`, { json: { expected_version: v } });
  assertProblem(nothing, 422);
  assert.match(nothing.body.detail, /no draft/);
});

test('the simulator shows which steps an invoice goes through, who decides them and why', async () => {
  const simulate = async (body) => {
    const res = await admin.call('POST', `/api/v1/companies/${company.id}/workflow/simulate`, { json: body });
    assert.equal(res.status, 200, res.text);
    return res.body;
  };
  const large = await simulate({ amount: '300000.00', currency: 'NOK', supplier_is_new: true });
  assert.deepEqual(large.steps.map((s) => [s.name, s.applies]), [['Budget owner', true], ['CFO', true], ['New supplier', true]]);
  assert.equal(large.blocked, null);
  assert.equal(large.steps[0].approvers.length, 1);
  assert.equal(large.steps[2].approvers.length, 3, 'everyone with Invoice Approver');
  assert.match(large.steps[1].why, /meets the step's limit/);

  const small = await simulate({ amount: '1000', currency: 'NOK', supplier_is_new: false });
  assert.deepEqual(small.steps.map((s) => s.applies), [true, false, false]);
  assert.match(small.steps[1].why, /does not meet/);
  assert.match(small.steps[2].why, /approved before/);
  assert.match(small.blocked, /needs 2 different approvers/, 'one step cannot give four eyes');

  const euro = await simulate({ amount: '10', currency: 'EUR' });
  assert.equal(euro.steps[1].applies, true, 'no EUR limit: the CFO step applies, to be safe');

  const badAmount = await admin.call('POST', `/api/v1/companies/${company.id}/workflow/simulate`, { json: { amount: 'lots', currency: 'NOK' } });
  assertProblem(badAmount, 400);
  assert.equal(badAmount.body.errors[0].field, 'amount');
  const badCurrency = await admin.call('POST', `/api/v1/companies/${company.id}/workflow/simulate`, { json: { amount: '10', currency: 'XYZ' } });
  assertProblem(badCurrency, 400);
  assert.equal(badCurrency.body.errors[0].field, 'currency');
});

test('a 300,000 NOK invoice from a new supplier goes budget owner → CFO → a third person, who may approve and pay', async () => {
  const activated = await activate();
  assert.equal(activated.active.version, 1);
  assert.ok(activated.active.activated_by);

  const id = await newInvoice(company, { amount: '300000.00' });
  const first = await task(budget, id);
  assert.equal(first.standing, 'can_decide');
  assert.equal(first.required_approvals, 3);
  assert.equal(first.approve_and_pay_offered, false);
  assert.ok(first.approve_and_pay_missing.some((m) => /completes the workflow/.test(m)), first.approve_and_pay_missing.join(' | '));
  assert.ok(first.warnings.some((w) => w.kind === 'workflow_step' && /Step 1 of 3: “Budget owner”/.test(w.message)));
  assert.match(first.history[0].detail, /follows workflow version 1: “Budget owner”, “CFO”, “New supplier”/);

  // Only the waiting step's approver has it on the task list, and only they may decide.
  assert.ok((await taskIds(budget)).includes(id));
  assert.ok(!(await taskIds(cfo)).includes(id), 'the CFO does not see it before the budget owner approved');
  assert.equal((await task(cfo, id)).standing, 'other_step');
  const early = await approve(cfo, id);
  assertProblem(early, 403);
  assert.match(early.body.detail, /waits for the step “Budget owner”/);

  const byBudget = await approve(budget, id);
  assert.equal(byBudget.status, 200, byBudget.text);
  assert.equal(byBudget.body.status, 'awaiting_second_approval');
  assert.ok((await taskIds(cfo)).includes(id));
  assert.ok(!(await taskIds(budget)).includes(id));
  const again = await approve(budget, id);
  assertProblem(again, 422); // the same person never approves twice

  const byCfo = await approve(cfo, id);
  assert.equal(byCfo.status, 200, byCfo.text);
  const last = await task(kari, id);
  assert.equal(last.standing, 'can_decide');
  assert.equal(last.approve_and_pay_offered, true, last.approve_and_pay_missing.join(' | '));
  assert.ok(!(await taskIds(budget)).includes(id) && !(await taskIds(cfo)).includes(id));

  await approveAndPay(kari, id);
  const b = await bundle(kari);
  const signed = await sign(kari, b.digest);
  assert.equal(signed.status, 200, signed.text);
  const done = await task(kari, id);
  assert.equal(done.status, 'payment_approved');
  assert.equal(done.approvers.length, 3);
  assert.ok(done.history.some((h) => /Approved the step “CFO”; the step “New supplier” is next/.test(h.detail)));
});

test('a workflow activated later changes no running process; new ones follow the new version', async () => {
  const running = await newInvoice(company, { amount: '300000.00' });
  // Version 2: the CFO alone.
  const saved = await saveDraft({
    steps: [{ name: 'CFO only', condition: { kind: 'always' }, approvers: { kind: 'users', users: [cfo.id] }, needed: 'any_one' }],
    distinct_approvers: 1,
    groups: {},
  });
  assert.equal(saved.status, 200, saved.text);
  assert.equal((await activate()).active.version, 2);

  const old = await task(budget, running);
  assert.equal(old.standing, 'can_decide', 'the running process still waits for its budget owner');
  assert.match(old.history[0].detail, /workflow version 1/);

  const fresh = await newInvoice(company, { amount: '300000.00' });
  assert.equal((await task(budget, fresh)).standing, 'other_step');
  const cfoTask = await task(cfo, fresh);
  assert.equal(cfoTask.standing, 'can_decide');
  assert.equal(cfoTask.approve_and_pay_offered, true, 'one step: its approval completes the workflow');
  assert.match(cfoTask.history[0].detail, /workflow version 2: “CFO only”/);
});

test('a route that cannot go on is Blocked in the overview with its reason and can only be rejected', async () => {
  const other = await readyCompany(admin);
  const lone = await approver(admin, [other]);
  const { version } = await workflowOf(other);
  const saved = await admin.call('PUT', `/api/v1/companies/${other.id}/workflow/draft`, {
    json: {
      expected_version: version,
      workflow: {
        steps: [{ name: 'Controller', condition: { kind: 'always' }, approvers: { kind: 'users', users: [lone.id] }, needed: 'any_one' }],
        distinct_approvers: 2,
        groups: {},
      },
    },
  });
  assert.equal(saved.status, 200, saved.text);
  await activate(other);
  const id = await newInvoice(other, { amount: '500.00' });

  const rows = await allPages(admin, `/api/v1/admin/processes?company=${other.id}&status=blocked`);
  const row = rows.find((r) => r.id === id);
  assert.ok(row, 'the overview lists it under Blocked');
  assert.ok(row.warnings.some((w) => w.kind === 'blocked' && /needs 2 different approvers/.test(w.message)), JSON.stringify(row.warnings));
  assert.ok(!(await allPages(lone.client, `/api/v1/tasks?company=${other.id}`)).some((r) => r.id === id), 'on nobody’s task list');

  const t = await task(lone, id);
  assert.equal(t.standing, 'blocked');
  const approved = await lone.client.call('POST', `/api/v1/tasks/${id}/approve`, { json: { expected_version: t.version } });
  assertProblem(approved, 409);
  assert.match(approved.body.detail, /blocked/);
  const rejected = await lone.client.call('POST', `/api/v1/tasks/${id}/reject`, { json: { expected_version: t.version, comment: 'Nobody can approve this one.' } });
  assert.equal(rejected.status, 200, rejected.text);
  assert.equal(rejected.body.status, 'rejected');
});

test('a company without a workflow works as before: every Invoice Approver sees its tasks', async () => {
  const plain = await readyCompany(admin);
  const a = await approver(admin, [plain]);
  const b = await newUser(admin, { roles: { [plain.id]: ['invoice_approver'] } });
  const id = await newInvoice(plain);
  for (const user of [a, b]) {
    const ids = (await allPages(user.client, `/api/v1/tasks?company=${plain.id}`)).map((r) => r.id);
    assert.ok(ids.includes(id));
  }
  assert.equal((await task(b, id)).standing, 'can_decide');
});
