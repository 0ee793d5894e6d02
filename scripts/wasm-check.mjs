// Runs borderq's WebAssembly engine in Node and checks it against the native command line:
// `borderq run SCENARIO --replications N --seed S --json` must print exactly the summary the
// module returns for the same request. Usage:
//   node scripts/wasm-check.mjs WASM BORDERQ [SCENARIO [REPLICATIONS [SEED]]]
// Exit 0 when identical, 1 when not (with the first differing line), 2 on bad usage.
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

const [wasmPath, binary, scenario = "bailey", reps = "2", seed] = process.argv.slice(2);
if (!wasmPath || !binary) {
  console.error("usage: node scripts/wasm-check.mjs WASM BORDERQ [SCENARIO [REPLICATIONS [SEED]]]");
  process.exit(2);
}

const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {});
const { memory, borderq_alloc, borderq_free, borderq_run } = instance.exports;

// One request through the module's C ABI: JSON in, [u32 length][status][text] out.
function run(request) {
  const bytes = new TextEncoder().encode(JSON.stringify(request));
  const ptr = borderq_alloc(bytes.length);
  new Uint8Array(memory.buffer, ptr, bytes.length).set(bytes);
  const out = borderq_run(ptr, bytes.length);
  borderq_free(ptr, bytes.length);
  const n = new DataView(memory.buffer).getUint32(out, true);
  const body = new Uint8Array(memory.buffer, out + 4, n).slice();
  borderq_free(out, n + 4);
  return { status: body[0], text: new TextDecoder().decode(body.subarray(1)) };
}

const request = { scenario, replications: Number(reps) };
const args = ["run", scenario, "--replications", reps, "--json", "--no-charts", "--quiet", "--out"];
if (seed !== undefined) request.seed = Number(seed);
const started = performance.now();
const page = run(request);
const ms = performance.now() - started;
if (page.status !== 0) {
  console.error(`wasm: status ${page.status}: ${page.text}`);
  process.exit(1);
}
const dir = execFileSync("mktemp", ["-d"]).toString().trim();
const native = execFileSync(binary, [...args, `${dir}/out`, ...(seed === undefined ? [] : ["--seed", seed])]).toString();
execFileSync("rm", ["-rf", dir]);
if (native !== page.text) {
  const a = native.split("\n"), b = page.text.split("\n");
  const i = a.findIndex((line, k) => line !== b[k]);
  console.error(`differs at line ${i + 1}:\n  native: ${a[i]}\n  wasm:   ${b[i]}`);
  process.exit(1);
}
// A bad override gets the command line's message, as bad input.
const bad = run({ scenario, set: ["quota.daily=-5"] });
if (bad.status !== 2 || !bad.text.includes("quota.daily")) {
  console.error(`a bad override: status ${bad.status}: ${bad.text}`);
  process.exit(1);
}
console.log(`wasm: ${scenario}, ${reps} replications: summary identical to native (${native.length} bytes, ${ms.toFixed(0)} ms in the module)`);
