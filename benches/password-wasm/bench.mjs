// Times verify_once() (ap-core's Argon2id in wasm) in Node, whose V8 is the engine workerd runs.
// Usage: node bench.mjs <dir with wasm-bindgen --target nodejs output> [runs]
import { createRequire } from "node:module";
import path from "node:path";

const [dir, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 20);
const { verify_once } = createRequire(import.meta.url)(path.resolve(dir, "password_wasm_bench.js"));

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const median = (sorted[Math.floor((n - 1) / 2)] + sorted[Math.floor(n / 2)]) / 2;
  return `min ${sorted[0].toFixed(1)}, median ${median.toFixed(1)}, max ${sorted[n - 1].toFixed(1)}`;
}

// Warm-up: compile tiers, grow wasm memory to hold the 19 MiB once.
for (let i = 0; i < 3; i++) {
  if (!verify_once()) throw new Error("verify_once() returned false");
}
const cpu = [];
const wall = [];
for (let i = 0; i < runs; i++) {
  const cpuStart = process.cpuUsage();
  const wallStart = process.hrtime.bigint();
  if (!verify_once()) throw new Error("verify_once() returned false");
  const used = process.cpuUsage(cpuStart);
  cpu.push((used.user + used.system) / 1000);
  wall.push(Number(process.hrtime.bigint() - wallStart) / 1e6);
}
console.log(`wasm in Node ${process.version}, ${runs} runs, CPU ms per verification:  ${summary(cpu)}`);
console.log(`wasm in Node ${process.version}, ${runs} runs, wall ms per verification: ${summary(wall)}`);
