#!/usr/bin/env node
// `npm run test:sdk-python`: the Python SDK's unittest suite against a real `wrangler dev`.
//
// Starts the app offline on a free port with its own throw-away state (migrations applied,
// nothing shared with `npm run dev`), waits for /v1/health, runs
// `python3 -m unittest discover -s sdk-python/tests`, and stops the server whatever happens.
// Exit code: unittest's (1 if the server never came up).
//   PYTHON=python3.11 npm run test:sdk-python [-- <unittest args>]
import { spawn } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./readiness-gate.mjs";
import { offlineEnv, persistArgs, wranglerSpawn, wranglerSync } from "./wrangler.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

// Secrets for this throw-away server only; the tests mint tokens with the same key.
const JWT_SECRET = `sdk-python-test-${crypto.randomUUID()}`;
const ENCRYPTION_KEY = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64");
const state = mkdtempSync(join(tmpdir(), "dhanam-sdk-python-"));
const logPath = join(state, "wrangler.log");

const migrate = wranglerSync(["d1", "migrations", "apply", "DB", "--local", ...persistArgs(state)], { stdio: ["ignore", "ignore", "inherit"] });
if (migrate.status !== 0) {
  console.error("Applying migrations failed");
  process.exit(migrate.status ?? 1);
}

const log = openSync(logPath, "a");
let server;
let baseUrl;
let stopping = false;

function startServer(port, inspectorPort) {
  baseUrl = `http://127.0.0.1:${port}`;
  logFrom = readFileSync(logPath, "utf8").length;
  stopping = false;
  server = wranglerSpawn(
    ["dev", "--port", String(port), "--ip", "127.0.0.1", "--inspector-port", String(inspectorPort), "--show-interactive-dev-session=false",
      "--var", "LOG_LEVEL:error", ...persistArgs(state)],
    { stdio: ["ignore", log, log], env: { ...offlineEnv, JWT_SECRET, ENCRYPTION_KEY } },
  );
  server.on("exit", (code) => {
    if (!stopping) console.error(`wrangler dev exited early (${code}); its log:\n${readFileSync(logPath, "utf8").slice(-4000)}`);
  });
}

const stop = () =>
  new Promise((done) => {
    stopping = true;
    if (!server || server.exitCode !== null || server.signalCode !== null) return done();
    server.once("exit", () => done());
    server.kill("SIGTERM");
    setTimeout(() => server.exitCode === null && server.kill("SIGKILL"), 5000).unref();
  });
const cleanup = () => rmSync(state, { recursive: true, force: true });
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => stop().then(() => (cleanup(), process.exit(130))));

// Where this attempt's lines start in the shared log.
let logFrom = 0;
const ownLog = () => readFileSync(logPath, "utf8").slice(logFrom);

async function waitForHealth(timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) return false;
    // Our wrangler's own word that it listens first: until then a 200 on the port could be another process's, which
    // took the port after it was chosen (our wrangler then fails to bind it and exits).
    if (!ownLog().includes(`Ready on ${baseUrl}`)) {
      await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    try {
      const res = await fetch(`${baseUrl}/v1/health`);
      if (res.status === 200) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

// A port can be taken between choosing it and wrangler binding it (another process on the machine): a server that
// exits before it is healthy is started again on other ports, up to three times.
async function serverUp() {
  for (let attempt = 1; attempt <= 3; attempt++) {
    startServer(await freePort(), await freePort());
    if (await waitForHealth()) return true;
    if (server.exitCode === null) return false; // running but never healthy: not a port clash
    console.error(`wrangler dev did not start (attempt ${attempt} of 3)`);
  }
  return false;
}

let status = 1;
try {
  if (!(await serverUp())) {
    console.error(`wrangler dev did not become healthy on ${baseUrl}; its log:\n${readFileSync(logPath, "utf8").slice(-4000)}`);
  } else {
    console.log(`wrangler dev is up on ${baseUrl}; running the Python SDK tests`);
    const python = process.env.PYTHON || "python3";
    const args = process.argv.slice(2);
    const tests = spawn(python, ["-m", "unittest", ...(args.length ? args : ["discover", "-s", "sdk-python/tests", "-t", "sdk-python", "-v"])], {
      stdio: "inherit",
      env: {
        ...process.env,
        PYTHONPATH: [join(root, "sdk-python"), process.env.PYTHONPATH].filter(Boolean).join(":"),
        PYTHONDONTWRITEBYTECODE: "1",
        DHANAM_BASE_URL: baseUrl,
        DHANAM_TEST_JWT_SECRET: JWT_SECRET,
      },
    });
    status = await new Promise((done) => tests.on("exit", (code, signal) => done(code ?? (signal ? 1 : 0))));
  }
} finally {
  await stop();
  cleanup();
}
process.exit(status);
