/**
 * A provider that misbehaves, as QA 12-D found them through a fault proxy: one that holds a request open (before its
 * answer, or in the middle of its body) fails the attempt as a TIMEOUT at the outbound deadline and the sync retries
 * it, the connection saying so; a 429 or 503's Retry-After is honoured by the retry's delay (seconds or an HTTP-date,
 * at most 20 minutes); a success whose body is malformed or cut short is retried, not taken for a permanent failure; and
 * an error page that is not JSON is reported as its HTTP status. Through the real clients, the real sync and the
 * simulators, the faults put in front of them by the sandbox handler (as the app's outbound calls reach it).
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { registerSandboxHandler } from "../../src/lib/outbound";
import { getConnection, setNotice } from "../../src/modules/providers/connections";
import { backoffSeconds, enqueueSync, runSyncJob, SYNC_JOB } from "../../src/modules/providers/sync";
import { callJson, createSpace, registerUser } from "../helpers";
import { as, belvoLinked, bitsoLinked, connRow, directServices, jobStats, linkPlaid, ownerWithSpace, plaidAccessToken, waitForJob } from "./helpers";

/** A fault in front of the simulators: requests whose path ends with `path` and that name `who` (body or auth) get `answer`. */
interface Fault {
  path: string;
  who: string;
  answer: (request: Request) => Promise<Response>;
  seen: number;
}
let fault: Fault | null = null;

/** Holds the request open until it is aborted (its deadline), as a provider that never answers. */
const hang = (request: Request) =>
  new Promise<Response>((_, reject) => request.signal.addEventListener("abort", () => reject(request.signal.reason), { once: true }));

/** Sends the status and headers, then a first part of the body, and holds the rest until the request is aborted. */
const hangInBody = (request: Request) => {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"success": true, "payload": ['));
      request.signal.addEventListener("abort", () => controller.error(request.signal.reason), { once: true });
    },
  });
  return Promise.resolve(new Response(stream, { status: 200, headers: { "content-type": "application/json" } }));
};

beforeAll(() => {
  registerSandboxHandler(async (request, e) => {
    const f = fault;
    if (f && new URL(request.url).pathname.endsWith(f.path)) {
      const body = request.method === "GET" ? "" : await request.clone().text();
      if (body.includes(f.who) || (request.headers.get("authorization") ?? "").includes(f.who)) {
        f.seen++;
        return f.answer(request);
      }
    }
    return app.fetch(request, e);
  });
});

afterAll(() => registerSandboxHandler((request, e) => app.fetch(request, e)));

const failedEvents = async (jobId: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM event_outbox WHERE dedupe_key = ?").bind(`account.sync.failed:${jobId}`).first<{ n: number }>())!.n;

/**
 * One attempt of a new sync of the connection, run here with a short outbound deadline; what it put back on the queue.
 * The deadline holds for every request of the attempt, the ones the fault leaves alone too: at 0.3 s, one slowed by a
 * loaded machine timed out before the fault's answer was read, and the job's error was that timeout, not the fault's.
 */
async function attempt(connectionId: string, timeoutMs = 2000) {
  const { svc, sent } = directServices();
  const short = { ...svc, env: { ...svc.env, OUTBOUND_TIMEOUT_MS: String(timeoutMs) } };
  const { jobId, created } = await enqueueSync(short, (await getConnection(short, connectionId))!, "manual");
  expect(created).toBe(true);
  sent.length = 0;
  const started = Date.now();
  await runSyncJob(short, { jobId, attempt: 1 });
  return { jobId, svc: short, sent, ms: Date.now() - started };
}

describe("a provider that holds a request open", () => {
  it("Belvo never answering /api/transactions/: the attempt times out at the deadline and is retried, the connection saying so; the retry completes", { timeout: 90_000 }, async () => {
    const s = await belvoLinked();
    fault = { path: "/api/transactions/", who: s.who, answer: hang, seen: 0 };
    try {
      const a = await attempt(s.connectionId);
      expect(fault.seen).toBe(1);
      // Not held until the platform's limit: the deadline (2 s here) ended it.
      expect(a.ms).toBeLessThan(20_000);
      const job = await jobStats(a.jobId);
      expect(job.status).toBe("queued");
      expect(job.error).toBe("attempt 1: belvo TIMEOUT: Belvo timed out after 2 s");
      expect(await connRow(s.connectionId)).toEqual({ status: "active", status_reason: "retrying: attempt 1: belvo TIMEOUT: Belvo timed out after 2 s" });
      expect(await failedEvents(a.jobId)).toBe(0);
      expect(a.sent).toEqual([{ body: { type: SYNC_JOB, jobId: a.jobId, attempt: 2 }, options: { delaySeconds: backoffSeconds(1) } }]);
      // The user sees it on the connection.
      const listed = await callJson(`/v1/providers/connections?spaceId=${s.spaceId}`, as(s.owner));
      expect(listed.body.connections[0].statusReason).toBe("retrying: attempt 1: belvo TIMEOUT: Belvo timed out after 2 s");
      // Belvo answers again: the retry completes and clears the reason.
      fault = null;
      await runSyncJob(a.svc, { jobId: a.jobId, attempt: 2 });
      expect(await jobStats(a.jobId)).toMatchObject({ status: "completed", error: null });
      expect(await connRow(s.connectionId)).toEqual({ status: "active", status_reason: null });
    } finally {
      fault = null;
    }
  });

  it("Bitso sending its headers and then holding the body: the read times out too, and is retried", { timeout: 90_000 }, async () => {
    const s = await bitsoLinked();
    fault = { path: "/v3/user_trades/", who: s.who, answer: hangInBody, seen: 0 };
    try {
      const a = await attempt(s.connectionId);
      expect(fault.seen).toBe(1);
      expect(a.ms).toBeLessThan(20_000);
      expect(await jobStats(a.jobId)).toMatchObject({ status: "queued", error: "attempt 1: bitso TIMEOUT: Bitso timed out after 2 s" });
      expect(await connRow(s.connectionId)).toEqual({ status: "active", status_reason: "retrying: attempt 1: bitso TIMEOUT: Bitso timed out after 2 s" });
      expect(a.sent.map((m) => m.options)).toEqual([{ delaySeconds: backoffSeconds(1) }]);
    } finally {
      fault = null;
    }
  });

  it("a Plaid connection holding a warning (PENDING_EXPIRATION) keeps it through a retried attempt: not 'retrying: …' kept until the warning's end", { timeout: 90_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const l = await linkPlaid(owner, spaceId);
    expect((await waitForJob(l.jobId)).status).toBe("completed");
    const connectionId = l.connection.id as string;
    // What the PENDING_EXPIRATION webhook sets (plaid-webhook.test.ts sends it signed): a warning for six days.
    const warning = "PENDING_EXPIRATION: the institution's consent expires in six days unless the user renews it";
    expect(await setNotice(directServices().svc, connectionId, warning, Date.now() + 6 * 86_400_000)).toBe(true);
    fault = { path: "/transactions/sync", who: await plaidAccessToken(connectionId), answer: hang, seen: 0 };
    try {
      const a = await attempt(connectionId);
      expect(fault.seen).toBe(1);
      expect(await jobStats(a.jobId)).toMatchObject({ status: "queued", error: "attempt 1: plaid TIMEOUT: Plaid timed out after 2 s" });
      // The retry's news is the job's; the connection still shows the warning.
      expect(await connRow(connectionId)).toEqual({ status: "active", status_reason: warning });
      fault = null;
      await runSyncJob(a.svc, { jobId: a.jobId, attempt: 2 });
      expect(await jobStats(a.jobId)).toMatchObject({ status: "completed", error: null });
      expect(await connRow(connectionId)).toEqual({ status: "active", status_reason: warning });
      const listed = await callJson(`/v1/providers/connections?spaceId=${spaceId}`, as(owner));
      expect(listed.body.connections[0]).toMatchObject({ status: "active", statusReason: warning });
    } finally {
      fault = null;
    }
  });

  it("the deployment's deadline is 30 s unless set otherwise", () => {
    expect(env.OUTBOUND_TIMEOUT_MS).toBe("30000");
  });
});

describe("a provider's Retry-After", () => {
  const limited = (status: number, retryAfter: string, body: string) => () =>
    Promise.resolve(new Response(body, { status, headers: { "content-type": "application/json", "retry-after": retryAfter } }));

  it("a Belvo 429 with Retry-After 120 is retried after 120 s, not the 30 s backoff", { timeout: 90_000 }, async () => {
    const s = await belvoLinked();
    fault = { path: "/api/transactions/", who: s.who, answer: limited(429, "120", JSON.stringify([{ code: "too_many_requests", message: "Slow down" }])), seen: 0 };
    try {
      const a = await attempt(s.connectionId);
      expect(await jobStats(a.jobId)).toMatchObject({ status: "queued", error: "attempt 1: belvo too_many_requests: Slow down" });
      expect(a.sent.map((m) => m.options)).toEqual([{ delaySeconds: 120 }]);
    } finally {
      fault = null;
    }
  });

  it("a Bitso 503 whose Retry-After is an HTTP-date five minutes ahead waits those five minutes; one of a day waits 20 minutes; a shorter one the backoff", { timeout: 90_000 }, async () => {
    const s = await bitsoLinked();
    const error = JSON.stringify({ success: false, error: { code: "0500", message: "Service unavailable" } });
    const at = new Date(Date.now() + 300_000).toUTCString();
    fault = { path: "/v3/balance/", who: s.who, answer: limited(503, at, error), seen: 0 };
    try {
      const first = await attempt(s.connectionId);
      expect(await jobStats(first.jobId)).toMatchObject({ status: "queued", error: "attempt 1: bitso 0500: Service unavailable" });
      const [delay] = first.sent.map((m) => m.options!.delaySeconds!);
      // An HTTP-date has whole seconds: 299 to 300 from now.
      expect(delay).toBeGreaterThanOrEqual(298);
      expect(delay).toBeLessThanOrEqual(300);
      // A day's wait is held to 20 minutes, on the job's next attempt.
      fault.answer = limited(503, "86400", error);
      await runSyncJob(first.svc, { jobId: first.jobId, attempt: 2 });
      expect(first.sent.slice(1).map((m) => m.options)).toEqual([{ delaySeconds: 1200 }]);
      // A Retry-After shorter than the backoff leaves the backoff (attempt 3's is 480 s).
      fault.answer = limited(429, "5", error);
      await runSyncJob(first.svc, { jobId: first.jobId, attempt: 3 });
      expect(first.sent.slice(2).map((m) => m.options)).toEqual([{ delaySeconds: backoffSeconds(3) }]);
      expect(await connRow(s.connectionId)).toMatchObject({ status: "active" });
    } finally {
      fault = null;
    }
  });
});

describe("an answer that cannot be read", () => {
  const answer = (status: number, body: string, type = "application/json") => () => Promise.resolve(new Response(body, { status, headers: { "content-type": type } }));

  it("a Belvo 200 cut short is retried (the connection not in error, no account.sync.failed), and the retry completes", { timeout: 90_000 }, async () => {
    const s = await belvoLinked();
    fault = { path: "/api/transactions/", who: s.who, answer: answer(200, '[{"id": "txn-1", "amount": 12.5, "acc'), seen: 0 };
    try {
      const a = await attempt(s.connectionId);
      expect(await jobStats(a.jobId)).toMatchObject({ status: "queued", error: "attempt 1: belvo INVALID_RESPONSE: Unparseable response (HTTP 200)" });
      expect(await connRow(s.connectionId)).toEqual({ status: "active", status_reason: "retrying: attempt 1: belvo INVALID_RESPONSE: Unparseable response (HTTP 200)" });
      expect(await failedEvents(a.jobId)).toBe(0);
      expect(a.sent.map((m) => m.options)).toEqual([{ delaySeconds: backoffSeconds(1) }]);
      fault = null;
      await runSyncJob(a.svc, { jobId: a.jobId, attempt: 2 });
      expect(await jobStats(a.jobId)).toMatchObject({ status: "completed" });
      expect(await connRow(s.connectionId)).toEqual({ status: "active", status_reason: null });
    } finally {
      fault = null;
    }
  });

  it("a Bitso 200 that is not JSON is retried too", { timeout: 90_000 }, async () => {
    const s = await bitsoLinked();
    fault = { path: "/v3/balance/", who: s.who, answer: answer(200, '{"success": true, "payload": {"balances": [{"currency": "mxn", "tot'), seen: 0 };
    try {
      const a = await attempt(s.connectionId);
      expect(await jobStats(a.jobId)).toMatchObject({ status: "queued", error: "attempt 1: bitso INVALID_RESPONSE: Unparseable response (HTTP 200)" });
      expect(await failedEvents(a.jobId)).toBe(0);
    } finally {
      fault = null;
    }
  });

  it("a 503 whose body is an HTML page is the 503 (transient, its Retry-After honoured), not an unparseable answer; a 404 page is permanent", { timeout: 90_000 }, async () => {
    const s = await belvoLinked();
    fault = {
      path: "/api/transactions/", who: s.who, seen: 0,
      answer: () => Promise.resolve(new Response("<html><body>Service Unavailable</body></html>", { status: 503, headers: { "content-type": "text/html", "retry-after": "90" } })),
    };
    try {
      const a = await attempt(s.connectionId);
      expect(await jobStats(a.jobId)).toMatchObject({ status: "queued", error: "attempt 1: belvo HTTP_ERROR: HTTP 503 (a body that is not JSON)" });
      expect(await connRow(s.connectionId)).toEqual({ status: "active", status_reason: "retrying: attempt 1: belvo HTTP_ERROR: HTTP 503 (a body that is not JSON)" });
      expect(a.sent.map((m) => m.options)).toEqual([{ delaySeconds: 90 }]);
      // A 404 page (a wrong base URL) cannot be helped by retrying: the connection is in error at once.
      fault.answer = answer(404, "<html>Not Found</html>", "text/html");
      await runSyncJob(a.svc, { jobId: a.jobId, attempt: 2 });
      expect(await jobStats(a.jobId)).toMatchObject({ status: "failed", error: "belvo HTTP_ERROR: HTTP 404 (a body that is not JSON)" });
      expect(await connRow(s.connectionId)).toEqual({ status: "error", status_reason: "belvo HTTP_ERROR: HTTP 404 (a body that is not JSON)" });
      expect(await failedEvents(a.jobId)).toBe(1);
    } finally {
      fault = null;
    }
  });
});

describe("a provider's failure on a request the client waits for", () => {
  it("Belvo's HTML 503 on connect is a 502 PROVIDER_ERROR naming the 503 (in Spanish and Portuguese after the standard wording); nothing is stored", { timeout: 60_000 }, async () => {
    const username = `f${crypto.randomUUID().slice(0, 8)}`;
    fault = { path: "/api/links/", who: username, seen: 0, answer: () => Promise.resolve(new Response("<html>Service Unavailable</html>", { status: 503, headers: { "content-type": "text/html" } })) };
    try {
      // A provider's failure reads as the standard wording, then its English (the catalogues' rule for a provider's words).
      const messages: Record<string, string> = {
        en: "belvo: HTTP 503 (a body that is not JSON)",
        es: "El proveedor financiero rechazó la solicitud o falló. (belvo: HTTP 503 (a body that is not JSON))",
        pt: "O provedor financeiro recusou a requisição ou falhou. (belvo: HTTP 503 (a body that is not JSON))",
      };
      for (const [locale, message] of Object.entries(messages)) {
        const owner = await registerUser({ locale });
        const space = await createSpace(owner);
        const res = await callJson("/v1/providers/belvo/connect", { ...as(owner), body: { spaceId: space.id, institution: "banamex", username, password: "pw" } });
        expect(res.status, locale).toBe(502);
        expect(res.body.error, locale).toMatchObject({ code: "PROVIDER_ERROR", message });
        expect(res.body.error.details[0], locale).toMatchObject({ field: "belvo", code: "HTTP_ERROR" });
        const none = await env.DB.prepare("SELECT COUNT(*) AS n FROM provider_connections WHERE space_id = ?").bind(space.id).first<{ n: number }>();
        expect(none!.n).toBe(0);
      }
      expect(fault.seen).toBe(3);
    } finally {
      fault = null;
    }
  });

  it("a Plaid error whose JSON body is not an object (null, a list, a string) is the PROVIDER_ERROR of its status (a 400: 422, as any), not a 500", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const space = await createSpace(owner);
    for (const body of ["null", "[]", '"busy"', "7"]) {
      fault = { path: "/link/token/create", who: owner.id, seen: 0, answer: () => Promise.resolve(new Response(body, { status: 400, headers: { "content-type": "application/json" } })) };
      try {
        const res = await callJson("/v1/providers/plaid/link-token", { ...as(owner), body: { spaceId: space.id } });
        expect(res.status, body).toBe(422);
        expect(res.body.error, body).toMatchObject({ code: "PROVIDER_ERROR", message: "plaid: HTTP 400" });
        expect(fault.seen).toBe(1);
      } finally {
        fault = null;
      }
    }
  });
});

describe("a provider's error body of an unexpected shape, on a request the client waits for", () => {
  it("Bitso answering JSON that is not an object (null, a list), or an error whose code is no text, is a provider error, not a 500", { timeout: 60_000 }, async () => {
    const bodies: [number, string][] = [
      [400, "null"], [200, "null"], [400, "[]"], [200, "[1]"], [400, '{"success":false,"error":null}'],
      [400, '{"success":false,"error":{"code":{"toString":1},"message":{"toString":1,"valueOf":1}}}'],
    ];
    for (const [status, body] of bodies) {
      // A user each: connect attempts are limited per user.
      const owner = await registerUser();
      const space = await createSpace(owner, { currency: "MXN" });
      const apiKey = `key-${crypto.randomUUID()}`;
      fault = { path: "/", who: `Bitso ${apiKey}:`, seen: 0, answer: () => Promise.resolve(new Response(body, { status, headers: { "content-type": "application/json" } })) };
      try {
        const res = await callJson("/v1/providers/bitso/connect", { ...as(owner), body: { spaceId: space.id, apiKey, apiSecret: `secret-${crypto.randomUUID()}` } });
        expect(res.status, `${status} ${body}`).toBe(422);
        expect(res.body.error.code, `${status} ${body}`).toBe("PROVIDER_ERROR");
        expect(fault.seen).toBeGreaterThanOrEqual(1);
      } finally {
        fault = null;
      }
    }
  });

  it("a Plaid error whose code or message is an object that String() cannot write is the PROVIDER_ERROR of its status, its JSON shown", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const space = await createSpace(owner);
    const body = '{"error_code":{"toString":1},"error_message":{"toString":1,"valueOf":1}}';
    fault = { path: "/link/token/create", who: owner.id, seen: 0, answer: () => Promise.resolve(new Response(body, { status: 400, headers: { "content-type": "application/json" } })) };
    try {
      const res = await callJson("/v1/providers/plaid/link-token", { ...as(owner), body: { spaceId: space.id } });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: "PROVIDER_ERROR", message: 'plaid: {"toString":1,"valueOf":1}' });
      expect(fault.seen).toBe(1);
    } finally {
      fault = null;
    }
  });
});
