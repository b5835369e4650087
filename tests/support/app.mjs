// spawnApp(): an isolated instance of the product — `wrangler dev` on a free loopback port with
// its own temporary storage directory — and a way to stop it with all its children.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

export async function spawnApp({ timeoutMs = 600_000 } = {}) {
  const port = await freePort();
  const inspectorPort = await freePort();
  const persistDir = mkdtempSync(join(tmpdir(), 'approve-pay-test-'));
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    PATH: `${ROOT}/node_modules/.bin:${process.env.HOME}/.cargo/bin:${process.env.PATH}`,
    WRANGLER_SEND_METRICS: 'false',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    NO_COLOR: '1',
  };
  const child = spawn(
    'wrangler',
    ['dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', persistDir, '--inspector-port', String(inspectorPort), '--log-level', 'warn', '--show-interactive-dev-session=false', '--test-scheduled',
      // Passkeys need a domain: browser tests open http://localhost:<port> for them.
      '--var', 'PASSKEY_RP_ID:localhost', '--var', `PASSKEY_ORIGIN:http://localhost:${port}`],
    { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  let exited = false;
  child.on('exit', () => { exited = true; });

  const stop = async () => {
    if (!exited) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      const deadline = Date.now() + 10_000;
      while (!exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (!exited) { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }
    }
    rmSync(persistDir, { recursive: true, force: true });
  };
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => stop().then(() => process.exit(130)));

  const started = Date.now();
  while (true) {
    if (exited) throw new Error(`wrangler dev exited before it was ready:\n${log}`);
    if (Date.now() - started > timeoutMs) {
      await stop();
      throw new Error(`wrangler dev was not ready after ${timeoutMs} ms:\n${log}`);
    }
    try {
      const r = await fetch(`${baseUrl}/api/v1/health`);
      if (r.status === 200 || r.status === 503) break;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { baseUrl, persistDir, stop, log: () => log };
}
