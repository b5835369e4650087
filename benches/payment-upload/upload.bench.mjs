// Wall time of real uploads through `wrangler dev` (Worker + KV + the ledger Durable Object).
// Run: node tests/run.mjs benches/payment-upload/upload.bench.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstAdmin } from '../../tests/support/org.mjs';
import { autopayCompany, upload } from '../../tests/support/autopay.mjs';
import { pain001 } from './generate.mjs';

test('upload 1,000 and 10,000 payments', async () => {
  const admin = await firstAdmin();
  const company = await autopayCompany(admin);
  for (const n of [1000, 10000]) {
    const xml = pain001(n);
    const start = performance.now();
    const res = await upload(company, xml);
    const ms = performance.now() - start;
    assert.equal(res.status, 201, res.text.slice(0, 500));
    assert.equal(res.body.summary.payments, n);
    const again = performance.now();
    const replay = await upload(company, xml);
    const replayMs = performance.now() - again;
    assert.equal(replay.status, 200);
    console.log(`BENCH ${n} payments, ${(Buffer.byteLength(xml) / 1024 / 1024).toFixed(2)} MiB: upload ${ms.toFixed(0)} ms, replay ${replayMs.toFixed(0)} ms, answer ${(res.text.length / 1024 / 1024).toFixed(2)} MiB`);
  }
});
