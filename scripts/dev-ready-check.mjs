#!/usr/bin/env node
// End-to-end check of `npm run dev`'s readiness on a fresh state: start it,
// poll /v1/health, and the moment it says 200 log in as the demo user and read
// the demo accounts. Ready must mean seeded, so any non-200 there fails.
// Runs on a temporary state directory and a free port (nothing shared is
// touched) and stops the whole dev process group, workerd included.
//   node scripts/dev-ready-check.mjs
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO } from "./demo-user.mjs";
import { freePort } from "./readiness-gate.mjs";

const state = mkdtempSync(join(tmpdir(), "dhanam-dev-check-"));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const dev = spawn(process.execPath, ["scripts/dev.mjs"], {
  env: { ...process.env, PORT: String(port), PERSIST_TO: state, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
  stdio: ["ignore", "pipe", "pipe"],
  detached: true, // its own process group, so one signal reaches wrangler and workerd too
});
let log = "";
dev.stdout.on("data", (d) => (log += d));
dev.stderr.on("data", (d) => (log += d));

async function json(path, init) {
  const res = await fetch(`${base}${path}`, init);
  return { status: res.status, body: await res.json().catch(() => null) };
}

async function check() {
  const seen = new Map(); // health status -> times
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (dev.exitCode !== null) throw new Error(`npm run dev exited with ${dev.exitCode}`);
    if (Date.now() > deadline) throw new Error("health never said ready");
    const status = await fetch(`${base}/v1/health`).then((r) => r.status, () => "refused");
    seen.set(status, (seen.get(status) ?? 0) + 1);
    if (status === 200) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const login = await json("/v1/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: DEMO.email, password: DEMO.password }),
  });
  if (login.status !== 200) throw new Error(`login right after ready: ${login.status} ${JSON.stringify(login.body)}`);
  const auth = { authorization: `Bearer ${login.body.tokens.accessToken}` };
  const accounts = await json(`/v1/accounts?spaceId=${DEMO.spaces[0].id}`, { headers: auth });
  if (accounts.status !== 200 || !(accounts.body.pagination.total > 0)) throw new Error(`demo accounts right after ready: ${accounts.status} ${JSON.stringify(accounts.body)}`);
  const budgets = await json(`/v1/budgets?spaceId=${DEMO.spaces[0].id}`, { headers: auth });
  if (budgets.status !== 200 || budgets.body.length === 0) throw new Error(`demo budgets right after ready: ${budgets.status}`);
  return { health: Object.fromEntries(seen), accounts: accounts.body.pagination.total, budgets: budgets.body.length };
}

async function stopAll() {
  try {
    process.kill(-dev.pid, "SIGTERM");
  } catch {}
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && isAlive(-dev.pid)) await new Promise((r) => setTimeout(r, 200));
  if (isAlive(-dev.pid)) process.kill(-dev.pid, "SIGKILL");
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let failed = false;
try {
  const r = await check();
  console.log(`ready meant seeded: health answers before 200 ${JSON.stringify(r.health)}, then login 200, ${r.accounts} demo accounts, ${r.budgets} budget(s)`);
} catch (err) {
  failed = true;
  console.error(`FAIL: ${err.message}\n--- npm run dev output (tail) ---\n${log.slice(-3000)}`);
} finally {
  await stopAll();
  rmSync(state, { recursive: true, force: true });
}
console.log(isAlive(-dev.pid) ? "dev processes still running" : "dev server and its workerd stopped");
process.exit(failed ? 1 : 0);
