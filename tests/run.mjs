// Starts one isolated `wrangler dev` (free port, its own temporary --persist-to directory), runs
// the API tests and then the browser tests against it, and stops it. Exit code: the tests'.
//
//   node tests/run.mjs                 all suites
//   node tests/run.mjs tests/api/x.test.mjs   only the given files
import { spawnApp } from './support/app.mjs';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// Browser tests first: the organisation-setup journey starts from an empty store and creates the
// first System Administrator in the browser (with the credentials every other test signs in with,
// `ADMIN` in support/org.mjs); the API tests then build on that organisation.
const suites = ['browser', 'api'];
const files = process.argv.slice(2).length
  ? process.argv.slice(2)
  : suites.flatMap((s) =>
      readdirSync(join(here, s))
        .filter((f) => f.endsWith('.test.mjs'))
        .sort()
        .map((f) => join(here, s, f)),
    );

const app = await spawnApp();
let code = 1;
try {
  code = await new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
      { stdio: 'inherit', env: { ...process.env, BASE_URL: app.baseUrl, PERSIST_DIR: app.persistDir } },
    );
    child.on('exit', (c, signal) => resolve(signal ? 1 : c ?? 1));
  });
} finally {
  await app.stop();
}
process.exit(code);
