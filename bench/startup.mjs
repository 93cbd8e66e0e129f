// Deploy readiness: the bundle `wrangler deploy` would upload (gzipped size)
// and the Worker's startup time.
//
// Startup is what Cloudflare limits and reports: parsing, compiling and running
// the module's global scope. Each run starts a fresh workerd whose entry point
// imports the module on the first request, as `wrangler check startup` does;
// the same is done for a one-line Worker with the same bindings, and startup
// is the difference. (No Durable Object bindings: their classes would have to
// be exported by the importing entry, which would load the module early.) Modules are handed to
// Miniflare with their contents: given only a script path, Miniflare parses
// the bundle in Node to find its imports, which once made this bench report
// ~500 ms of tooling time as if it were the Worker's.
//
// One more run is profiled (CPU samples every 100 µs) to show where the time
// goes, by package, from the `// node_modules/<pkg>/…` markers in the bundle.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import WebSocket from "ws";
import { buildBundle } from "../scripts/bundle.mjs";

// Imports what every Worker with Durable Objects imports, so that only our own code differs.
const HELLO = [
  'import { DurableObject } from "cloudflare:workers";',
  "export class SpaceLedger extends DurableObject {}",
  "export default { fetch() { return new Response('ok'); } };",
].join("\n");

const importingEntry = (target) => ({
  type: "ESModule",
  path: "/startup-entry.js",
  contents: `export default { async fetch() { await import("${target}"); return new Response("ok"); } };`,
});

const BINDINGS = {
  bindings: {
    JWT_SECRET: "startup-bench-secret-0123456789abcdefghij",
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
    ENVIRONMENT: "bench",
    PROVIDER_MODE: "sandbox",
    CORS_ORIGINS: "*",
    RATE_LIMIT_MULTIPLIER: "1",
    LOG_LEVEL: "error",
  },
  d1Databases: ["DB"],
  r2Buckets: ["DOCS"],
  queueProducers: { SYNC_QUEUE: "dhanam-sync", WEBHOOK_QUEUE: "dhanam-webhooks" },
};

function miniflareFor(modules, extra = {}) {
  return new Miniflare({
    name: "startup",
    modulesRoot: "/",
    modules,
    compatibilityDate: "2026-04-26",
    compatibilityFlags: ["nodejs_compat"],
    ...BINDINGS,
    ...extra,
  });
}

/** Wall time of a fresh runtime becoming ready, then of the first request (which imports the module). */
async function timeStartup(modules) {
  const t0 = performance.now();
  const mf = miniflareFor(modules);
  await mf.ready;
  const t1 = performance.now();
  await (await mf.dispatchFetch("http://localhost/")).text();
  const t2 = performance.now();
  await mf.dispose();
  return { readyMs: t1 - t0, importMs: t2 - t1 };
}

/** CPU profile of the first request's import, as `wrangler check startup` takes it, at a finer sampling interval. */
async function profileStartup(modules) {
  const mf = miniflareFor(modules, { inspectorPort: 0 });
  try {
    await mf.ready;
    const ws = new WebSocket(new URL("/core:user:startup", await mf.getInspectorURL()).href);
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    let nextId = 1;
    const pending = new Map();
    ws.on("message", (data) => {
      const msg = JSON.parse(String(data));
      pending.get(msg.id)?.(msg.result);
      pending.delete(msg.id);
    });
    const send = (method, params = {}) =>
      new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        ws.send(JSON.stringify({ id, method, params }));
      });
    await send("Profiler.enable");
    await send("Profiler.setSamplingInterval", { interval: 100 });
    await send("Profiler.start");
    await (await mf.dispatchFetch("http://localhost/")).text();
    const { profile } = await send("Profiler.stop");
    ws.close();
    return profile;
  } finally {
    await mf.dispose();
  }
}

/** Self time per package (or our own src file), from the sample's innermost frame and the bundle's path markers. */
function attribute(profile, bundleSource) {
  const markers = [];
  bundleSource.split("\n").forEach((line, i) => {
    const m = /^\/\/ (node_modules\/(?:@[^/]+\/)?[^/]+|src\/.+)/.exec(line);
    if (m) markers.push([i, m[1].startsWith("src/") ? m[1] : m[1].slice("node_modules/".length)]);
  });
  const ownerOf = (line) => {
    let lo = 0;
    let hi = markers.length - 1;
    let found = "(esbuild helpers)";
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (markers[mid][0] <= line) {
        found = markers[mid][1];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const sampledUs = new Map();
  profile.samples.forEach((id, i) => sampledUs.set(id, (sampledUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0)));
  const byOwner = new Map();
  const add = (owner, us) => byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
  let totalUs = 0;
  for (const [id, us] of sampledUs) {
    const { callFrame: frame, positionTicks = [] } = nodes.get(id);
    if (frame.functionName === "(idle)" || frame.functionName === "(root)") continue;
    totalUs += us;
    if (!/(^|\/)index\.js$/.test(frame.url)) {
      add(frame.functionName.startsWith("(") ? frame.functionName : "runtime", us);
      continue;
    }
    // The bundle's global scope is one function spanning every package, so split
    // a frame's time over the lines its samples hit (1-based) where V8 records them.
    const ticks = positionTicks.reduce((n, t) => n + t.ticks, 0);
    // V8 gives the module's own top frame no line ticks: that time is its compile and instantiation.
    if (ticks === 0) add(frame.lineNumber < 0 ? "(module compile)" : ownerOf(frame.lineNumber), us);
    else for (const t of positionTicks) add(ownerOf(t.line - 1), (us * t.ticks) / ticks);
  }
  // Our own files are summed into one line; packages keep their names.
  const grouped = new Map();
  for (const [owner, us] of byOwner) {
    const key = owner.startsWith("src/") ? "our src/" : owner;
    grouped.set(key, (grouped.get(key) ?? 0) + us);
  }
  const top = [...grouped].sort((a, b) => b[1] - a[1]).slice(0, 8);
  // The profiler's own overhead inflates these; they show proportions, not the startup time.
  return { sampledCpuMs: +(totalUs / 1000).toFixed(1), topSelfTimeMs: Object.fromEntries(top.map(([k, us]) => [k, +(us / 1000).toFixed(1)])) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function startupBench({ runs = 7 } = {}) {
  const bundle = buildBundle();
  const bundleModules = readdirSync(bundle.outdir)
    .filter((f) => f.endsWith(".js"))
    .map((f) => ({ type: "ESModule", path: `/${f}`, contents: readFileSync(join(bundle.outdir, f), "utf8") }));
  const ours = [importingEntry("/index.js"), ...bundleModules];
  const hello = [importingEntry("/hello.js"), { type: "ESModule", path: "/hello.js", contents: HELLO }];

  const baseline = [];
  const worker = [];
  for (let i = 0; i < runs; i++) {
    baseline.push(await timeStartup(hello));
    worker.push(await timeStartup(ours));
  }
  const importHello = median(baseline.map((r) => r.importMs));
  const importOurs = median(worker.map((r) => r.importMs));
  const readyHello = median(baseline.map((r) => r.readyMs));
  const readyOurs = median(worker.map((r) => r.readyMs));
  const startupMs = importOurs - importHello;
  // Loading a bigger script into a fresh runtime also costs something before any request; counted separately.
  const loadExtraMs = readyOurs - readyHello;
  const profile = attribute(await profileStartup(ours), readFileSync(bundle.main, "utf8"));

  return {
    bundle: { rawBytes: bundle.rawBytes, gzipBytes: bundle.gzipBytes, gzipMiB: +(bundle.gzipBytes / 1048576).toFixed(3), underOneMiB: bundle.gzipBytes < 1048576 },
    runs,
    firstImportMs: { helloWorldMedian: +importHello.toFixed(1), workerMedian: +importOurs.toFixed(1) },
    runtimeReadyMs: { helloWorldMedian: +readyHello.toFixed(1), workerMedian: +readyOurs.toFixed(1) },
    startupMs: +startupMs.toFixed(1),
    startupWithScriptLoadMs: +(startupMs + loadExtraMs).toFixed(1),
    underHundredMs: startupMs + loadExtraMs < 100,
    profiledRun: profile,
  };
}
