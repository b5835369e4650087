// The SPA's translation files (app/locales/<lang>/<namespace>.json, leptos_i18n): every text
// exists in both languages, with the same {{ values }}, and none is empty. leptos_i18n only warns
// about a key missing in one language (and shows English there), so this test is what fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const locales = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'app', 'locales');
const LANGS = ['en', 'nb'];

/** Every key of a namespace file as "a.b.c" → text. */
function flatten(value, prefix = '', out = new Map()) {
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out);
    else out.set(key, v);
  }
  return out;
}

const load = (lang, ns) => flatten(JSON.parse(readFileSync(join(locales, lang, `${ns}.json`), 'utf8')));
const values = (text) => [...String(text).matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

test('both languages have the same namespaces', () => {
  const [en, nb] = LANGS.map((l) => readdirSync(join(locales, l)).filter((f) => f.endsWith('.json')).sort());
  assert.deepEqual(nb, en);
  const buildRs = readFileSync(join(locales, '..', 'build.rs'), 'utf8');
  for (const f of en) assert.ok(buildRs.includes(`"${f.replace(/\.json$/, '')}"`), `${f} is listed in app/build.rs`);
});

test('every text exists in both languages, is not empty and keeps its {{ values }}', () => {
  const problems = [];
  for (const file of readdirSync(join(locales, 'en')).filter((f) => f.endsWith('.json'))) {
    const ns = file.replace(/\.json$/, '');
    const [en, nb] = LANGS.map((l) => load(l, ns));
    for (const [key, text] of en) {
      if (!nb.has(key)) problems.push(`${ns}.${key} is missing in nb`);
      else if (typeof nb.get(key) !== 'string' || !nb.get(key).trim()) problems.push(`${ns}.${key} is empty in nb`);
      else if (values(text).join() !== values(nb.get(key)).join()) problems.push(`${ns}.${key}: values ${values(text)} in en, ${values(nb.get(key))} in nb`);
      if (typeof text !== 'string' || !text.trim()) problems.push(`${ns}.${key} is empty in en`);
    }
    for (const key of nb.keys()) if (!en.has(key)) problems.push(`${ns}.${key} is missing in en`);
  }
  assert.deepEqual(problems, []);
});

// The statuses and warning kinds ap-core knows (`process::STATUSES`, `warnings::KINDS`) are
// shown through `widgets.status_<key>` and `widgets.warning_<kind>` (app/src/widgets/badges.rs,
// which matches on the keys): a key added in ap-core without its words here would show raw.
test('every process status and warning kind of ap-core has its words in the SPA', () => {
  const core = join(locales, '..', '..', 'core', 'src');
  const keysOf = (file, constant) => {
    const source = readFileSync(join(core, file), 'utf8');
    const body = source.slice(source.indexOf(`pub const ${constant}`));
    const table = body.slice(0, body.indexOf('];'));
    return [...table.matchAll(/"([a-z_]+)",/g)].map((m) => m[1]);
  };
  const statuses = keysOf('process.rs', 'STATUSES');
  const kinds = keysOf('warnings.rs', 'KINDS');
  assert.ok(statuses.length >= 6 && kinds.length >= 9, `read ${statuses} and ${kinds}`);
  // badges.rs with its whitespace and braces gone, so rustfmt's line breaks do not matter.
  const badges = readFileSync(join(locales, '..', 'src', 'widgets', 'badges.rs'), 'utf8').replace(/[\s{}]/g, '');
  for (const lang of LANGS) {
    const widgets = load(lang, 'widgets');
    for (const key of statuses) {
      assert.ok(widgets.get(`status_${key}`), `widgets.status_${key} in ${lang}`);
      assert.ok(badges.includes(`"${key}"=>tr_string!(widgets.status_${key})`), `badges.rs shows ${key}`);
    }
    for (const kind of kinds) {
      assert.ok(widgets.get(`warning_${kind}`), `widgets.warning_${kind} in ${lang}`);
      assert.ok(badges.includes(`"${kind}"=>tr_string!(widgets.warning_${kind})`), `badges.rs shows ${kind}`);
    }
  }
});
