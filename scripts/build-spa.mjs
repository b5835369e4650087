// Builds the SPA (app/ → dist/), split so that the first download is only what sign-in and the
// task list need; every other screen (`lazy_screen!` in app/src/routes.rs) is its own WebAssembly
// file, fetched when it is first opened.
//
//   1. cargo: the `ap-app` binary for wasm32, profile `release-spa`, linked with `--emit-relocs`
//      (the splitter follows the relocations to see which code each split point reaches);
//   2. wasm-split-cli (wasm_split_cli_support, the tool behind Leptos' `#[lazy_route]`): the main
//      module, one module per screen, chunks of code that screens share, and `__wasm_split.js`
//      that fetches them;
//   3. wasm-bindgen (`--target web`) on the main module;
//   4. wasm-opt -Oz on every module, esbuild on the scripts (inline JavaScript glue bundled into
//      the main module's script);
//   5. all of it into `dist/app-<hash>/` (the hash of every byte in it, so a name is never reused
//      for other bytes and `public/_headers` lets browsers keep it for a year), the stylesheet
//      beside it, `public/` copied, and `index.html` with the loader script, whose SHA-256 goes
//      into the Content-Security-Policy in `dist/_headers`.
//
// Trunk cannot split (trunk-rs/trunk#1022), hence this script.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
const work = join(target, 'spa-split');
const dist = join(root, 'dist');
const bin = (name, env) => process.env[env] ?? name;
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
const sha = (alg, bytes) => createHash(alg).update(bytes).digest();

// 1. The whole app as one module, with its relocations.
run('cargo', [
  'rustc', '--quiet', '--locked', '-p', 'ap-app', '--bin', 'ap-app',
  '--target', 'wasm32-unknown-unknown', '--profile', 'release-spa',
  '--', '-C', 'link-arg=--emit-relocs',
]);
const input = join(target, 'wasm32-unknown-unknown', 'release-spa', 'ap-app.wasm');

// 2. Split.
rmSync(work, { recursive: true, force: true });
const split = join(work, 'split');
run(bin('wasm-split-cli', 'WASM_SPLIT_BIN'), [input, split, '--out-name', 'ap-app']);

// 3. Bindings for the main module; the split modules reach JavaScript through it, and share its
//    memory and function table (which wasm-bindgen would otherwise stop exporting).
const out = join(work, 'out');
run(bin('wasm-bindgen', 'WASM_BINDGEN_BIN'), [
  '--target', 'web', '--no-typescript', '--keep-lld-exports', '--out-dir', out, join(split, 'ap-app.wasm'),
]);
rmSync(join(split, 'ap-app.wasm'));

// 4. Smallest code: wasm-opt -Oz on the main module; the split modules (many, mostly small)
//    through binaryen's own API in this process, which saves starting wasm-opt for each; the
//    scripts and the stylesheet minified by esbuild.
const features = [
  '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue',
];
run(bin('wasm-opt', 'WASM_OPT_BIN'), [
  // --converge repeats -Oz while it still shrinks the module (about 0.3 KB gzip of the first
  // download, for 15 s of build).
  '-Oz', '--converge', '--strip-debug', '--strip-producers', ...features, join(out, 'ap-app_bg.wasm'), '-o', join(out, 'ap-app_bg.wasm'),
]);
// binaryen reads the split modules' name sections with a warning each; nothing to act on.
const printError = console.error;
console.error = (...args) => String(args[0]).startsWith('warning: unknown name subsection') || printError(...args);
const { default: binaryen } = await import(join(root, 'node_modules', 'binaryen', 'index.js'));
// What Rust's wasm32 output and wasm-bindgen use (as `features` above); newer encodings, such
// as compact imports, would not load in today's browsers.
const F = binaryen.Features;
const wasmFeatures = F.MVP | F.MutableGlobals | F.NontrappingFPToInt | F.SignExt | F.BulkMemory
  | F.BulkMemoryOpt | F.ReferenceTypes | F.CallIndirectOverlong | F.Multivalue;
binaryen.setOptimizeLevel(2);
binaryen.setShrinkLevel(2);
binaryen.setDebugInfo(false);
for (const f of readdirSync(split)) {
  if (!f.endsWith('.wasm')) {
    cpSync(join(split, f), join(out, f));
    continue;
  }
  const module = binaryen.readBinary(readFileSync(join(split, f)));
  module.setFeatures(wasmFeatures);
  module.optimize();
  writeFileSync(join(out, f), module.emitBinary());
  module.dispose();
}
// The loader lists each shared chunk as its own fetch function and each split point's chunks by
// name: over 300 near-identical definitions, a cost of about 1 KB gzip of the first download
// per split point. Written compactly instead (a loop makes the chunks, a split point names its
// chunks as deltas in base 36), it does the same.
writeFileSync(join(out, '__wasm_split.js'), compactLoader(readFileSync(join(out, '__wasm_split.js'), 'utf8')));
// `#[wasm_bindgen(inline_js)]` glue (the passkey ceremonies) comes as modules in snippets/ that
// ap-app.js imports: bundled into it, so the first download stays the files index.html names.
const snippets = join(out, 'snippets');
for (const f of ['ap-app.js', '__wasm_split.js']) {
  const bundle = f === 'ap-app.js' && existsSync(snippets) ? ['--bundle', '--external:*/__wasm_split.js'] : [];
  run(bin('esbuild', 'ESBUILD_BIN'), [join(out, f), '--minify', '--format=esm', '--log-level=warning', ...bundle,
    // wasm-bindgen names the loader module once per split point in one object: harmless.
    '--log-override:duplicate-object-key=silent', `--outfile=${join(out, f)}`, '--allow-overwrite']);
}
rmSync(snippets, { recursive: true, force: true });
// The passkey ceremonies' script, which that glue imports beside ap-app.js when a passkey is
// first used: outside the first download.
run(bin('esbuild', 'ESBUILD_BIN'), [join(root, 'app', 'passkey.js'), '--minify', '--format=esm', '--log-level=warning', `--outfile=${join(out, 'passkey.js')}`]);
run(bin('esbuild', 'ESBUILD_BIN'), [join(root, 'app', 'style.css'), '--minify', '--log-level=warning', `--outfile=${join(out, 'style.css')}`]);

// 5. Named by content, into dist/.
const files = readdirSync(out).sort();
const digest = createHash('sha256');
for (const f of files) digest.update(f).update(readFileSync(join(out, f)));
const hash = digest.digest('hex').slice(0, 16);
const dir = `app-${hash}`;

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);
cpSync(join(root, 'public'), dist, { recursive: true });
renameSync(out, join(dist, dir));

const integrity = (f) => `sha384-${sha('sha384', readFileSync(join(dist, dir, f))).toString('base64')}`;
const loader = `import init from '/${dir}/ap-app.js';\nawait init({ module_or_path: '/${dir}/ap-app_bg.wasm' });\n`;
const template = readFileSync(join(root, 'app', 'index.html'), 'utf8');
const head = [
  `<link rel="stylesheet" href="/${dir}/style.css" integrity="${integrity('style.css')}" />`,
  `<link rel="modulepreload" href="/${dir}/ap-app.js" integrity="${integrity('ap-app.js')}" />`,
  `<link rel="preload" href="/${dir}/ap-app_bg.wasm" as="fetch" type="application/wasm" crossorigin="anonymous" />`,
  `<link rel="modulepreload" href="/${dir}/__wasm_split.js" integrity="${integrity('__wasm_split.js')}" />`,
  `<script type="module">${loader}</script>`,
].join('\n    ');
if (!template.includes('<!-- APP -->')) throw new Error('build-spa: no <!-- APP --> in app/index.html');
writeFileSync(join(dist, 'index.html'), template.replace('<!-- APP -->', head));

// The loader is the one inline script; the policy allows exactly it.
const headersFile = join(dist, '_headers');
const headers = readFileSync(headersFile, 'utf8');
if (!headers.includes('SCRIPT_HASHES')) throw new Error('build-spa: no SCRIPT_HASHES in public/_headers');
writeFileSync(headersFile, headers.replaceAll('SCRIPT_HASHES', `'sha256-${sha('sha256', loader).toString('base64')}'`));

const sizes = readdirSync(join(dist, dir)).map((f) => readFileSync(join(dist, dir, f)).length);
console.log(`build-spa: dist/${dir}/ holds ${sizes.length} files, ${sizes.reduce((a, b) => a + b, 0)} bytes`);

/** wasm-split-cli's loader with its chunk definitions made by one loop and each split point's
 * chunk list as a string of base-36 deltas; throws on anything it does not expect, so a new
 * wasm-split-cli can only fail the build, never break the app. */
function compactLoader(text) {
  const fetcher = (name) => `makeLoad(() => {\n    const src = fetch(new URL("./${name}.wasm", import.meta.url));\n    src.catch(() => {});\n    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));\n}\n, `;
  const chunk = /^const __chunk_(\d+) = makeLoad\(\(\) => \{\n    const src = fetch\(new URL\("\.\/chunk_\1\.wasm", import\.meta\.url\)\);\n    src\.catch\(\(\) => \{\}\);\n    return async \(imports\) => \(WebAssembly\.instantiateStreaming\(src, imports\)\);\n\}\n, \[\]\);\n/gm;
  const numbers = [...text.matchAll(chunk)].map((m) => Number(m[1]));
  if (numbers.length === 0) throw new Error('compactLoader: no chunk definitions found');
  const [first, last] = [Math.min(...numbers), Math.max(...numbers)];
  if (numbers.length !== last - first + 1) throw new Error('compactLoader: the chunks are not numbered without gaps');
  let body = text.replace(/^\/\*.*\*\/\n/gm, '').replace(chunk, '');
  if (/__chunk_\d+ = /.test(body)) throw new Error('compactLoader: a chunk definition of another form');
  const helpers = `const fetcher = (name) => () => {
    const src = fetch(new URL(\`./\${name}.wasm\`, import.meta.url));
    src.catch(() => {});
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
};
const chunks = [];
for (let n = ${first}; n <= ${last}; n++) chunks[n] = makeLoad(fetcher("chunk_" + n), []);
const deps = (s) => {
    const out = [];
    for (let i = 0, n = 0; i < s.length; i++) {
        n += s[i] === "z" ? parseInt(s.substr((i += 2) - 1, 2), 36) : parseInt(s[i], 36);
        out.push(chunks[n]);
    }
    return out;
};
`;
  const split = /makeLoad\(\(\) => \{\n    const src = fetch\(new URL\("\.\/(split_[A-Za-z0-9_]+)\.wasm", import\.meta\.url\)\);\n    src\.catch\(\(\) => \{\}\);\n    return async \(imports\) => \(WebAssembly\.instantiateStreaming\(src, imports\)\);\n\}\n, \[([^\]]*)\]\)/g;
  let points = 0;
  body = body.replace(split, (_, name, list) => {
    points++;
    const ns = list.split(',').map((x) => x.trim()).filter(Boolean).map((x) => {
      const m = /^__chunk_(\d+)$/.exec(x);
      if (!m) throw new Error(`compactLoader: unexpected dependency ${x}`);
      return Number(m[1]);
    });
    let code = '';
    let previous = 0;
    for (const n of ns) {
      const d = n - previous;
      if (d < 1 || d >= 36 * 36) throw new Error('compactLoader: dependencies out of order');
      code += d < 35 ? d.toString(36) : `z${d.toString(36).padStart(2, '0')}`;
      previous = n;
    }
    return `makeLoad(fetcher("${name}"), deps("${code}"))`;
  });
  if (points === 0 || /fetch\(new URL\("/.test(body)) throw new Error('compactLoader: a split point of another form');
  const at = body.indexOf('\nexport const ');
  if (at < 0) throw new Error('compactLoader: no exports');
  return body.slice(0, at + 1) + helpers + body.slice(at + 1);
}
