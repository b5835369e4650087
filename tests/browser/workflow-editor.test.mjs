// The approval workflow editor (issue 10): a System Administrator opens it from the company
// editor in administration, builds a two-step workflow ("Budget owner" always, one named user;
// "CFO" from 250 000 NOK, another; four eyes 2), reorders a step and back, saves the draft,
// tries it in the simulator (300 000 NOK: both steps apply, with their approvers; 1 000 NOK:
// CFO does not, with the reason), activates it and sees version 1. A bad draft (a step without
// a name) shows the server's 422 sentence. An approver group is made, named in a step, renamed
// (the step follows), kept while a step names it and removed when none does; a save after
// someone else's reloads the draft as saved and says so. In Norwegian the screen reads in
// Norwegian.
// Screenshots and axe at 1280 and 390 px (no sideways scrolling). The tests build on each other.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { launchBrowser, newPage, newContext, screenshot, assertAccessible, BASE_URL } from '../support/browser.mjs';
import { ROOT } from '../support/app.mjs';
import { firstAdmin, newUser, newCompany, unique } from '../support/org.mjs';

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

const nb = (key, values = {}) => {
  const [ns, ...path] = key.split('.');
  let text = JSON.parse(readFileSync(join(ROOT, 'app', 'locales', 'nb', `${ns}.json`), 'utf8'));
  for (const p of path) text = text[p];
  assert.equal(typeof text, 'string', `nb text ${key}`);
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, v) => String(values[v]));
};
// A sentence the server writes, as its Norwegian catalog (core/locales/nb.json) has it.
const catalog = JSON.parse(readFileSync(join(ROOT, 'core', 'locales', 'nb.json'), 'utf8'));

let browser;
let admin;
let company;
let budget;
let cfo;
let page;

const h1 = (p, name) => p.getByRole('heading', { level: 1, name });
const step = (p, n, word = 'Step') => p.getByRole('group', { name: `${word} ${n}`, exact: true });
const unexpectedErrors = (p) =>
  p.errors.filter((e) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(e));
const workflowCall = (path, method) => (r) =>
  r.url().endsWith(`/api/v1/companies/${company.id}/workflow${path}`) && r.request().method() === method;

/** axe and a screenshot at 1280 px, then at 390 px with no sideways scrolling; back to 1280. */
async function lookAt(p, name) {
  await assertAccessible(p, `${name} at 1280 px`);
  await screenshot(p, name);
  await p.setViewportSize(PHONE);
  await p.waitForTimeout(150);
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${name} at 390 px is ${overflow} px too wide`);
  await assertAccessible(p, `${name} at 390 px`);
  await screenshot(p, `phone-${name}`);
  await p.setViewportSize(DESKTOP);
}

before(async () => {
  browser = await launchBrowser();
  admin = await firstAdmin();
  company = await newCompany(admin);
  const tag = unique('');
  const roles = { [company.id]: ['invoice_approver'] };
  budget = { name: `Bente Budget ${tag}`, ...(await newUser(admin, { roles, name: `Bente Budget ${tag}` })) };
  cfo = { name: `Carl Cfo ${tag}`, ...(await newUser(admin, { roles, name: `Carl Cfo ${tag}` })) };
  page = await newPage(browser);
  await page.setViewportSize(DESKTOP);
  const [name, value] = admin.cookie.split(/=(.*)/s);
  await page.context().addCookies([{ name, value, url: BASE_URL }]);
});

after(async () => { await browser?.close(); });

test('the administrator builds a two-step workflow from the company editor and saves the draft', async () => {
  await page.goto('/admin/companies');
  await page.getByRole('button', { name: `Edit ${company.name}` }).click();
  await page.getByTestId('company-editor').getByRole('link', { name: 'Edit the approval workflow' }).click();
  await h1(page, 'Approval workflow').waitFor();
  assert.equal(new URL(page.url()).pathname, `/company/${company.id}/workflow`);
  await page.getByTestId('workflow-active').getByText('No version is active yet').waitFor();

  const first = step(page, 1);
  await first.getByLabel('Step name').fill('Budget owner');
  assert.equal(await first.getByLabel('Applies when').inputValue(), 'always');
  await first.getByLabel('Approved by').selectOption({ label: 'Named users' });
  await first.getByRole('checkbox', { name: budget.name }).check();

  await page.getByRole('button', { name: 'Add step' }).click();
  const second = step(page, 2);
  await second.getByLabel('Step name').fill('CFO');
  await second.getByLabel('Applies when').selectOption({ label: 'The amount is at or above a limit' });
  await second.getByLabel('Limit in NOK').fill('250 000');
  await second.getByLabel('Approved by').selectOption({ label: 'Named users' });
  await second.getByRole('checkbox', { name: cfo.name }).check();
  await page.getByLabel('Different approvers needed (four eyes)').fill('2');

  // Reordered and back: the steps keep what was typed into them.
  await page.getByRole('button', { name: 'Move up, step 2' }).click();
  assert.equal(await step(page, 1).getByLabel('Step name').inputValue(), 'CFO');
  assert.equal(await step(page, 2).getByLabel('Step name').inputValue(), 'Budget owner');
  await page.getByRole('button', { name: 'Move down, step 1' }).click();
  assert.equal(await step(page, 1).getByLabel('Step name').inputValue(), 'Budget owner');
  assert.equal(await step(page, 2).getByLabel('Limit in NOK').inputValue(), '250 000');

  const saved = page.waitForResponse(workflowCall('/draft', 'PUT'));
  await page.getByRole('button', { name: 'Save draft' }).click();
  const answer = await saved;
  assert.equal(answer.status(), 200, await answer.text());
  await page.getByRole('status').filter({ hasText: 'The draft is saved.' }).waitFor();

  const stored = await admin.call('GET', `/api/v1/companies/${company.id}/workflow`);
  assert.equal(stored.status, 200, stored.text);
  assert.deepEqual(stored.body.draft, {
    steps: [
      { name: 'Budget owner', condition: { kind: 'always' }, approvers: { kind: 'users', users: [budget.id] }, needed: 'any_one' },
      {
        name: 'CFO',
        condition: { kind: 'amount_at_least', limits: [{ currency: 'NOK', minor: 25_000_000 }] },
        approvers: { kind: 'users', users: [cfo.id] },
        needed: 'any_one',
      },
    ],
    distinct_approvers: 2,
    groups: {},
  });
  assert.equal(stored.body.active, null);
});

test('the simulator shows which steps apply to an invoice, why, and who approves', async () => {
  const sim = page.getByTestId('simulator');
  const route = page.getByTestId('simulation');
  await sim.getByLabel('Amount').fill('300 000');
  assert.equal(await sim.getByLabel('Currency').inputValue(), 'NOK');
  await sim.getByLabel("Supplier's organisation number").fill('987654321');
  let answered = page.waitForResponse(workflowCall('/simulate', 'POST'));
  await sim.getByRole('button', { name: 'Simulate' }).click();
  assert.equal((await answered).status(), 200);
  const row = (name) => route.locator(`li[data-step="${name}"]`);
  await row('CFO').waitFor();
  assert.equal(await row('Budget owner').getAttribute('data-applies'), 'true');
  assert.equal(await row('CFO').getAttribute('data-applies'), 'true');
  assert.match(await row('Budget owner').innerText(), new RegExp(`Applies[\\s\\S]*${budget.name}`));
  assert.match(await row('CFO').innerText(), new RegExp(`Applies[\\s\\S]*${cfo.name}`));
  assert.equal(await route.getByTestId('simulation-blocked').count(), 0);
  await lookAt(page, 'workflow-editor');

  await sim.getByLabel('Amount').fill('1 000');
  answered = page.waitForResponse(workflowCall('/simulate', 'POST'));
  await sim.getByRole('button', { name: 'Simulate' }).click();
  const body = await (await answered).json();
  await route.locator('li[data-step="CFO"][data-applies="false"]').waitFor();
  const why = body.steps.find((s) => s.name === 'CFO').why;
  assert.ok(why, 'the server says why CFO does not apply');
  assert.match(await row('CFO').innerText(), /Does not apply/);
  assert.ok((await row('CFO').innerText()).includes(why), `"${why}" is shown`);
  assert.equal(await row('Budget owner').getAttribute('data-applies'), 'true');
  // Four eyes 2 with one applying step and one approver: the server says why it is blocked.
  if (body.blocked) await route.getByTestId('simulation-blocked').filter({ hasText: body.blocked }).waitFor();

  // Amounts it cannot read are said at once, without asking the server.
  await sim.getByLabel('Amount').fill('three hundred');
  await sim.getByRole('button', { name: 'Simulate' }).click();
  await sim.getByRole('alert').filter({ hasText: 'Type the amount with digits' }).waitFor();
});

test('activating the saved draft shows version 1', async () => {
  const activated = page.waitForResponse(workflowCall('/activate', 'POST'));
  await page.getByRole('button', { name: 'Activate', exact: true }).click();
  await page.getByText('Activate the saved draft?').waitFor();
  await page.getByRole('button', { name: 'Yes, activate' }).click();
  const answer = await activated;
  assert.equal(answer.status(), 200, await answer.text());
  await page.getByRole('status').filter({ hasText: 'Version 1 is active.' }).waitFor();
  const active = page.getByTestId('active-version');
  await active.filter({ hasText: 'Version 1, activated by' }).waitFor();
  const stored = await admin.call('GET', `/api/v1/companies/${company.id}/workflow`);
  assert.equal(stored.body.active.version, 1);
  assert.deepEqual(stored.body.active.workflow.steps.map((s) => s.name), ['Budget owner', 'CFO']);
  await lookAt(page, 'workflow-activated');
});

test('a draft the server refuses shows its sentence, naming the step', async () => {
  await step(page, 1).getByLabel('Step name').fill('');
  const saved = page.waitForResponse(workflowCall('/draft', 'PUT'));
  await page.getByRole('button', { name: 'Save draft' }).click();
  const answer = await saved;
  assert.equal(answer.status(), 422);
  const problem = await answer.json();
  assert.match(problem.detail, /Step 1/);
  await page.getByTestId('workflow-draft').getByRole('alert').filter({ hasText: problem.detail }).waitFor();
  await screenshot(page, 'workflow-refused');
  // Nothing was saved: the draft is still the one activated.
  const stored = await admin.call('GET', `/api/v1/companies/${company.id}/workflow`);
  assert.equal(stored.body.draft?.steps?.[0]?.name ?? stored.body.active.workflow.steps[0].name, 'Budget owner');
  assert.deepEqual(unexpectedErrors(page), []);
});

test('the administrator makes an approver group, names it in a step, renames it, and removes it only when unused', async () => {
  await page.goto(`/company/${company.id}/workflow`);
  await h1(page, 'Approval workflow').waitFor();
  const groups = page.getByTestId('workflow-groups');
  const group = (n) => groups.getByRole('group', { name: `Group ${n}`, exact: true });
  await groups.getByRole('heading', { name: 'Approver groups' }).waitFor();
  await groups.getByRole('button', { name: 'Add group' }).click();
  await group(1).getByLabel('Group name').fill('Finance');
  await group(1).getByRole('checkbox', { name: budget.name }).check();
  await group(1).getByRole('checkbox', { name: cfo.name }).check();

  const second = step(page, 2);
  await second.getByLabel('Approved by').selectOption({ label: 'A group' });
  await second.getByLabel('Group', { exact: true }).selectOption({ label: 'Finance' });
  const removeFirst = group(1).getByRole('button', { name: 'Remove, group 1' });
  assert.equal(await removeFirst.isDisabled(), true, 'a group a step names cannot be removed');
  await group(1).getByText('Step 2 uses this group').waitFor();

  // Renamed, it stays chosen in the step that names it.
  await group(1).getByLabel('Group name').fill('CFO office');
  assert.equal(await second.getByLabel('Group', { exact: true }).inputValue(), 'CFO office');
  await groups.getByRole('button', { name: 'Add group' }).click();
  await group(2).getByLabel('Group name').fill('Spare');
  await group(2).getByRole('checkbox', { name: cfo.name }).check();

  let saved = page.waitForResponse(workflowCall('/draft', 'PUT'));
  await page.getByRole('button', { name: 'Save draft' }).click();
  let answer = await saved;
  assert.equal(answer.status(), 200, await answer.text());
  let stored = (await admin.call('GET', `/api/v1/companies/${company.id}/workflow`)).body.draft;
  assert.deepEqual(stored.groups, { 'CFO office': [budget.id, cfo.id], Spare: [cfo.id] });
  assert.deepEqual(stored.steps[1].approvers, { kind: 'group', name: 'CFO office' });
  await lookAt(page, 'workflow-groups');

  // The unused group goes; a member unchecked leaves the other.
  assert.equal(await group(2).getByRole('button', { name: 'Remove, group 2' }).isDisabled(), false);
  await group(2).getByRole('button', { name: 'Remove, group 2' }).click();
  assert.equal(await group(2).count(), 0);
  await group(1).getByRole('checkbox', { name: budget.name }).uncheck();
  saved = page.waitForResponse(workflowCall('/draft', 'PUT'));
  await page.getByRole('button', { name: 'Save draft' }).click();
  answer = await saved;
  assert.equal(answer.status(), 200, await answer.text());
  stored = (await admin.call('GET', `/api/v1/companies/${company.id}/workflow`)).body.draft;
  assert.deepEqual(stored.groups, { 'CFO office': [cfo.id] });

  // Two groups of one name are refused before asking the server.
  await groups.getByRole('button', { name: 'Add group' }).click();
  await group(2).getByLabel('Group name').fill(' CFO office ');
  await group(2).getByRole('checkbox', { name: budget.name }).check();
  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.getByTestId('workflow-draft').getByRole('alert').filter({ hasText: 'Two groups are called “CFO office”' }).waitFor();
  // Renamed again, the copy leaves step 2 with the first group, and can go.
  await group(2).getByLabel('Group name').fill('Copy');
  assert.equal(await second.getByLabel('Group', { exact: true }).inputValue(), 'CFO office');
  await group(2).getByRole('button', { name: 'Remove, group 2' }).click();

  // The simulator resolves the group's members.
  const sim = page.getByTestId('simulator');
  await sim.getByLabel('Amount').fill('300 000');
  const simulated = page.waitForResponse(workflowCall('/simulate', 'POST'));
  await sim.getByRole('button', { name: 'Simulate' }).click();
  assert.equal((await simulated).status(), 200);
  const cfoRow = page.getByTestId('simulation').locator('li[data-step="CFO"]');
  await cfoRow.waitFor();
  assert.match(await cfoRow.innerText(), new RegExp(cfo.name));
  assert.deepEqual(unexpectedErrors(page), []);
});

test('when someone else saved the draft meanwhile, the editor reloads it and says so', async () => {
  await step(page, 1).getByLabel('Step name').fill('Mine');
  // Another administrator's save in between.
  const current = (await admin.call('GET', `/api/v1/companies/${company.id}/workflow`)).body;
  const theirs = structuredClone(current.draft);
  theirs.steps[0].name = 'Theirs';
  const put = await admin.call('PUT', `/api/v1/companies/${company.id}/workflow/draft`, {
    json: { expected_version: current.version, workflow: theirs },
  });
  assert.equal(put.status, 200, put.text);

  const saved = page.waitForResponse(workflowCall('/draft', 'PUT'));
  await page.getByRole('button', { name: 'Save draft' }).click();
  const answer = await saved;
  assert.equal(answer.status(), 409);
  const problem = await answer.json();
  const note = page.getByTestId('workflow-reloaded');
  await note.filter({ hasText: 'The editor has reloaded it for you and shows the draft as it is saved now.' }).waitFor();
  assert.ok((await note.innerText()).includes(problem.detail), 'the server’s sentence is said too');
  await page.waitForFunction(() => document.querySelector('[data-step] input[id$="-name"]')?.value === 'Theirs');
  assert.equal(await step(page, 1).getByLabel('Step name').inputValue(), 'Theirs');
  await lookAt(page, 'workflow-reloaded');

  // The change made again on the reloaded draft is saved, and the note goes.
  await step(page, 1).getByLabel('Step name').fill('Budget owner');
  const again = page.waitForResponse(workflowCall('/draft', 'PUT'));
  await page.getByRole('button', { name: 'Save draft' }).click();
  assert.equal((await again).status(), 200);
  await page.getByRole('status').filter({ hasText: 'The draft is saved.' }).waitFor();
  assert.equal(await note.count(), 0);
  assert.deepEqual(unexpectedErrors(page), []);
});

test('in Norwegian the editor and the simulator read in Norwegian', async () => {
  // A System Administrator of their own, who never chose a language: the browser's counts.
  const other = await newUser(admin, { isSystemAdmin: true });
  const context = await newContext(browser, { locale: 'nb-NO', viewport: DESKTOP });
  const [name, value] = other.client.cookie.split(/=(.*)/s);
  await context.addCookies([{ name, value, url: BASE_URL }]);
  const p = await context.newPage();
  p.errors = [];
  p.on('pageerror', (e) => p.errors.push(String(e)));
  await p.goto(`/company/${company.id}/workflow`);
  await h1(p, nb('workflow.title')).waitFor();
  assert.equal(await p.locator('html').getAttribute('lang'), 'nb');
  await p.getByTestId('active-version').filter({ hasText: 'Versjon 1, aktivert' }).waitFor();
  assert.equal(await step(p, 2, 'Trinn').getByLabel(nb('workflow.step_name')).inputValue(), 'CFO');
  assert.equal(await step(p, 2, 'Trinn').getByLabel(nb('workflow.limit', { currency: 'NOK' })).inputValue(), '250\u00a0000,00');
  await p.getByRole('button', { name: nb('workflow.save') }).waitFor();
  const groups = p.getByTestId('workflow-groups');
  await groups.getByRole('heading', { name: nb('workflow.groups_title') }).waitFor();
  const group = groups.getByRole('group', { name: nb('workflow.group_legend', { n: 1 }), exact: true });
  assert.equal(await group.getByLabel(nb('workflow.group_name')).inputValue(), 'CFO office');
  await group.getByText(nb('workflow.group_in_use', { steps: 2 })).waitFor();

  const sim = p.getByTestId('simulator');
  await sim.getByLabel(nb('workflow.sim_amount')).fill('1 000,00');
  await sim.getByLabel(nb('workflow.sim_try')).selectOption({ label: nb('workflow.sim_try_active') });
  await sim.getByRole('button', { name: nb('workflow.sim_run') }).click();
  const cfoRow = p.getByTestId('simulation').locator('li[data-step="CFO"][data-applies="false"]');
  await cfoRow.waitFor();
  const text = await cfoRow.innerText();
  assert.ok(text.includes(nb('workflow.sim_not_applies')), text);
  const sentence = catalog["The amount does not meet the step's limit."];
  assert.ok(text.includes(sentence), `the server's reason in Norwegian: ${text}`);
  await lookAt(p, 'nb-workflow-editor');
  assert.deepEqual(p.errors, []);
  await context.close();
});
