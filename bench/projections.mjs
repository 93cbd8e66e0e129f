// Issue 14's projection figure: 10,000 scenarios × 30 years computed in the Worker, CPU time under
// 50 ms with yearly steps and under 150 ms with monthly steps. Two measurements, each beside the
// same run's baseline:
//
// 1. engine: the engine module bundled into a Worker on workerd (Miniflare), timed inside the
//    Worker with performance.now() around `simulate()` (local workerd lets the clock run during
//    execution; production freezes it), and by workerd's own CPU time from /proc over the phase,
//    divided by the runs. The timer is wall time: on a loaded machine it includes time the process
//    waited for a core, so the /proc figure is the one to read. The baseline is the same Worker
//    answering without calling the engine.
// 2. route: `POST /v1/projections` (save: false, all amounts given, so no ledger read) on
//    `wrangler dev` serving the last commit, one request at a time. Reported: latency p50/p99
//    and the CPU time workerd's processes spent per request (utime + stime from /proc, 10 ms
//    ticks summed over the phase), against `GET /v1/health` and the same route with 100 scenarios
//    (its fixed costs: auth, rate limit, membership, parsing, rendering) measured the same way.
import { readFileSync, readdirSync } from "node:fs";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { benchUser } from "./lib/api.mjs";
import { watchNoise } from "./lib/noise.mjs";
import { startServer } from "./lib/server.mjs";

const SCENARIOS = 10_000;
const YEARS = 30;

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2);
};
const stats = (xs) => ({ n: xs.length, min: +Math.min(...xs).toFixed(2), p50: pct(xs, 0.5), p90: pct(xs, 0.9), p99: pct(xs, 0.99), max: +Math.max(...xs).toFixed(2) });

const engineInput = (stepsPerYear, seed) => ({
  years: YEARS, scenarios: SCENARIOS, stepsPerYear, seed, startingNetWorth: 15_000_000, annualIncome: 12_000_000, annualExpenses: 9_500_000,
  inflationRate: 0.03, incomeGrowthRate: 0.025, portfolioReturn: 0.07, portfolioVolatility: 0.15,
  retirementYear: 25, retirementStopsSalary: true, retirementSpending: 8_000_000,
  lifeEvents: [{ year: 5, amount: -15_000_000, incomeChange: 0 }, { year: 18, amount: -20_000_000, incomeChange: 0 }],
});

async function engineInWorkerd({ runs }) {
  const bundle = await build({
    stdin: {
      contents: `
        import { simulate } from "./src/modules/projections/engine.ts";
        export default {
          async fetch(request) {
            const input = await request.json();
            const t0 = performance.now();
            const out = input.baseline ? null : simulate(input);
            const ms = performance.now() - t0;
            return Response.json({ ms, check: out ? out.years[out.years.length - 1].median : null });
          },
        };`,
      resolveDir: process.cwd(),
      loader: "js",
    },
    bundle: true,
    format: "esm",
    write: false,
    platform: "neutral",
  });
  const mf = new Miniflare({ modules: true, compatibilityDate: "2025-01-01", script: bundle.outputFiles[0].text });
  try {
    const call = async (body) => (await (await mf.dispatchFetch("http://bench/", { method: "POST", body: JSON.stringify(body) })).json());
    const out = {};
    // Per request: the timer inside the Worker (wall time around the call, which is all CPU), and
    // workerd's own CPU time from /proc over the phase (robust to other load; 10 ms ticks).
    const phase = async (body) => {
      const ms = [];
      let check = null;
      const cpu0 = childWorkerdCpuMs(process.pid);
      for (let i = 0; i < runs; i++) {
        const r = await call(body(i + 1));
        ms.push(r.ms);
        check = r.check;
      }
      return { timerMs: stats(ms), workerdCpuMsPerRun: +((childWorkerdCpuMs(process.pid) - cpu0) / runs).toFixed(1), check };
    };
    out.baseline = await phase(() => ({ baseline: true }));
    for (const steps of [1, 12]) {
      for (let i = 0; i < 3; i++) await call(engineInput(steps, 1000 + i)); // warm-up (JIT)
      const r = await phase((seed) => engineInput(steps, seed));
      out[steps === 1 ? "yearly" : "monthly"] = { ...r, check: undefined, lastMedianYear30Cents: Math.round(r.check) };
    }
    return out;
  } finally {
    await mf.dispose();
  }
}

/** utime + stime (ms) of the workerd processes whose parent is `ppid` (Miniflare's runtime). */
function childWorkerdCpuMs(ppid) {
  let ticks = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) !== ppid || !readFileSync(`/proc/${pid}/comm`, "utf8").includes("workerd")) continue;
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {}
  }
  return ticks * 10; // USER_HZ = 100
}

/** utime + stime (ms) of every process in process group `pgid` (wrangler, workerd). */
function groupCpuMs(pgid) {
  let ticks = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue; // pgrp
      const name = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
      if (!name.includes("workerd")) continue;
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {}
  }
  return ticks * 10; // USER_HZ = 100
}

async function routeOnWrangler({ runs }) {
  const server = await startServer({ port: 8794, fromHead: true });
  try {
    const api = await benchUser(server.base, "projections");
    const space = await api.json("POST", "/v1/spaces", { name: "Projections", type: "personal", currency: "USD" });
    const body = (stepsPerYear, seed) => ({
      spaceId: space.id, save: false, years: YEARS, scenarios: SCENARIOS, stepsPerYear, seed,
      startingNetWorth: "150000.00", annualIncome: "120000.00", annualExpenses: "95000.00",
      assumptions: { currentAge: 40, retirementAge: 64, retirementSpending: "80000.00" },
      lifeEvents: [{ year: 5, type: "home_purchase", amount: -150000 }, { year: 18, type: "college", amount: -200000 }],
    });
    const phase = async (label, fn) => {
      for (let i = 0; i < 3; i++) await fn(1000 + i); // warm-up
      const lat = [];
      const cpu0 = groupCpuMs(server.pgid);
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        const res = await fn(i + 1);
        await res.arrayBuffer();
        lat.push(performance.now() - t);
        if (res.status >= 300) throw new Error(`${label}: ${res.status}`);
      }
      const cpu = groupCpuMs(server.pgid) - cpu0;
      return { latencyMs: stats(lat), workerdCpuMsPerRequest: +(cpu / runs).toFixed(1) };
    };
    const out = {};
    out.baselineHealth = await phase("health", () => fetch(`${server.base}/v1/health`));
    // The same route doing 1 % of the work: auth, rate limit, membership, parsing and rendering.
    out.baselineRoute100Scenarios = await phase("route-100", (seed) => api.post("/v1/projections", { ...body(1, seed), scenarios: 100 }));
    out.yearly = await phase("yearly", (seed) => api.post("/v1/projections", body(1, seed)));
    out.monthly = await phase("monthly", (seed) => api.post("/v1/projections", body(12, seed)));
    out.source = server.source;
    out.serverErrors = server.errors().slice(0, 10);
    return out;
  } finally {
    server.stop();
  }
}

export async function projectionsBench({ runs = 30, engineOnly = false } = {}) {
  const noise = watchNoise();
  noise.mark("engine");
  const engine = await engineInWorkerd({ runs });
  noise.mark("route");
  const route = engineOnly ? null : await routeOnWrangler({ runs: Math.max(10, Math.floor(runs / 2)) });
  return {
    machine: noise.stop(),
    workload: `${SCENARIOS} scenarios × ${YEARS} years, lognormal returns (0.07, 0.15), inflation, income growth, retirement, two life events`,
    targetsMs: { yearly: 50, monthly: 150 },
    engineInWorkerd: engine,
    routeOnWranglerDev: route,
  };
}

// `node bench/projections.mjs` (engine only, working tree): a quick figure while tuning the engine.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await projectionsBench({ runs: Number(process.env.BENCH_PROJECTION_RUNS ?? 20), engineOnly: true }), null, 2));
}
