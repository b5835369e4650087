// Small helpers for the API tests.
import assert from 'node:assert/strict';
import { checkExchange } from './openapi.mjs';

export const BASE_URL = process.env.BASE_URL;
if (!BASE_URL) throw new Error('BASE_URL is not set: run the tests through `node tests/run.mjs`.');

/** fetch() against the instance under test; answers { status, headers, body, text }. */
export async function call(method, path, { json, body, headers = {} } = {}) {
  const init = { method, headers: { ...headers } };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers['content-type'] ??= 'application/json';
  } else if (body !== undefined) {
    init.body = body;
  }
  let r = await fetch(BASE_URL + path, init);
  let text = await r.text();
  // wrangler dev's proxy sometimes loses its connection to workerd between requests and answers
  // a POST with this 503 although the Worker never restarted (cloudflare/workers-sdk#14641, open
  // upstream; it retries only GET and HEAD itself). That is the dev server, not the product: the
  // request is sent once more, and only for exactly this answer.
  if (r.status === 503 && text.startsWith('Your worker restarted mid-request')) {
    console.log(`retrying ${method} ${path} once: wrangler dev's proxy lost its connection (workers-sdk#14641)`);
    r = await fetch(BASE_URL + path, init);
    text = await r.text();
  }
  let parsed;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
  // Every exchange with an operation of the OpenAPI document is held against it.
  checkExchange({ method, path, requestJson: json, status: r.status, contentType: r.headers.get('content-type'), body: parsed });
  return { status: r.status, headers: r.headers, body: parsed, text };
}

/** Asserts an RFC 9457 problem answer with the given status and a human sentence. */
export function assertProblem(res, status) {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(res.body.status, status);
  assert.equal(typeof res.body.title, 'string');
  assert.ok(res.body.detail && res.body.detail.length > 10, `detail should be a sentence: ${res.text}`);
}
