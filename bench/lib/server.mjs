// Starts `wrangler dev` on a fresh local state directory for a benchmark run and stops it afterwards.
import { execSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const quiet = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };

/**
 * `fromHead`: serve a copy of the last commit (`git archive HEAD`, with this checkout's node_modules)
 * rather than the working tree, so that edits saved during a run neither reload the Worker under
 * load nor get measured half-done. BENCH_REF=<commit> serves that commit instead (to compare two);
 * BENCH_WORKTREE=1 serves the working tree anyway.
 */
export async function startServer({ port = 8799, vars = {}, fromHead = false, state: reuse } = {}) {
  // `state`: serve an existing local state directory (e.g. one a scenario bulk-loaded while stopped).
  const state = reuse ?? mkdtempSync(join(tmpdir(), "dhanam-bench-"));
  let cwd = process.cwd();
  let source = "working tree";
  if (fromHead && process.env.BENCH_WORKTREE !== "1") {
    cwd = mkdtempSync(join(tmpdir(), "dhanam-src-"));
    const ref = execSync(`git rev-parse --short ${JSON.stringify(`${process.env.BENCH_REF ?? "HEAD"}^{commit}`)}`).toString().trim();
    execSync(`git archive ${ref} | tar -x -C ${JSON.stringify(cwd)}`);
    symlinkSync(resolve("node_modules"), join(cwd, "node_modules"));
    source = `${process.env.BENCH_REF ? "commit" : "HEAD"} ${ref}`;
  }
  const migrate = spawnSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", state], {
    cwd,
    env: { ...quiet, CI: "true" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (migrate.status !== 0) throw new Error("migrations failed");
  const varArgs = Object.entries({ RATE_LIMIT_MULTIPLIER: "100000", ...vars }).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  const serveArgs = ["--port", String(port), "--ip", "127.0.0.1", "--persist-to", state, "--env-file", ".dev.vars.example", ...varArgs];
  // Without the DevTools inspector that `wrangler dev` attaches (see serve-worker.mjs);
  // BENCH_INSPECTOR=1 serves through `wrangler dev` as before, to compare.
  const inspector = process.env.BENCH_INSPECTOR === "1";
  const child = inspector
    ? spawn("npx", ["wrangler", "dev", ...serveArgs, "--inspector-port", inspectorPort()], { cwd, env: quiet, stdio: ["ignore", "pipe", "pipe"], detached: true })
    : spawn(process.execPath, [resolve("bench/lib/serve-worker.mjs"), ...serveArgs], { cwd, env: quiet, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let log = "";
  // Kept to its last 64 MiB: a long run under wrangler dev's inspector outgrows a string otherwise.
  const keep = (d) => {
    log += d;
    if (log.length > 64 * 2 ** 20) log = log.slice(log.length - 32 * 2 ** 20);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/v1/health`)).ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`wrangler dev did not start:\n${log.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    base,
    state,
    /** What is served: "working tree" or "HEAD <commit>", and how (without or with wrangler's inspector). */
    source: `${source}${inspector ? " (wrangler dev, inspector attached)" : " (wrangler's startWorker, no inspector)"}`,
    /** The process group of `wrangler dev` and its workerd (to read their CPU time). */
    pgid: child.pid,
    /** Lines of wrangler's output about the runtime restarting or failing (not request logs). */
    notices: () => log.split("\n").filter((l) => !l.includes('"event":"request"') && /restart|memory|exceeded|uncaught|crash|fatal/i.test(l)).slice(0, 20),
    /** How many times wrangler rebuilt and reloaded the Worker (a file it watches changed). */
    reloads: () => log.split("\n").filter((l) => /reloading/i.test(l)).length,
    /** The Worker's log lines of one event (JSON), e.g. "sync.timing". */
    events: (name) => log.split("\n").filter((l) => l.includes(`"event":"${name}"`)).map((l) => { try { return JSON.parse(l.slice(l.indexOf("{"))); } catch { return l; } }),
    /** Error lines the Worker logged during the run (e.g. ledger commits that failed). */
    errors: () => log.split("\n").filter((l) => l.includes('"level":"error"')).map((l) => l.slice(l.indexOf("{"))),
    stop() {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {}
    },
  };
}

/** The DevTools port `BENCH_INSPECTOR=1` serves on: `BENCH_INSPECTOR_PORT`, for when a dev server holds 9229. */
export const inspectorPort = () => process.env.BENCH_INSPECTOR_PORT ?? "9229";
