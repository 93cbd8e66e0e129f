// Deploy readiness: the bundle `wrangler deploy` would upload (gzipped size)
// and the Worker's startup time, measured as time-to-first-response of a fresh
// runtime with our bundle minus the same for a one-line Worker with the same
// bindings, in the same run.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Miniflare } from "miniflare";
import { buildBundle } from "../scripts/bundle.mjs";

async function timeToFirstResponse(options, path) {
  const t0 = performance.now();
  const mf = new Miniflare(options);
  const res = await mf.dispatchFetch(`http://localhost${path}`);
  await res.text();
  const ms = performance.now() - t0;
  await mf.dispose();
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function startupBench({ runs = 5 } = {}) {
  const bundle = buildBundle();
  const hello = join(mkdtempSync(join(tmpdir(), "dhanam-hello-")), "hello.js");
  // The baseline has the same bindings and Durable Object classes, so only our module's own start-up differs.
  writeFileSync(
    hello,
    [
      'import { DurableObject } from "cloudflare:workers";',
      "export class SpaceLedger extends DurableObject {}",
      "export class RateLimiter extends DurableObject {}",
      "export default { fetch() { return new Response('ok'); } };",
    ].join("\n"),
  );
  const common = { modules: true, compatibilityDate: "2026-04-26", compatibilityFlags: ["nodejs_compat"] };
  const ours = {
    ...common,
    scriptPath: bundle.main,
    modulesRoot: bundle.outdir,
    modulesRules: [{ type: "ESModule", include: ["**/*.js"] }],
    bindings: { JWT_SECRET: "startup-bench-secret-0123456789abcdefghij", ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"), ENVIRONMENT: "bench", PROVIDER_MODE: "sandbox", CORS_ORIGINS: "*", RATE_LIMIT_MULTIPLIER: "1", LOG_LEVEL: "error" },
    d1Databases: ["DB"],
    r2Buckets: ["DOCS"],
    queueProducers: { SYNC_QUEUE: "dhanam-sync", WEBHOOK_QUEUE: "dhanam-webhooks" },
    durableObjects: { SPACE_LEDGER: { className: "SpaceLedger", useSQLite: true }, RATE_LIMITER: { className: "RateLimiter", useSQLite: true } },
  };
  const baseline = [];
  const worker = [];
  for (let i = 0; i < runs; i++) {
    baseline.push(await timeToFirstResponse({ ...ours, scriptPath: hello, modulesRoot: dirname(hello) }, "/"));
    worker.push(await timeToFirstResponse(ours, "/v1/health"));
  }
  const b = median(baseline);
  const w = median(worker);
  return {
    bundle: { rawBytes: bundle.rawBytes, gzipBytes: bundle.gzipBytes, gzipMiB: +(bundle.gzipBytes / 1048576).toFixed(3), underOneMiB: bundle.gzipBytes < 1048576 },
    firstResponseMs: { helloWorldMedian: +b.toFixed(1), workerMedian: +w.toFixed(1) },
    startupMs: +(w - b).toFixed(1),
    ratioVsHelloWorld: +(w / b).toFixed(2),
    underHundredMs: w - b < 100,
  };
}
