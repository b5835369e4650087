// The OpenAPI document as a contract every API test checks: each call to an operation the
// document describes is held against it — the status must be one the operation lists, a JSON
// answer must match that status's schema, and a JSON request the server accepted (2xx) must
// match the request schema. Object schemas are closed here (no property the document does not
// name), so renaming, adding or dropping a field in `ap_core::api*` without the document fails
// the API suite wherever that type crosses the wire.
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const doc = JSON.parse(readFileSync(join(ROOT, 'functions/src/openapi.json'), 'utf8'));

/** Every object schema with named properties and no word on others gets `additionalProperties: false`. */
function close(schema) {
  if (Array.isArray(schema)) return schema.forEach(close);
  if (!schema || typeof schema !== 'object') return;
  if (schema.properties && schema.additionalProperties === undefined) schema.additionalProperties = false;
  for (const value of Object.values(schema)) close(value);
}
close(doc.components.schemas);

const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema({ $id: 'openapi', components: doc.components });

// Operations: [method, path regex, path template, operation]; literal paths before templated ones.
const operations = Object.entries(doc.paths)
  .flatMap(([template, item]) =>
    Object.entries(item)
      .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map(([m, op]) => [m.toUpperCase(), new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`), template, op]))
  .sort((a, b) => (a[2].includes('{') ? 1 : 0) - (b[2].includes('{') ? 1 : 0));

const resolve = (obj) => (obj?.$ref ? resolve(obj.$ref.split('/').slice(1).reduce((o, k) => o[k], doc)) : obj);
const validators = new Map();
function validatorFor(key, schema) {
  if (!validators.has(key)) {
    // References point into the shared components, registered above as `openapi`.
    const rebased = JSON.parse(JSON.stringify(schema).replaceAll('"#/components', '"openapi#/components'));
    close(rebased);
    validators.set(key, ajv.compile(rebased));
  }
  return validators.get(key);
}

/** Fails (throws) when the exchange contradicts the document; silent for paths it does not describe. */
export function checkExchange({ method, path, requestJson, status, contentType, body }) {
  const bare = path.split('?')[0];
  const found = operations.find(([m, re]) => m === method && re.test(bare));
  if (!found) return;
  const [, , template, op] = found;
  const where = `${method} ${template}`;
  const answer = resolve(op.responses?.[String(status)]);
  if (!answer) throw new Error(`${where} answered ${status}, which the OpenAPI document does not list for it`);
  const media = (contentType ?? '').split(';')[0].trim();
  const schema = answer.content?.[media]?.schema;
  if (schema && body !== undefined) {
    const validate = validatorFor(`${where} ${status} ${media}`, schema);
    if (!validate(body)) {
      throw new Error(`${where} ${status}: the answer contradicts the OpenAPI document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 600)}`);
    }
  }
  const request = resolve(op.requestBody)?.content?.['application/json']?.schema;
  if (request && requestJson !== undefined && status >= 200 && status < 300) {
    const validate = validatorFor(`${where} request`, request);
    if (!validate(requestJson)) {
      throw new Error(`${where}: the server accepted a request the OpenAPI document calls invalid: ${ajv.errorsText(validate.errors)}`);
    }
  }
}
