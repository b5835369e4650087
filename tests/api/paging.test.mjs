// Paging of the lists that grow with use (issue 13): the process overview, AutoPay payments
// and payment files. Each pages with an opaque cursor over every company, filters applied
// before paging; every row comes once, in order, even when rows arrive between pages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertProblem } from '../support/http.mjs';
import { allPages, firstAdmin } from '../support/org.mjs';
import { approver, newInvoice, readyCompany, task } from '../support/approval.mjs';
import { autopayCompany, upload, CREDITOR_IBAN } from '../support/autopay.mjs';
import { pain001 } from '../support/pain001.mjs';

/** Walks `path` a page of `limit` at a time; `between` runs after the first page. */
async function walk(client, path, limit, between = async () => {}) {
  const items = [];
  let cursor = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await client.call('GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(res.status, 200, res.text);
    assert.ok(res.body.items.length <= limit, `a page holds at most ${limit}`);
    items.push(...res.body.items);
    cursor = res.body.next_cursor;
    if (pages++ === 0) await between();
  } while (cursor && pages < 1000);
  return { items, pages };
}

const ids = (rows) => rows.map((r) => r.id);
const once = (list, label) => assert.equal(new Set(list).size, list.length, `${label}: no row twice`);

/** A cursor or limit the list cannot take is a 400 naming it, and answers nothing else. */
async function badPageParams(client, path, otherListsCursor) {
  const sep = path.includes('?') ? '&' : '?';
  for (const bad of ['0', '-1', 'ten', '1.5']) {
    const res = await client.call('GET', `${path}${sep}limit=${bad}`);
    assertProblem(res, 400);
    assert.equal(res.body.errors?.[0]?.field, 'limit', res.text);
  }
  for (const bad of [otherListsCursor, 'nonsense', '%%%', 'process.2030-13-01.x_1', 'payment.1.x_1.+1', 'file.-1.x_1']) {
    const res = await client.call('GET', `${path}${sep}cursor=${encodeURIComponent(bad)}`);
    assertProblem(res, 400);
    assert.equal(res.body.errors?.[0]?.field, 'cursor', res.text);
  }
  // Above the largest page size is the largest page (as the task list does).
  const big = await client.call('GET', `${path}${sep}limit=100000`);
  assert.equal(big.status, 200, big.text);
  assert.ok(big.body.items.length <= 200);
}

test('the_process_overview_pages_over_every_company_once_in_due_date_order_filters_before_paging', async () => {
  const admin = await firstAdmin();
  const [a, b] = [await readyCompany(admin), await readyCompany(admin)];
  const user = await approver(admin, [a, b], { twoStep: false });
  // 14 processes over two companies with repeating due dates: ties only the ids break.
  const made = [];
  for (let i = 0; i < 14; i++) {
    made.push(await newInvoice(i % 3 ? a : b, { due_date: `2031-05-0${1 + (i % 3)}` }));
  }
  // Four of A's approved, so a status filter keeps some and leaves others.
  const approved = made.filter((id) => id.startsWith(a.id)).slice(0, 4);
  for (const id of approved) {
    const t = await task(user, id);
    const res = await user.client.call('POST', `/api/v1/tasks/${id}/approve`, { json: { expected_version: t.version } });
    assert.equal(res.status, 200, res.text);
  }

  // Every process of the organisation, 3 a page; ours among them once each, in order.
  const added = [];
  const { items, pages } = await walk(admin, '/api/v1/admin/processes', 3, async () => {
    // Arriving between pages: one sorting before the cursor, one after.
    added.push(await newInvoice(a, { invoice_date: '2000-01-01', due_date: '2000-01-01' }), await newInvoice(b, { due_date: '2031-05-02' }));
  });
  once(ids(items), 'overview');
  const seen = ids(items);
  for (const id of made) assert.ok(seen.includes(id), `${id} listed`);
  assert.ok(!seen.includes(added[0]), 'a process sorting before the cursor waits for a new listing');
  assert.ok(pages >= 5, `${pages} pages`);
  const key = (p) => `${p.due_date} ${p.id}`;
  for (let i = 1; i < items.length; i++) assert.ok(key(items[i - 1]) < key(items[i]), `order at ${i}: ${key(items[i - 1])} then ${key(items[i])}`);
  const both = items.filter((p) => p.company_id === a.id || p.company_id === b.id);
  assert.deepEqual(new Set(both.map((p) => p.company_id)), new Set([a.id, b.id]), 'both companies');

  // Filters apply before paging: every page of A's approved processes holds only those.
  const filtered = await walk(admin, `/api/v1/admin/processes?company=${a.id}&status=approved`, 1);
  assert.deepEqual(ids(filtered.items).sort(), [...approved].sort());
  assert.equal(filtered.pages, approved.length, 'no empty page at the end');
  const open = await allPages(admin, `/api/v1/admin/processes?company=${a.id}&status=awaiting_approval`, 2);
  assert.ok(open.every((p) => p.company_id === a.id && p.status === 'awaiting_approval'));
  assert.equal(open.length, made.filter((id) => id.startsWith(a.id)).length - approved.length + 1);

  const payments = await admin.call('GET', '/api/v1/autopay/payments?limit=1');
  await badPageParams(admin, '/api/v1/admin/processes', payments.body.next_cursor ?? 'payment.1.x_1.1');
});

test('autopay_payments_page_over_every_company_newest_first_filters_before_paging_and_new_uploads_do_not_repeat_rows', async () => {
  const admin = await firstAdmin();
  const [a, b] = [await autopayCompany(admin), await autopayCompany(admin)];
  const user = await approver(admin, [a, b], { twoStep: false });
  const file = (company, n, date = '2031-03-31') =>
    pain001({ debtor: company.debtorIban, date, payments: Array.from({ length: n }, (_, i) => ({ amount: `${10 + i}.00`, creditorIban: CREDITOR_IBAN, e2e: `E2E-${i + 1}` })) });
  const uploaded = [];
  for (const [company, n, date] of [[a, 7], [b, 6], [a, 4, '2031-06-06']]) {
    const res = await upload(company, file(company, n, date));
    assert.equal(res.status, 201, res.text);
    uploaded.push(res.body);
  }
  const before = uploaded.flatMap((u) => u.payments.map((p) => p.payment_id));
  assert.equal(before.length, 17);

  let late;
  const { items, pages } = await walk(user.client, '/api/v1/autopay/payments', 4, async () => {
    late = await upload(b, file(b, 3));
    assert.equal(late.status, 201, late.text);
  });
  once(ids(items), 'payments');
  assert.deepEqual(ids(items).filter((id) => before.includes(id)).sort(), [...before].sort(), 'every payment there was, once');
  assert.ok(pages >= 5, `${pages} pages`);
  // Newest first; within an upload, by file and the file's last payment first.
  const seq = (p) => Number(p.id.split('-').pop());
  for (let i = 1; i < items.length; i++) {
    const [x, y] = [items[i - 1], items[i]];
    assert.ok(x.created_at > y.created_at || (x.created_at === y.created_at && (x.file_id > y.file_id || (x.file_id === y.file_id && seq(x) > seq(y)))), `order at ${i}: ${x.id} then ${y.id}`);
  }
  // A new listing has the late upload too (where it lands in the first one depends on
  // whether it came in the same second as the rows before the cursor).
  const again = ids(await allPages(user.client, '/api/v1/autopay/payments', 7));
  assert.equal(again.length, before.length + 3);
  for (const p of late.body.payments) assert.ok(again.includes(p.payment_id));

  // Filters apply before paging.
  const byFile = await walk(user.client, `/api/v1/autopay/payments?file=${uploaded[0].file_id}`, 2);
  assert.deepEqual(ids(byFile.items), uploaded[0].payments.map((p) => p.payment_id).reverse());
  const byDate = await walk(user.client, '/api/v1/autopay/payments?date=2031-06-06', 3);
  assert.deepEqual(ids(byDate.items).sort(), uploaded[2].payments.map((p) => p.payment_id).sort());
  const byCompany = await allPages(user.client, `/api/v1/autopay/payments?company=${b.id}`, 5);
  assert.equal(byCompany.length, 9);
  assert.ok(byCompany.every((p) => p.company_id === b.id));
  const byStatus = await allPages(user.client, '/api/v1/autopay/payments?status=paid', 5);
  assert.equal(byStatus.length, 0);

  const files = await user.client.call('GET', '/api/v1/autopay/files?limit=1');
  await badPageParams(user.client, '/api/v1/autopay/payments', files.body.next_cursor);
});

test('autopay_files_page_over_every_company_newest_first_with_a_status_filter', async () => {
  const admin = await firstAdmin();
  const [a, b] = [await autopayCompany(admin), await autopayCompany(admin, { level: 'on_upload_and_approval' })];
  const user = await approver(admin, [a, b], { twoStep: false });
  const made = [];
  for (let i = 0; i < 7; i++) {
    const company = i % 2 ? b : a;
    const res = await upload(company, pain001({ debtor: company.debtorIban, payments: [{ amount: `${20 + i}.00`, creditorIban: CREDITOR_IBAN }] }));
    assert.equal(res.status, 201, res.text);
    made.push(res.body.file_id);
  }
  let late;
  const { items, pages } = await walk(user.client, '/api/v1/autopay/files', 2, async () => {
    late = await upload(a, pain001({ debtor: a.debtorIban, payments: [{ amount: '99.00', creditorIban: CREDITOR_IBAN }] }));
  });
  once(ids(items), 'files');
  assert.deepEqual(ids(items).filter((id) => made.includes(id)).sort(), [...made].sort());
  // The late upload sorts before the cursor unless it came in the same second with a lower
  // id (times are whole seconds); either way nothing else repeats or goes missing.
  assert.ok(pages >= 4, `${pages} pages`);
  assert.ok(ids(await allPages(user.client, '/api/v1/autopay/files', 3)).includes(late.body.file_id));
  for (let i = 1; i < items.length; i++) {
    const [x, y] = [items[i - 1], items[i]];
    assert.ok(x.uploaded_at > y.uploaded_at || (x.uploaded_at === y.uploaded_at && x.id > y.id), `order at ${i}`);
  }
  // B's uploads wait for signing (two-step on upload); the status filter applies before paging.
  const waiting = await walk(user.client, '/api/v1/autopay/files?status=pending_signing', 1);
  assert.deepEqual(ids(waiting.items).sort(), made.filter((id) => id.startsWith(b.id)).sort());
  assert.ok(waiting.items.every((f) => f.status === 'pending_signing'));
  const processed = await allPages(user.client, `/api/v1/autopay/files?company=${a.id}&status=processed`, 2);
  assert.equal(processed.length, 5);
  const badStatus = await user.client.call('GET', '/api/v1/autopay/files?status=waiting');
  assertProblem(badStatus, 400);
  assert.equal(badStatus.body.errors?.[0]?.field, 'status', badStatus.text);

  const procs = await admin.call('GET', '/api/v1/admin/processes?limit=1');
  await badPageParams(user.client, '/api/v1/autopay/files', procs.body.next_cursor);
});
