// Storage calls that grow with the work, read from the `Server-Timing` header every API answer
// carries (functions/src/meter.rs): uploads of 100 / 1,000 / 10,000 payments, the task list's
// first page with 100 / 1,000 / 5,000 open tasks over 1 company (100 / 1,000 over 5), and signing
// bundles of 10 / 100 / 200 invoices over 1 and 5 companies.
// Run: node tests/run.mjs benches/storage-calls/storage.bench.mjs
// Only some of them: BENCH_ONLY=tasks,signing node tests/run.mjs benches/storage-calls/storage.bench.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstAdmin, integrationHeaders, BASE_URL } from '../../tests/support/org.mjs';
import { autopayCompany, upload } from '../../tests/support/autopay.mjs';
import { readyCompany, approver, documentFor, sign } from '../../tests/support/approval.mjs';
import { pain001 } from '../payment-upload/generate.mjs';

const timing = (res) => res.headers.get('server-timing');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Sends `docs` through the integration API, `parallel` at a time; answers the process ids.
 * A 503 (seen from `wrangler dev` under this load, see BENCHMARKS.md) is logged and retried. */
async function sendAll(companies, docs, parallel = 20) {
  const send = async (doc) => {
    const company = companies.find((c) => c.id === doc.company_id);
    for (let attempt = 1; ; attempt++) {
      const r = await fetch(`${BASE_URL}/api/v1/documents`, {
        method: 'POST',
        headers: { ...integrationHeaders(company.docKey), 'content-type': 'application/json' },
        body: JSON.stringify(doc),
      });
      const text = await r.text();
      if (r.status === 503 && attempt < 5) {
        console.log(`BENCH (a document answered 503, attempt ${attempt}: ${text.slice(0, 200)})`);
        await new Promise((ok) => setTimeout(ok, 1000));
        continue;
      }
      assert.equal(r.status, 201, text);
      return JSON.parse(text).process_id;
    }
  };
  const ids = [];
  for (let i = 0; i < docs.length; i += parallel) ids.push(...(await Promise.all(docs.slice(i, i + parallel).map(send))));
  return ids;
}

const only = process.env.BENCH_ONLY?.split(',');
const skip = (name) => (only && !only.includes(name) ? `not in BENCH_ONLY` : false);

/** Times `request` `runs` times; answers the median run's wall time and `Server-Timing`. */
async function medianOf(runs, request) {
  const seen = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    const res = await request();
    seen.push([performance.now() - start, res]);
  }
  seen.sort((a, b) => a[0] - b[0]);
  return seen[Math.floor(runs / 2)];
}

test('upload: storage calls and time at 100 / 1,000 / 10,000 payments', { skip: skip('upload') }, async () => {
  const admin = await firstAdmin();
  for (const n of [100, 1000, 10000]) {
    const company = await autopayCompany(admin);
    const start = performance.now();
    const res = await upload(company, pain001(n, company.debtorIban));
    const ms = performance.now() - start;
    assert.equal(res.status, 201, res.text.slice(0, 300));
    console.log(`BENCH upload ${n} payments: ${ms.toFixed(0)} ms wall; ${timing(res)}`);
  }
});

test('task list first page: storage calls and time at 100 / 1,000 / 5,000 open tasks, 1 and 5 companies', { skip: skip('tasks') }, async () => {
  const admin = await firstAdmin();
  for (const [companies, targets] of [[1, [100, 1000, 5000]], [5, [100, 1000]]]) {
    const list = [];
    for (let i = 0; i < companies; i++) list.push(await readyCompany(admin));
    const user = await approver(admin, list, { twoStep: false });
    let made = 0;
    for (const target of targets) {
      const batch = [];
      for (; made < target; made++) {
        // 28 due dates and 7 amounts: many ties, broken by company and process id.
        batch.push(documentFor(list[made % companies], {
          due_date: `2030-05-${String(1 + (made % 28)).padStart(2, '0')}`,
          amount: `${100 + (made % 7) * 25}.00`,
        }));
      }
      const seeding = performance.now();
      await sendAll(list, batch);
      const seeded = performance.now() - seeding;
      for (const sort of ['due_date', 'amount']) {
        const [ms, res] = await medianOf(5, () => user.client.call('GET', `/api/v1/tasks?sort=${sort}`));
        assert.equal(res.status, 200, res.text);
        console.log(`BENCH task list (${sort}), ${target} open tasks over ${companies} companies: first page of ${res.body.items.length}, median ${ms.toFixed(0)} ms wall; ${timing(res)}`);
      }
      // Every page after the first, to the last: each task once, and what a later page costs.
      const ids = new Set();
      const pages = [];
      let cursor = null;
      do {
        const start = performance.now();
        const res = await user.client.call('GET', `/api/v1/tasks?sort=due_date${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        pages.push([performance.now() - start, timing(res)]);
        assert.equal(res.status, 200, res.text);
        for (const t of res.body.items) ids.add(t.id);
        cursor = res.body.next_cursor;
      } while (cursor);
      assert.equal(ids.size, target, 'every open task once over all pages');
      const [lastMs, lastHeader] = pages.at(-1);
      console.log(`BENCH task list (due_date), ${target} open tasks over ${companies} companies: all ${pages.length} pages, median ${median(pages.map((p) => p[0])).toFixed(0)} ms wall per page; last page ${lastMs.toFixed(0)} ms wall; ${lastHeader}`);
      console.log(`BENCH (seeding ${batch.length} documents took ${(seeded / 1000).toFixed(1)} s)`);
    }
  }
});

test('signing: storage calls and time for bundles of 10 / 100 / 200 invoices over 1 and 5 companies', { skip: skip('signing') }, async () => {
  const admin = await firstAdmin();
  for (const companies of [1, 5]) {
    const list = [];
    for (let i = 0; i < companies; i++) list.push(await readyCompany(admin));
    for (const n of [10, 100, 200]) {
      // A fresh approver per bundle: each signature spends the next TOTP step of its secret.
      const user = await approver(admin, list);
      const docs = [];
      for (let i = 0; i < n; i++) docs.push(documentFor(list[i % companies]));
      const ids = await sendAll(list, docs);
      const adds = [];
      for (const id of ids) {
        const start = performance.now();
        const res = await user.client.call('POST', `/api/v1/tasks/${id}/approve-and-pay`, { json: { expected_version: 1 } });
        adds.push([performance.now() - start, res]);
        assert.equal(res.status, 200, res.text);
      }
      adds.sort((a, b) => a[0] - b[0]);
      const [addMs, addRes] = adds[Math.floor(adds.length / 2)];
      const [showMs, shown] = await medianOf(3, () => user.client.call('GET', '/api/v1/bundle'));
      assert.equal(shown.body.count, n);
      const start = performance.now();
      const signed = await sign(user, shown.body.digest);
      const signMs = performance.now() - start;
      assert.equal(signed.status, 200, signed.text);
      assert.ok(signed.body.companies.every((c) => c.signed), signed.text.slice(0, 500));
      assert.equal(signed.body.companies.reduce((s, c) => s + c.invoices.length, 0), n);
      assert.equal(signed.body.bundle.count, 0);
      console.log(`BENCH bundle of ${n} over ${companies} companies: add one (approve and pay), median ${addMs.toFixed(0)} ms wall; ${timing(addRes)}`);
      console.log(`BENCH bundle of ${n} over ${companies} companies: show (GET /bundle), median ${showMs.toFixed(0)} ms wall; ${timing(shown)}`);
      console.log(`BENCH bundle of ${n} over ${companies} companies: sign, ${signMs.toFixed(0)} ms wall; ${timing(signed)}`);
    }
  }
});
