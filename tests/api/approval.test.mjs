// Approval: documents in from the Document Center, tasks, four eyes, concurrent approvals, the
// bundle, signing (digest, replay, per-company refusal), the ERP's approved invoices with
// tokens, the process overview and token revocation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, assertProblem } from '../support/http.mjs';
import { allPages, firstAdmin, integrationHeaders, totpCode } from '../support/org.mjs';
import {
  readyCompany, setPreApproval, approver, documentFor, sendDocument, newInvoice, task, approveAndPay,
  bundle, sign, approvedInvoices, TOKEN_RE,
} from '../support/approval.mjs';

/** No SPA answer may carry a full approval token. */
function assertNoToken(text, tokens) {
  for (const t of tokens) assert.ok(!text.includes(t), 'a full token leaked into an SPA answer');
}

test('the document endpoint: 201, idempotent 200, 409 on other content, 426, 413, field errors, scopes', async () => {
  const admin = await firstAdmin();
  const company = await readyCompany(admin);
  const other = await readyCompany(admin);
  const doc = documentFor(company);

  const created = await sendDocument(company, doc);
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.status, 'awaiting_approval');
  const again = await sendDocument(company, doc);
  assert.equal(again.status, 200, again.text);
  assert.equal(again.body.process_id, created.body.process_id);
  const changed = await sendDocument(company, { ...doc, amount: '1250.51' });
  assertProblem(changed, 409);

  const old = await sendDocument(company, documentFor(company), { version: '13.99' });
  assertProblem(old, 426);
  assert.match(old.body.detail, /14\.00/);
  assertProblem(await sendDocument(company, documentFor(company), { version: null }), 426);

  const big = await sendDocument(company, documentFor(company, { pdf_base64: 'A'.repeat(Math.ceil((10 * 1024 * 1024 + 3) / 3) * 4) }));
  assertProblem(big, 413);
  const huge = await call('POST', '/api/v1/documents', {
    body: 'x'.repeat(15 * 1024 * 1024), headers: { ...integrationHeaders(company.docKey), 'content-type': 'application/json' },
  });
  assertProblem(huge, 413);

  const bad = await sendDocument(company, {
    company_id: company.id, supplier: { name: '', organisation_number: '', iban: 'NO00 0000' },
    invoice_number: '', invoice_date: '2030-02-30', due_date: 'soon', amount: '12,50', currency: 'XYZ', payment_reference: '', pdf_base64: Buffer.from('hello').toString('base64'),
  });
  assertProblem(bad, 400);
  const fields = bad.body.errors.map((e) => e.field);
  for (const f of ['document_id', 'supplier.name', 'supplier.organisation_number', 'invoice_number', 'invoice_date', 'due_date', 'currency', 'payment_reference', 'pdf_base64']) {
    assert.ok(fields.includes(f), `${f} named in ${JSON.stringify(fields)}`);
  }
  assert.ok(fields.some((f) => f.startsWith('supplier.iban') || f === 'supplier'), JSON.stringify(fields));

  assertProblem(await sendDocument(company, documentFor(company), { secret: company.erpKey }), 403);
  assertProblem(await sendDocument(company, documentFor(company), { secret: other.docKey }), 403);
  assertProblem(await sendDocument(company, documentFor(company), { secret: 'ap_live_nonsense' }), 401);

  const off = await readyCompany(admin, { sendWorkflows: false });
  const refused = await sendDocument(off, documentFor(off));
  assertProblem(refused, 422);
  assert.match(refused.body.detail, /Send workflows to Approval/);

  const openapi = await call('GET', '/api/v1/openapi.json');
  assert.equal(openapi.status, 200);
  assert.equal(openapi.body.openapi, '3.1.0');
  for (const p of ['/api/v1/documents', '/api/v1/companies/{company}/approved-invoices', '/api/v1/integration/whoami']) {
    assert.ok(openapi.body.paths[p], p);
  }
});

test('an approver sees and acts on the tasks of their own companies only', async () => {
  const admin = await firstAdmin();
  const mine = await readyCompany(admin);
  const theirs = await readyCompany(admin);
  const me = await approver(admin, [mine], { twoStep: false });
  const own = await newInvoice(mine);
  const foreign = await newInvoice(theirs);

  const list = await allPages(me.client, '/api/v1/tasks');
  assert.ok(list.some((t) => t.id === own));
  assert.ok(!list.some((t) => t.id === foreign));
  const row = list.find((t) => t.id === own);
  assert.equal(row.amount.minor, 125050);
  assert.equal(row.amount.currency, 'NOK');

  const pdf = await me.client.call('GET', `/api/v1/tasks/${own}/pdf`);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.ok(pdf.text.startsWith('%PDF-'));

  assertProblem(await me.client.call('GET', `/api/v1/tasks/${foreign}`), 404);
  assertProblem(await me.client.call('GET', `/api/v1/tasks/${foreign}/pdf`), 404);
  assertProblem(await me.client.call('POST', `/api/v1/tasks/${foreign}/approve`, { json: { expected_version: 1 } }), 404);
  assertProblem(await me.client.call('POST', `/api/v1/tasks/${foreign}/reject`, { json: { expected_version: 1, comment: 'no' } }), 404);
  assertProblem(await me.client.call('GET', `/api/v1/tasks?company=${theirs.id}`), 404);
  assertProblem(await call('GET', '/api/v1/tasks'), 401);

  // Reject needs a comment; comments show in the history.
  assertProblem(await me.client.call('POST', `/api/v1/tasks/${own}/reject`, { json: { expected_version: 1, comment: ' ' } }), 400);
  const blank = await me.client.call('POST', `/api/v1/tasks/${own}/comments`, { json: { text: '  ' } });
  assertProblem(blank, 400);
  assert.deepEqual(blank.body.errors.map((e) => e.field), ['text'], 'the refusal names the request field');
  const commented = await me.client.call('POST', `/api/v1/tasks/${own}/comments`, { json: { text: 'Checking with purchasing.' } });
  assert.equal(commented.status, 200, commented.text);
  assert.equal(commented.body.comments[0].text, 'Checking with purchasing.');
  const rejected = await me.client.call('POST', `/api/v1/tasks/${own}/reject`, { json: { expected_version: 1, comment: 'Not ordered.' } });
  assert.equal(rejected.status, 200, rejected.text);
  assert.equal(rejected.body.status, 'rejected');
});

test('two approvers acting at once: exactly one wins, the other gets 409', async () => {
  const admin = await firstAdmin();
  const company = await readyCompany(admin);
  const [a, b] = [await approver(admin, [company], { twoStep: false }), await approver(admin, [company], { twoStep: false })];
  const id = await newInvoice(company);
  const answers = await Promise.all([a, b].map((u) => u.client.call('POST', `/api/v1/tasks/${id}/approve`, { json: { expected_version: 1 } })));
  assert.deepEqual(answers.map((r) => r.status).sort(), [200, 409], answers.map((r) => r.text).join('\n'));
  const loser = answers.find((r) => r.status === 409);
  assert.match(loser.body.detail, /Someone else changed this invoice/);
  assert.equal((await task(a, id)).status, 'approved');
});

test('four eyes: above the threshold a second, different approver completes the invoice', async () => {
  const admin = await firstAdmin();
  const company = await readyCompany(admin, { threshold: 1_000_000 });
  const first = await approver(admin, [company]);
  const second = await approver(admin, [company]);
  const id = await newInvoice(company, { amount: '20000.00' });
  const t = await task(first, id);
  assert.equal(t.required_approvals, 2);
  assert.equal(t.approve_and_pay_offered, false);
  assertProblem(await first.client.call('POST', `/api/v1/tasks/${id}/approve-and-pay`, { json: { expected_version: t.version } }), 422);
  const one = await first.client.call('POST', `/api/v1/tasks/${id}/approve`, { json: { expected_version: t.version } });
  assert.equal(one.status, 200, one.text);
  assert.equal(one.body.status, 'awaiting_second_approval');
  assertProblem(await first.client.call('POST', `/api/v1/tasks/${id}/approve`, { json: { expected_version: one.body.version } }), 422);
  const t2 = await task(second, id);
  assert.equal(t2.approve_and_pay_offered, true, JSON.stringify(t2.approve_and_pay_missing));
  const two = await second.client.call('POST', `/api/v1/tasks/${id}/approve`, { json: { expected_version: t2.version } });
  assert.equal(two.status, 200, two.text);
  assert.equal(two.body.status, 'approved');
  assert.equal(two.body.approvers.length, 2);
});

test('approve and pay is refused, naming what is missing, when the prerequisites do not hold', async () => {
  const admin = await firstAdmin();
  const company = await readyCompany(admin, { preApproval: false });
  const user = await approver(admin, [company], { twoStep: false });
  const id = await newInvoice(company);
  const t = await task(user, id);
  assert.equal(t.approve_and_pay_offered, false);
  assert.ok(t.approve_and_pay_missing.some((m) => /two-step verification/.test(m)), JSON.stringify(t.approve_and_pay_missing));
  assert.ok(t.approve_and_pay_missing.some((m) => /Pre-approval is not allowed/.test(m)));
  const res = await user.client.call('POST', `/api/v1/tasks/${id}/approve-and-pay`, { json: { expected_version: t.version } });
  assertProblem(res, 422);
  assert.match(res.body.detail, /Pre-approval is not allowed/);
  assert.equal((await task(user, id)).status, 'awaiting_approval', 'nothing changed');
});

test('the bundle: remove one, cancel all; invoices return to the task list unapproved', async () => {
  const admin = await firstAdmin();
  const a = await readyCompany(admin);
  const b = await readyCompany(admin);
  const user = await approver(admin, [a, b]);
  const ids = [await newInvoice(a), await newInvoice(a, { amount: '10.00', currency: 'EUR', supplier: { iban: 'DE89370400440532013000' } }), await newInvoice(b)];
  for (const id of ids) await approveAndPay(user, id);
  let bun = await bundle(user);
  assert.equal(bun.count, 3);
  assert.deepEqual(bun.totals.map((t) => [t.currency, t.minor]), [['EUR', 1000], ['NOK', 250100]]);
  assert.equal(bun.groups.length, 2);
  let tasks = (await allPages(user.client, '/api/v1/tasks')).map((t) => t.id);
  assert.ok(ids.every((id) => !tasks.includes(id)), 'bundled invoices leave the task list');

  const removed = await user.client.call('DELETE', `/api/v1/bundle/items/${ids[0]}`);
  assert.equal(removed.status, 200, removed.text);
  assert.equal(removed.body.count, 2);
  assert.equal((await task(user, ids[0])).status, 'awaiting_approval');

  const cancelled = await user.client.call('POST', '/api/v1/bundle/cancel');
  assert.equal(cancelled.status, 200, cancelled.text);
  assert.equal(cancelled.body.count, 0);
  tasks = (await allPages(user.client, '/api/v1/tasks')).map((t) => t.id);
  assert.ok(ids.every((id) => tasks.includes(id)), 'all back on the task list');
  bun = await bundle(user);
  assert.equal(bun.count, 0);
});

test('signing: a changed bundle and a replayed code are refused; one company refusing leaves the others signed', async () => {
  const admin = await firstAdmin();
  const a = await readyCompany(admin);
  const b = await readyCompany(admin);
  const user = await approver(admin, [a, b]);
  const inA = [await newInvoice(a), await newInvoice(a)];
  const inB = await newInvoice(b);
  await approveAndPay(user, inA[0]);
  const shown = await bundle(user);
  await approveAndPay(user, inA[1]);
  await approveAndPay(user, inB);

  const changed = await sign(user, shown.digest);
  assertProblem(changed, 409);
  assert.match(changed.body.detail, /bundle changed since it was shown/);

  const current = await bundle(user);
  assert.equal(current.count, 3);
  const replayed = await sign(user, current.digest, { code: totpCode(user.secret, 0) });
  assertProblem(replayed, 403);
  assert.equal((await bundle(user)).count, 3, 'nothing signed');

  await setPreApproval(b, false); // B refuses a moment before signing
  const signed = await sign(user, current.digest);
  assert.equal(signed.status, 200, signed.text);
  const byCompany = Object.fromEntries(signed.body.companies.map((c) => [c.company_id, c]));
  assert.equal(byCompany[a.id].signed, true);
  assert.equal(byCompany[a.id].invoices.length, 2);
  assert.ok(byCompany[a.id].invoices.every((i) => i.token_last_four.length === 4));
  assert.equal(byCompany[b.id].signed, false);
  assert.match(byCompany[b.id].reason, /Pre-approval is not allowed/);
  assert.deepEqual(signed.body.bundle.items.map((i) => i.id), [inB], 'the refused invoice stays in the bundle');
  const expected = {};
  for (const i of byCompany[a.id].invoices) expected[i.amount.currency] = (expected[i.amount.currency] ?? 0) + i.amount.minor;
  assert.deepEqual(Object.fromEntries(signed.body.totals.map((t) => [t.currency, t.minor])), expected, 'the totals count what was signed, not the refused invoice');

  // The same code again: replay refused.
  assertProblem(await sign(user, signed.body.bundle.digest), 403);

  // The ERP gets the full tokens, paged.
  const page1 = await approvedInvoices(a, '?limit=1');
  assert.equal(page1.status, 200, page1.text);
  assert.equal(page1.body.items.length, 1);
  assert.ok(page1.body.next_cursor);
  const page2 = await approvedInvoices(a, `?limit=1&cursor=${encodeURIComponent(page1.body.next_cursor)}`);
  assert.equal(page2.body.items.length, 1);
  assert.equal(page2.body.next_cursor, null);
  const items = [...page1.body.items, ...page2.body.items];
  assert.deepEqual(items.map((i) => i.process_id).sort(), [...inA].sort());
  const tokens = items.map((i) => i.approval_token);
  for (const t of tokens) assert.match(t, TOKEN_RE);
  assert.notEqual(tokens[0], tokens[1]);
  const lastFours = byCompany[a.id].invoices.map((i) => i.token_last_four).sort();
  assert.deepEqual(tokens.map((t) => t.slice(-4)).sort(), lastFours);
  const later = await approvedInvoices(a, `?cursor=${encodeURIComponent(page2.body.cursor)}`);
  assert.equal(later.body.items.length, 0);
  assertProblem(await approvedInvoices(a, '', a.docKey), 403);
  assertProblem(await approvedInvoices(a, '', b.erpKey), 403);
  assertProblem(await approvedInvoices(a, '?cursor=nonsense'), 400);
  // A page size above the largest is served as the largest page, however many digits it has.
  const largest = await approvedInvoices(a, '?limit=99999999999999999999');
  assert.equal(largest.status, 200, largest.text);
  assert.equal(largest.body.items.length, 2);
  for (const bad of ['0', '-1', '1.5', 'ten']) assertProblem(await approvedInvoices(a, `?limit=${bad}`), 400);
  // A parameter given twice is refused, not read as one of its values.
  const twice = await approvedInvoices(a, '?limit=&limit=ten');
  assertProblem(twice, 400);
  assert.equal(twice.body.errors[0].field, 'limit');

  // SPA answers never carry a full token.
  assertNoToken(signed.text, tokens);
  assertNoToken((await user.client.call('GET', `/api/v1/tasks/${inA[0]}`)).text, tokens);
  assertNoToken((await user.client.call('GET', '/api/v1/bundle')).text, tokens);
  const overview = await admin.call('GET', `/api/v1/admin/processes?company=${a.id}`);
  assert.equal(overview.status, 200, overview.text);
  assertNoToken(overview.text, tokens);
  assert.ok(overview.body.items.every((p) => p.payment_approved === true && p.status === 'payment_approved'));
  const detail = await admin.call('GET', `/api/v1/admin/processes/${inA[0]}`);
  assert.equal(detail.status, 200, detail.text);
  assertNoToken(detail.text, tokens);
  assert.equal(detail.body.token.last_four.length, 4);
  const signing = detail.body.history.find((h) => h.kind === 'payment_approved');
  assert.equal(signing.two_step_method, 'TOTP');
  assert.equal(signing.bundle_id, signed.body.bundle_id);
  const notYet = await admin.call('GET', `/api/v1/admin/processes?company=${b.id}&payment_approved=no`);
  assert.deepEqual(notYet.body.items.map((p) => p.id), [inB]);
});

test('tokens stop being valid when revoked or when the supplier account changes', async () => {
  const admin = await firstAdmin();
  const company = await readyCompany(admin);
  const user = await approver(admin, [company]);
  const supplier = { organisation_number: '923609016', iban: 'NO9386011117947' };
  const first = await newInvoice(company, { supplier });
  const second = await newInvoice(company, { supplier: { organisation_number: '977777777' } });
  await approveAndPay(user, first);
  await approveAndPay(user, second);
  const signed = await sign(user, (await bundle(user)).digest);
  assert.equal(signed.status, 200, signed.text);

  // A later document of the same supplier names another account.
  const later = await sendDocument(company, documentFor(company, { supplier: { ...supplier, iban: 'DE89370400440532013000' } }));
  assert.equal(later.status, 201, later.text);
  assert.ok(later.body.warnings.some((w) => w.kind === 'supplier_account_changed'), later.text);
  const changed = await admin.call('GET', `/api/v1/admin/processes/${first}`);
  assert.ok(changed.body.warnings.some((w) => w.kind === 'account_changed_after_approval'), changed.text);
  assert.equal(changed.body.token.revoked, true);

  // An administrator revokes the other one.
  assertProblem(await user.client.call('POST', `/api/v1/admin/processes/${second}/revoke-token`), 403);
  const revoked = await admin.call('POST', `/api/v1/admin/processes/${second}/revoke-token`);
  assert.equal(revoked.status, 200, revoked.text);
  assert.equal(revoked.body.token.revoked, true);
  assert.ok(revoked.body.warnings.some((w) => w.kind === 'token_revoked'));
  const filtered = await admin.call('GET', `/api/v1/admin/processes?company=${company.id}&warning=token_revoked`);
  assert.deepEqual(filtered.body.items.map((p) => p.id), [second]);
});

test('the_task_list_pages_over_every_company_each_task_once_in_order_with_one_ledger_call_per_company', async () => {
  const admin = await firstAdmin();
  const [a, b] = [await readyCompany(admin), await readyCompany(admin)];
  const user = await approver(admin, [a, b], { twoStep: false });
  // 23 invoices over two companies; due dates and amounts repeat, so the order has ties that
  // only the company and process ids break.
  const made = [];
  for (let i = 0; i < 23; i++) {
    const company = i % 3 ? a : b;
    made.push(await newInvoice(company, { due_date: `2030-04-0${1 + (i % 4)}`, amount: `${100 + (i % 5)}.00` }));
  }
  for (const sort of ['due_date', 'amount']) {
    const seen = [];
    let cursor = null;
    let pages = 0;
    const perPage = new Set();
    do {
      const res = await user.client.call('GET', `/api/v1/tasks?sort=${sort}&limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(res.status, 200, res.text);
      assert.ok(res.body.items.length <= 5);
      // Storage calls per page are the same on every page: they grow with companies and pages,
      // never with the invoices waiting (session, registry, the registry's absences (whom the
      // user substitutes for today), one call per company's ledger).
      const calls = res.headers.get('server-timing').split(', ').filter((m) => !m.startsWith('total')).map((m) => m.replace(/;dur=\d+/, '')).join(', ');
      perPage.add(calls);
      assert.ok(Number(calls.match(/do;count=(\d+)/)[1]) <= 4 + 2, calls);
      seen.push(...res.body.items);
      cursor = res.body.next_cursor;
      pages++;
    } while (cursor);
    const ids = seen.map((t) => t.id);
    assert.equal(new Set(ids).size, ids.length, 'no task twice');
    assert.deepEqual([...ids].sort(), [...made].sort(), `${sort}: every task, over ${pages} pages`);
    assert.ok(pages >= 5);
    assert.equal(perPage.size, 1, `the same storage calls on every page: ${[...perPage]}`);
    const keys = seen.map((t) => (sort === 'due_date' ? [t.due_date, -t.amount.minor] : [t.amount.currency, -t.amount.minor, t.due_date]));
    const cmp = (x, y) => x.reduce((found, v, j) => found || (v < y[j] ? -1 : v > y[j] ? 1 : 0), 0);
    for (let i = 1; i < keys.length; i++) assert.ok(cmp(keys[i - 1], keys[i]) <= 0, `${sort} order at ${i}: ${keys[i - 1]} then ${keys[i]}`);
  }
  // A cursor of the other sort, or one no page gave out, is a 400 naming it.
  const first = await user.client.call('GET', '/api/v1/tasks?sort=due_date&limit=5');
  for (const bad of [first.body.next_cursor, 'due_date.2030-04-01.NOK.10000.x', '%%%']) {
    const res = await user.client.call('GET', `/api/v1/tasks?sort=amount&cursor=${encodeURIComponent(bad)}`);
    assertProblem(res, 400);
    assert.equal(res.body.errors?.[0]?.field, 'cursor', res.text);
  }
  for (const bad of ['0', '-1', 'ten']) {
    const res = await user.client.call('GET', `/api/v1/tasks?limit=${bad}`);
    assertProblem(res, 400);
    assert.equal(res.body.errors?.[0]?.field, 'limit', res.text);
  }
});

test('the_task_list_breaks_ties_by_company_then_process_id_on_every_page_size_and_follows_each_task_in_and_out_of_the_bundle', async () => {
  const admin = await firstAdmin();
  const companies = [await readyCompany(admin), await readyCompany(admin), await readyCompany(admin)];
  const user = await approver(admin, companies);
  // Whole ties (same due date and amount in three companies), ties on the due date only, and
  // two currencies whose amounts are ordered apart.
  for (let i = 0; i < 18; i++) {
    const company = companies[i % 3];
    await newInvoice(company, { due_date: `2030-06-0${1 + (i % 2)}`, amount: i % 4 === 3 ? '99.50' : '1000.00', currency: i % 5 === 4 ? 'EUR' : 'NOK' });
  }
  const walk = async (sort, limit) => {
    const seen = [];
    let cursor = null;
    do {
      const res = await user.client.call('GET', `/api/v1/tasks?sort=${sort}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(res.status, 200, res.text);
      seen.push(...res.body.items);
      cursor = res.body.next_cursor;
    } while (cursor);
    return seen;
  };
  // ap_core::task_list's order, written out: ids are ASCII, so JS string order is byte order.
  const keyOf = {
    due_date: (t) => [t.due_date, -t.amount.minor, t.company_id, t.id],
    amount: (t) => [t.amount.currency, -t.amount.minor, t.due_date, t.company_id, t.id],
  };
  const cmp = (x, y) => x.reduce((found, v, j) => found || (v < y[j] ? -1 : v > y[j] ? 1 : 0), 0);
  const expected = async (sort) => {
    const all = await walk(sort, 100);
    return [...all].sort((a, b) => cmp(keyOf[sort](a), keyOf[sort](b))).map((t) => t.id);
  };
  for (const sort of ['due_date', 'amount']) {
    const order = await expected(sort);
    assert.equal(order.length, 18);
    for (const limit of [1, 2, 5, 17, 18, 100]) {
      assert.deepEqual((await walk(sort, limit)).map((t) => t.id), order, `${sort}, pages of ${limit}`);
    }
  }
  // A task in the bundle leaves the list; back out of it, it is in its place again.
  const order = (await walk('due_date', 100)).map((t) => t.id);
  const middle = order[7];
  await approveAndPay(user, middle);
  assert.deepEqual((await walk('due_date', 4)).map((t) => t.id), order.filter((id) => id !== middle));
  const removed = await user.client.call('DELETE', `/api/v1/bundle/items/${middle}`);
  assert.equal(removed.status, 200, removed.text);
  assert.deepEqual((await walk('due_date', 4)).map((t) => t.id), order);
  // A rejected task leaves it for good.
  const t = await task(user, order[0]);
  const rejected = await user.client.call('POST', `/api/v1/tasks/${order[0]}/reject`, { json: { expected_version: t.version, comment: 'Not ordered.' } });
  assert.equal(rejected.status, 200, rejected.text);
  assert.deepEqual((await walk('amount', 3)).map((x) => x.id).sort(), order.slice(1).sort());
});
