// An OpenAPI-driven robustness run (Schemathesis, all phases, bounded) against the integration
// API with a key of every scope: no server error, and no answer that contradicts the document
// (functions/src/openapi.json). Part of `make test`: tests/run.mjs runs this directory after the
// API tests, against the same `wrangler dev`.
//
// Schemathesis is pinned and installed by `scripts/setup.sh --test` into .venv-tests/. Its
// settings are in schemathesis.toml beside this file; the full report is written to
// tests/output/schemathesis.txt. Alone: node tests/run.mjs tests/openapi/robustness.test.mjs
// (SCHEMATHESIS_SECONDS sets the time budget, 60 s by default: every phase runs, about 3,000
// cases; SCHEMATHESIS_SEED another seed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/app.mjs';
import { firstAdmin } from '../support/org.mjs';
import {
  autopayCompany, preApprovedInvoices, regularInvoices, upload, exportSuggestions, CREDITOR_IBAN,
} from '../support/autopay.mjs';
import { approver } from '../support/approval.mjs';
import { pain001 } from '../support/pain001.mjs';

const OUTPUT_DIR = join(ROOT, 'tests', 'output');
const ST = join(ROOT, '.venv-tests', 'bin', 'st');

test('the_integration_api_answers_as_its_openapi_document_says_for_generated_requests', { timeout: 900_000 }, async () => {
  assert.ok(existsSync(ST), `${ST} is missing: run scripts/setup.sh --test`);
  const admin = await firstAdmin();
  const company = await autopayCompany(admin);
  // Something in both exports, so that reading and acknowledging them is exercised too.
  const user = await approver(admin, [company]);
  await preApprovedInvoices(user, company, 1);
  await regularInvoices(user, company, 1);
  // The pre-approved export, not yet acknowledged: the run acknowledges it (the stateful phase
  // does not follow the document's link from the export to its acknowledgement by itself).
  const exported = await exportSuggestions(company, 'pre-approved');
  assert.equal(exported.status, 200, exported.text);
  // And a payment in AutoPay, whose history can be read.
  const uploaded = await upload(company, pain001({ debtor: company.debtorIban, payments: [{ amount: '10.00', creditorIban: CREDITOR_IBAN }] }));
  assert.equal(uploaded.status, 201, uploaded.text);
  const key = await admin.call('POST', `/api/v1/admin/companies/${company.id}/integration-keys`, {
    json: { label: 'schemathesis', scopes: ['documents:write', 'erp:read', 'autopay:upload', 'autopay:read'] },
  });
  assert.equal(key.status, 201, key.text);
  const run = spawnSync(ST, [
    '--config-file', join(ROOT, 'tests', 'openapi', 'schemathesis.toml'),
    'run', `${process.env.BASE_URL}/api/v1/openapi.json`,
    '-H', `Authorization: Bearer ${key.body.secret}`,
    '-H', 'X-Client-Version: 14.00',
    '--checks', 'all',
    '--phases', 'examples,coverage,fuzzing,stateful',
    '--max-examples', '25',
    '--max-time', process.env.SCHEMATHESIS_SECONDS ?? '60',
    '--workers', '1',
    '--seed', process.env.SCHEMATHESIS_SEED ?? '20261129',
    '--request-timeout', '30',
  ], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      AP_COMPANY_ID: company.id,
      AP_PAYMENT_ID: uploaded.body.payments[0].payment_id,
      AP_EXPORT_ID: exported.headers.get('x-export-id'),
      NO_COLOR: '1',
    },
  });
  const out = `${run.stdout}\n${run.stderr}`;
  mkdirSync(OUTPUT_DIR, { recursive: true });
  writeFileSync(join(OUTPUT_DIR, 'schemathesis.txt'), out);
  assert.equal(run.status, 0, out.slice(-8000));
});
