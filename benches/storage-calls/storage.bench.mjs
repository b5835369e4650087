// Storage calls that grow with the work, read from the `Server-Timing` header every API answer
// carries (functions/src/meter.rs): uploads of 100 / 1,000 / 10,000 payments, and the task
// list's first page with 100 / 1,000 open tasks over 1 and 5 companies.
// Run: node tests/run.mjs benches/storage-calls/storage.bench.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstAdmin } from '../../tests/support/org.mjs';
import { autopayCompany, upload } from '../../tests/support/autopay.mjs';
import { readyCompany, approver, sendDocument, documentFor } from '../../tests/support/approval.mjs';
import { pain001 } from '../payment-upload/generate.mjs';

const timing = (res) => res.headers.get('server-timing');

test('upload: storage calls and time at 100 / 1,000 / 10,000 payments', async () => {
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

test('task list first page: storage calls and time at 100 / 1,000 open tasks, 1 and 5 companies', async () => {
  const admin = await firstAdmin();
  for (const companies of [1, 5]) {
    const list = [];
    for (let i = 0; i < companies; i++) list.push(await readyCompany(admin));
    const user = await approver(admin, list, { twoStep: false });
    let made = 0;
    for (const target of [100, 1000]) {
      const batch = [];
      for (; made < target; made++) batch.push(documentFor(list[made % companies], { due_date: `2030-05-${String(1 + (made % 28)).padStart(2, '0')}` }));
      for (let i = 0; i < batch.length; i += 20) {
        const answers = await Promise.all(batch.slice(i, i + 20).map((doc) => sendDocument(list.find((c) => c.id === doc.company_id), doc)));
        for (const a of answers) assert.equal(a.status, 201, a.text);
      }
      const runs = [];
      for (let r = 0; r < 5; r++) {
        const start = performance.now();
        const res = await user.client.call('GET', '/api/v1/tasks');
        runs.push([performance.now() - start, timing(res), res.body.items.length]);
      }
      runs.sort((a, b) => a[0] - b[0]);
      const [ms, header, items] = runs[2];
      console.log(`BENCH task list, ${target} open tasks over ${companies} companies: first page of ${items}, median ${ms.toFixed(0)} ms wall; ${header}`);
    }
  }
});
