/**
 * Fuzzing every documented route with generated input (seeded, reproducible):
 * wrong types, huge and unicode strings, huge numbers, deep nesting, malformed
 * JSON, wrong content types, junk query strings and path ids. Never a 5xx,
 * always the error envelope, and a rejected write stores nothing.
 */
import fc from "fast-check";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, callJson } from "../helpers";
import { operations, synthesize } from "./openapi-requests";
import { buildWorld, settleJob, type World } from "./world";

const SEED = 1121;

/**
 * Tables only the webhook delivery consumer writes, from events already in the outbox: an accepted
 * sync earlier in the run (a provider connect queues its first import, whose `transaction.created`
 * events fan out to the world's subscription) keeps adding deliveries and retried attempts in the
 * background for minutes, whatever request is in flight. A rejected request cannot reach them without
 * first writing an outbox row or a subscription, which are still counted.
 */
const BACKGROUND_TABLES = new Set(["webhook_deliveries", "webhook_delivery_attempts"]);

/** Row counts of every table (but the background ones): a rejected request must leave them unchanged. */
async function tableCounts(): Promise<string> {
  const tables = (await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations' ORDER BY name").all<{ name: string }>()).results
    .filter((t) => !BACKGROUND_TABLES.has(t.name));
  const rows = await env.DB.batch(tables.map((t) => env.DB.prepare(`SELECT '${t.name}' AS t, COUNT(*) AS n FROM "${t.name}"`)));
  return rows.map((r) => `${(r.results[0] as any).t}=${(r.results[0] as any).n}`).join(",");
}

/** The tables whose counts differ, as `name before->after`. */
function changedCounts(before: string, after: string): string {
  const was = new Map(before.split(",").map((kv) => kv.split("=") as [string, string]));
  return after
    .split(",")
    .map((kv) => kv.split("=") as [string, string])
    .filter(([t, n]) => was.get(t) !== n)
    .map(([t, n]) => `${t} ${was.get(t)}->${n}`)
    .join(", ");
}

const deep = (n: number): unknown => (n === 0 ? "x" : [deep(n - 1)]);
const nasty = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 50 }),
  fc.constantFrom("", " ", "\u0000", "' OR 1=1 --", "../../etc/passwd", "%00", "🙂".repeat(100), "NaN", "-0", "1e309", "x".repeat(5000)),
  fc.double(),
  fc.constantFrom(Number.MAX_VALUE, -Number.MAX_VALUE, 2 ** 63, -(2 ** 63), 0.1 + 0.2, 1e-320),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(deep(60)),
  fc.jsonValue({ maxDepth: 3 }),
);

type Mutation =
  | { kind: "field"; field: string; value: unknown }
  | { kind: "body"; value: unknown }
  | { kind: "raw"; text: string; contentType: string }
  | { kind: "query"; key: string; value: string }
  | { kind: "path"; value: string };

const mutationArb = (fields: string[]): fc.Arbitrary<Mutation> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant("field" as const), field: fields.length ? fc.constantFrom(...fields) : fc.string(), value: nasty }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("body" as const), value: nasty }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("raw" as const), text: fc.constantFrom('{"a":', "[1,2", "null", "\"str\"", "{\"__proto__\":{\"x\":1}}", "\u0000", "x".repeat(1_100_000)), contentType: fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml") }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("query" as const), key: fc.constantFrom("spaceId", "limit", "offset", "pageSize", "cursor", "startDate", "endDate", "from", "to", "page", "account", "metadata[x]", "type", "search", "preview", "reassignTo"), value: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("-1", "1e9", "999999999999999999999", "2024-13-45", "%", "*", "...", "🙂")) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("path" as const), value: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom("..", "%2e%2e", "x".repeat(3000), "0", "-1", "99999999999999999999")) }) },
  );

describe("input fuzzing", async () => {
  const doc = (await callJson("/openapi.json")).body;
  const ops = operations(doc);

  it("never answers a generated request with a 5xx, always with the envelope, storing nothing on rejection", { timeout: 1_800_000 }, async () => {
    let world: World = await buildWorld();
    let sent = 0;
    const problems: string[] = [];
    for (const [i, o] of ops.entries()) {
      const base = synthesize(doc, o, world.ids);
      const fields = base.body && typeof base.body === "object" && !Array.isArray(base.body) ? Object.keys(base.body) : [];
      const samples = fc.sample(mutationArb(fields), { seed: SEED + i, numRuns: 12 });
      for (const m of samples) {
        if (sent > 0 && sent % 250 === 0) world = await buildWorld(); // stay under each user's hourly limit
        const { url, body } = synthesize(doc, o, world.ids);
        let target = url;
        let payload: BodyInit | undefined = body === undefined ? undefined : JSON.stringify(body);
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (m.kind === "field" && body && typeof body === "object") payload = JSON.stringify({ ...(body as object), [m.field]: m.value });
        if (m.kind === "body") payload = JSON.stringify(m.value) ?? "null";
        if (m.kind === "raw") (payload = m.text), (headers["content-type"] = m.contentType);
        if (m.kind === "query") target += `${target.includes("?") ? "&" : "?"}${encodeURIComponent(m.key)}=${encodeURIComponent(m.value)}`;
        if (m.kind === "path") {
          const params = [...o.path.matchAll(/\{(\w+)\}/g)];
          if (params.length === 0) continue;
          target = o.path.replace(/\{(\w+)\}/g, (_, name) => (name === params[params.length - 1]![1] ? encodeURIComponent(m.value) : String(world.ids[name] ?? world.ids[`${name}@${o.path.split("/{")[0]}`] ?? "x")));
        }
        const write = o.method !== "get";
        const before = write ? await tableCounts() : "";
        const method = o.method.toUpperCase();
        const res = await call(target, { method, rawBody: method === "GET" ? undefined : payload, headers, token: world.owner.accessToken, ip: world.owner.ip });
        sent++;
        const text = await res.text();
        // An accepted job (a 202, or a connection whose first import is queued: 201 with a jobId) changes rows
        // later, from its queue consumer: let it finish first.
        const queued = res.status === 202 || res.status === 201 ? (JSON.parse(text) as { jobId?: unknown }).jobId : undefined;
        if (typeof queued === "string") await settleJob(queued);
        const label = `${method} ${o.path} ${JSON.stringify(m).slice(0, 160)}`;
        if (res.status >= 500) problems.push(`${label} -> ${res.status} ${text.slice(0, 200)}`);
        if (res.status >= 400) {
          let parsed: any = null;
          try {
            parsed = JSON.parse(text);
          } catch {}
          if (typeof parsed?.error?.code !== "string" || typeof parsed?.error?.requestId !== "string") problems.push(`${label} -> ${res.status} without the envelope: ${text.slice(0, 120)}`);
          const after = write ? await tableCounts() : "";
          if (after !== before) problems.push(`${label} -> ${res.status} but rows changed: ${changedCounts(before, after)}`);
        }
      }
    }
    console.log(`input fuzzing: ${ops.length} routes, ${sent} generated requests (seed ${SEED})`);
    expect(problems).toEqual([]);
  });
});
