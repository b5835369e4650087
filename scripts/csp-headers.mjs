// Trunk post_build hook: allows the inline scripts Trunk wrote into index.html by their SHA-256
// in the Content-Security-Policy of `_headers` (copied from public/ with the placeholder
// SCRIPT_HASHES). Fails the build when the placeholder or the scripts are missing, so a page
// whose policy would block its own loader is never shipped.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('csp-headers: TRUNK_STAGING_DIR is not set (run as a Trunk hook)');
const html = readFileSync(join(dir, 'index.html'), 'utf8');
const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)]
  .map(([, body]) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`);
if (hashes.length === 0) throw new Error('csp-headers: no inline script in index.html');
const file = join(dir, '_headers');
const headers = readFileSync(file, 'utf8');
if (!headers.includes('SCRIPT_HASHES')) throw new Error('csp-headers: no SCRIPT_HASHES in _headers');
writeFileSync(file, headers.replaceAll('SCRIPT_HASHES', hashes.join(' ')));
console.log(`csp-headers: allowed ${hashes.length} inline script(s)`);
