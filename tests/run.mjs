// Starts one isolated `wrangler dev` (free port, its own temporary --persist-to directory), runs
// the browser tests, the API tests and then the OpenAPI robustness run against it, and stops it.
// Exit code: the tests'.
//
//   node tests/run.mjs                          all suites
//   node tests/run.mjs tests/api/x.test.mjs     only the given files
//
// Browser tests first: `browser/00-org-setup` starts from the empty store and creates the first
// System Administrator in the browser (with the credentials every other test signs in with,
// `ADMIN` in support/org.mjs); the API tests then build on that organisation. Each suite is its
// own `node --test` run, because the runner orders files by itself.
import { spawnApp } from './support/app.mjs';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const given = process.argv.slice(2);
const runs = given.length
  ? [given]
  : ['browser', 'api', 'openapi'].map((s) =>
      readdirSync(join(here, s))
        .filter((f) => f.endsWith('.test.mjs'))
        .sort()
        .map((f) => join(here, s, f)),
    );

const app = await spawnApp();
const tapDir = mkdtempSync(join(tmpdir(), 'approve-pay-tap-'));
let failedRuns = 0;
let passed = 0;
let failed = 0;
try {
  for (const [i, files] of runs.entries()) {
    if (!files.length) continue;
    const tap = join(tapDir, `${i}.tap`);
    const code = await new Promise((resolve) => {
      const child = spawn(
        process.execPath,
        [
          '--test', '--test-concurrency=1',
          '--test-reporter=spec', '--test-reporter-destination=stdout',
          '--test-reporter=tap', `--test-reporter-destination=${tap}`,
          ...files,
        ],
        { stdio: 'inherit', env: { ...process.env, BASE_URL: app.baseUrl, PERSIST_DIR: app.persistDir } },
      );
      child.on('exit', (c, signal) => resolve(signal ? 1 : c ?? 1));
    });
    if (code !== 0) failedRuns++;
    const text = readFileSync(tap, 'utf8');
    passed += Number(text.match(/^# pass (\d+)$/m)?.[1] ?? 0);
    failed += Number(text.match(/^# fail (\d+)$/m)?.[1] ?? 0);
  }
} finally {
  // What wrangler dev printed (warnings and errors), for a failure that only shows on its side
  // (a restarted worker, an exception in a Durable Object).
  mkdirSync(join(here, 'output'), { recursive: true });
  writeFileSync(join(here, 'output', 'wrangler.log'), app.log());
  if (failedRuns) console.log(`\nwrangler dev's output is in tests/output/wrangler.log; its end:\n${app.log().slice(-3000)}`);
  await app.stop();
  rmSync(tapDir, { recursive: true, force: true });
}
if (failedRuns && !failed) failed = failedRuns; // a run that died before reporting
console.log(`\nintegration: ${passed} passed, ${failed} failed`);
process.exit(failedRuns ? 1 : 0);
