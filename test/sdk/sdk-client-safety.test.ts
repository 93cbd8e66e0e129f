/**
 * The TypeScript SDK as an app developer meets it: a logged client does not write its tokens into the log, a call
 * the network never answers ends (retried only when retrying cannot post twice), webhook signatures verify with
 * the app's own signer, and an asset's documents page past the API's default page. Against the real app in
 * workerd (its own fetch); fetch wrappers only observe, or never answer.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { collect, Dhanam, DhanamError, DhanamNetworkError, OPERATIONS, verifyWebhook, type FetchLike } from "../../sdk/src/index";
import { totpCode } from "../helpers";
import { deliveryBody, signature } from "../../src/modules/webhooks/deliver";

// Node's util.inspect (what console.log writes), as workerd's nodejs_compat serves it; the Workers types do not declare it.
const { inspect } = (await import("node:util" as string)) as { inspect: (value: unknown, opts?: { depth?: number; showHidden?: boolean }) => string };

const BASE = "http://api.test";
// Client IPs of this file only (the auth policy is per IP).
const ipBlock = 100 + Math.floor(Math.random() * 150);
let ipCount = 0;
const nextIp = () => `10.${ipBlock}.${200 + (++ipCount >> 8)}.${ipCount & 255}`;

function workerFetch(ip: string): FetchLike {
  return async (input, init) => {
    const req = new Request(input as RequestInfo, init);
    req.headers.set("cf-connecting-ip", ip);
    return exports.default.fetch(req);
  };
}

async function registered() {
  const dhanam = new Dhanam({ baseUrl: BASE, fetch: workerFetch(nextIp()) });
  await dhanam.auth.register({ name: "SDK User", email: `sdk-${crypto.randomUUID().slice(0, 12)}@example.com`, password: "correct horse battery", locale: "en" });
  return dhanam;
}

describe("TypeScript SDK: tokens stay out of logs", () => {
  it("console.log (util.inspect) and JSON.stringify of a signed-in client show neither token", async () => {
    const dhanam = await registered();
    const { accessToken, refreshToken } = dhanam.tokens!;
    expect(accessToken).toBeTruthy();
    expect(refreshToken).toBeTruthy();
    // Also the tokens given to the constructor (kept with its options).
    const given = new Dhanam({ baseUrl: BASE, accessToken: "given-access-token-1", refreshToken: "given-refresh-token-1", fetch: workerFetch(nextIp()) });
    for (const client of [dhanam, given]) {
      const text = [inspect(client, { depth: 10, showHidden: true }), inspect({ ctx: { client } }, { depth: 10 }), JSON.stringify(client)].join("\n");
      for (const secret of [accessToken, refreshToken!, "given-access-token-1", "given-refresh-token-1"]) expect(text).not.toContain(secret);
    }
    // Still there for the app: the getter and the calls themselves.
    expect(given.tokens).toMatchObject({ accessToken: "given-access-token-1", refreshToken: "given-refresh-token-1" });
    expect((await dhanam.auth.me()).id).toMatch(/^usr_/);
  });
});

describe("TypeScript SDK: a request the network never answers", () => {
  /** A fetch that answers nothing until its signal aborts (a stalled connection), counting the attempts. */
  const stalled = (attempts: string[]): FetchLike => (input, init) => {
    attempts.push(`${init?.method} ${new URL(String(input)).pathname} ${new Headers(init?.headers).get("idempotency-key") ?? "-"}`);
    return new Promise((_, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal!.reason), { once: true }));
  };

  it("times out each attempt after timeoutMs: a GET is retried, then a DhanamNetworkError that says so", async () => {
    const attempts: string[] = [];
    const d = new Dhanam({ baseUrl: BASE, accessToken: "t", fetch: stalled(attempts), timeoutMs: 40, maxRetries: 2, retryBaseDelayMs: 1 });
    const err = await d.spaces.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DhanamNetworkError);
    expect((err as DhanamNetworkError).status).toBe(0);
    expect((err as DhanamNetworkError).message).toMatch(/No response within 40 ms/);
    expect(attempts).toEqual(["GET /v1/spaces -", "GET /v1/spaces -", "GET /v1/spaces -"]);
  });

  it("a keyless POST that timed out is not sent again; a money-moving one is, with the same Idempotency-Key", async () => {
    const attempts: string[] = [];
    const d = new Dhanam({ baseUrl: BASE, accessToken: "t", fetch: stalled(attempts), timeoutMs: 30, maxRetries: 2, retryBaseDelayMs: 1 });
    await expect(d.spaces.create({ name: "Home", type: "personal", currency: "USD" })).rejects.toBeInstanceOf(DhanamNetworkError);
    expect(attempts).toEqual(["POST /v1/spaces -"]);
    attempts.length = 0;
    await expect(d.transactions.create({ spaceId: "spc_1", accountId: "acc_1", amount: "-1.00", description: "x", date: "2026-01-15" }, { idempotencyKey: "k-1" }))
      .rejects.toBeInstanceOf(DhanamNetworkError);
    expect(attempts).toEqual(["POST /v1/transactions k-1", "POST /v1/transactions k-1", "POST /v1/transactions k-1"]);
  });

  it("the caller's own abort still ends the call at once, without retries; timeoutMs 0 sets no limit", async () => {
    const attempts: string[] = [];
    const d = new Dhanam({ baseUrl: BASE, accessToken: "t", fetch: stalled(attempts), timeoutMs: 0 });
    const ctl = new AbortController();
    const call = d.spaces.list({ signal: ctl.signal }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 80)); // past any short default: still waiting
    expect(attempts).toHaveLength(1);
    ctl.abort(new Error("user left"));
    expect(((await call) as Error).message).toBe("user left");
    expect(attempts).toHaveLength(1);
  });

  it("refuses at construction a delay no timer can hold (a 30-day timeoutMs timed every call out at once)", async () => {
    const attempts: string[] = [];
    for (const [name, ms] of [["timeoutMs", 30 * 86_400_000], ["timeoutMs", -1], ["timeoutMs", Number.NaN], ["maxRetryDelayMs", 2 ** 31], ["maxRetryDelayMs", -1], ["retryBaseDelayMs", 2 ** 31], ["retryBaseDelayMs", Infinity]] as const) {
      expect(() => new Dhanam({ baseUrl: BASE, accessToken: "t", fetch: stalled(attempts), [name]: ms }), `${name} ${ms}`).toThrow(RangeError);
    }
    expect(() => new Dhanam({ baseUrl: BASE, accessToken: "t", maxRetries: 1.5 })).toThrow(/maxRetries must be a whole number/);
    // The longest a timer holds, and Infinity for "no limit", are still taken: the call waits, as asked.
    for (const ms of [2 ** 31 - 1, Infinity]) {
      const d = new Dhanam({ baseUrl: BASE, accessToken: "t", fetch: stalled(attempts), timeoutMs: ms, maxRetryDelayMs: 2 ** 31 - 1 });
      const ctl = new AbortController();
      const call = d.spaces.list({ signal: ctl.signal }).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 50));
      ctl.abort(new Error("still waiting"));
      expect(((await call) as Error).message, String(ms)).toBe("still waiting");
    }
    expect(attempts).toHaveLength(2);
  });

  it("takes maxRetryDelayMs: Infinity (honour any Retry-After), as before: a 429 is sent again after its wait, one no timer holds fails at once", async () => {
    // The real app answers behind a 429 that the first attempt meets (a limiter in front of it); the SDK decides what follows.
    const limited = (retryAfter: string, sent: string[]): FetchLike => async (input, init) => {
      sent.push(new Date().toISOString());
      if (sent.length === 1) return new Response(JSON.stringify({ error: { code: "RATE_LIMIT_EXCEEDED", message: "Too many requests" } }), { status: 429, headers: { "retry-after": retryAfter, "content-type": "application/json" } });
      return workerFetch(nextIp())(input, init);
    };
    const waited: string[] = [];
    const patient = new Dhanam({ baseUrl: BASE, fetch: limited("1", waited), maxRetryDelayMs: Infinity });
    const started = Date.now();
    expect(await patient.health()).toMatchObject({ status: "ok" });
    expect(waited).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    // 30 days: past what a timer holds, so not slept (a timer would fire at once and resend it): the 429 is thrown.
    const refused: string[] = [];
    const month = new Dhanam({ baseUrl: BASE, fetch: limited(String(30 * 86_400), refused), maxRetryDelayMs: Infinity });
    const err = await month.health().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DhanamError);
    expect(err).toMatchObject({ status: 429 });
    expect(refused).toHaveLength(1);
  });
});

describe("TypeScript SDK: verifyWebhook", () => {
  it("accepts what the app signs (string or bytes, Headers or a Node header record), and refuses any change, a stale time or a bad header", async () => {
    const secret = "whsec_" + "ab".repeat(24);
    const body = deliveryBody("transaction.created", "evt_1", "dlv_1", Date.UTC(2026, 0, 15), '{"id":"txn_1","amountDecimal":"-45.67","note":"café"}');
    const now = 1_800_000_000;
    const ts = String(now - 20);
    const sig = await signature(secret, ts, body);
    const headers = new Headers({ "X-Dhanam-Timestamp": ts, "X-Dhanam-Signature": sig });
    expect(await verifyWebhook(secret, headers, body, { nowSeconds: now })).toBe(true);
    expect(await verifyWebhook(secret, { "x-dhanam-timestamp": ts, "x-dhanam-signature": sig }, new TextEncoder().encode(body), { nowSeconds: now })).toBe(true);
    expect(await verifyWebhook(secret, headers, new TextEncoder().encode(body).buffer as ArrayBuffer, { nowSeconds: now })).toBe(true);

    expect(await verifyWebhook(secret, headers, body.replace("-45.67", "-45.68"), { nowSeconds: now })).toBe(false);
    expect(await verifyWebhook(secret + "x", headers, body, { nowSeconds: now })).toBe(false);
    expect(await verifyWebhook(secret, headers, body, { nowSeconds: now + 301 })).toBe(false); // replayed later
    expect(await verifyWebhook(secret, headers, body, { nowSeconds: now - 400 })).toBe(false); // from the future
    expect(await verifyWebhook(secret, headers, body, { nowSeconds: now + 3_000, toleranceSeconds: 3_600 })).toBe(true);
    const other = String(now - 10); // the signature of another timestamp
    expect(await verifyWebhook(secret, new Headers({ "x-dhanam-timestamp": other, "x-dhanam-signature": sig }), body, { nowSeconds: now })).toBe(false);
    expect(await verifyWebhook(secret, new Headers({ "x-dhanam-timestamp": ts }), body, { nowSeconds: now })).toBe(false);
    expect(await verifyWebhook(secret, new Headers({ "x-dhanam-timestamp": "1e9", "x-dhanam-signature": sig }), body, { nowSeconds: now })).toBe(false);
    expect(await verifyWebhook(secret, { "x-dhanam-timestamp": ts, "x-dhanam-signature": [sig, sig] }, body, { nowSeconds: now })).toBe(false);
    expect(await verifyWebhook(secret, new Headers({ "x-dhanam-timestamp": ts, "x-dhanam-signature": sig.toUpperCase() }), body, { nowSeconds: now })).toBe(false);
    expect(await verifyWebhook("", headers, body, { nowSeconds: now })).toBe(false);
  });
});

describe("TypeScript SDK: an asset's documents page by page", () => {
  it("documents.list takes limit and offset, and documents.iterate walks every page", async () => {
    const dhanam = await registered();
    const space = await dhanam.spaces.create({ name: "Docs", type: "personal", currency: "USD" });
    const house = await dhanam.assets.create({ spaceId: space.id, name: "House", type: "real_estate", currency: "USD", value: "250000.00" });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await dhanam.assets.documents.uploadUrl(house.id, { filename: `page-${i}.pdf`, contentType: "application/pdf" })).documentId);

    const first = await dhanam.assets.documents.list(house.id, { limit: 2 });
    expect(first.documents).toHaveLength(2);
    expect(first.pagination).toMatchObject({ total: 5, limit: 2, offset: 0, hasMore: true });
    const last = await dhanam.assets.documents.list(house.id, { limit: 2, offset: 4 });
    expect(last.documents).toHaveLength(1);
    expect(last.pagination.hasMore).toBe(false);

    const walked = await collect(dhanam.assets.documents.iterate(house.id, { limit: 2 }));
    expect(walked.map((d) => d.id).sort()).toEqual([...ids].sort());
    expect(await collect(dhanam.assets.documents.iterate(house.id, { limit: 2 }, { max: 3 }))).toHaveLength(3);
  });
});

describe("TypeScript SDK: an offset walk while the list changes", () => {
  it("a transaction created ahead of the next page does not make the walk yield a row twice, and no earlier row is missed", { timeout: 30_000 }, async () => {
    const dhanam = await registered();
    const space = await dhanam.spaces.create({ name: "Walk", type: "personal", currency: "USD" });
    const acc = await dhanam.accounts.create({ spaceId: space.id, name: "Checking", type: "checking", currency: "USD", openingBalance: "1000.00", openingBalanceDate: "2025-01-01" });
    for (let i = 0; i < 9; i++) {
      await dhanam.transactions.create({ spaceId: space.id, accountId: acc.id, amount: "-1.00", description: `row ${i}`, date: `2026-01-${10 + i}` });
    }
    const before = (await collect(dhanam.transactions.iterate({ spaceId: space.id, limit: 200 }))).map((t) => t.id);
    expect(before).toHaveLength(10);

    const walked: string[] = [];
    for await (const tx of dhanam.transactions.iterate({ spaceId: space.id, limit: 4 })) {
      walked.push(tx.id);
      // Newest first: a newer row lands on page one and pushes the fourth row onto page two.
      if (walked.length === 4) await dhanam.transactions.create({ spaceId: space.id, accountId: acc.id, amount: "-2.00", description: "new", date: "2026-02-01" });
    }
    expect(new Set(walked).size).toBe(walked.length);
    expect(walked).toEqual(expect.arrayContaining(before));
  });
});

describe("TypeScript SDK: every documented operation has a namespace method", () => {
  // The resources' sources, to read which routes their methods call.
  const sources = import.meta.glob(["../../sdk/src/resources/*.ts", "../../sdk/src/client.ts"], { query: "?raw", import: "default", eager: true }) as Record<string, string>;
  // Routes a namespace has no business wrapping: the client's own refresh, the presigned URLs' targets (plain
  // fetch of the URL an answer gives), and the providers' own webhooks (Plaid and Belvo call them).
  const NOT_NAMESPACED = new Set(["post /v1/auth/refresh", "put /v1/uploads/{token}", "get /v1/downloads/{token}", "post /v1/providers/plaid/webhook", "post /v1/providers/belvo/webhook"]);

  it("reaches each operation of the generated table from a method (dhanam.call stays for the rest)", async () => {
    const called = new Set<string>();
    for (const src of Object.values(sources)) {
      for (const m of src.matchAll(/(?:this\.call|typedCall\(this\.http,)\(?\s*"(get|post|put|patch|delete)",\s*"([^"]+)"/g)) called.add(`${m[1]} ${m[2]}`);
    }
    expect(called.size).toBeGreaterThan(100);
    const documented = Object.values(OPERATIONS).map(([method, path]) => `${method} ${path}`);
    expect(documented.filter((op) => !called.has(op) && !NOT_NAMESPACED.has(op))).toEqual([]);
  });

  it("changes the user's name and language, and hands a space to a member who accepts (or sees the offer withdrawn)", { timeout: 30_000 }, async () => {
    const owner = await registered();
    const me = await owner.auth.updateMe({ name: "Renamed", locale: "es" });
    expect(me).toMatchObject({ name: "Renamed", locale: "es" });
    // The owner turns 2FA on (confirmed just now, as an offer needs).
    const setup = await owner.auth.twoFactor.setup();
    await owner.auth.twoFactor.enable({ code: await totpCode(setup.secret), password: "correct horse battery" });

    const heir = await registered();
    const heirId = (await heir.auth.me()).id;
    const space = await owner.spaces.create({ name: "Family", type: "personal", currency: "USD" });
    await owner.spaces.members.add(space.id, { email: (await heir.auth.me()).email, role: "member" });

    await owner.spaces.owner.offer(space.id, { userId: heirId });
    await owner.spaces.owner.withdraw(space.id);
    await expect(heir.spaces.owner.accept(space.id)).rejects.toMatchObject({ status: 404, code: "RESOURCE_NOT_FOUND" });

    await owner.spaces.owner.offer(space.id, { userId: heirId });
    await heir.spaces.owner.accept(space.id);
    const members = await heir.spaces.members.list(space.id);
    expect(members.find((m) => m.userId === heirId)?.role).toBe("owner");
  });
});

describe("TypeScript SDK: an answer cut short", () => {
  /** The Worker's fetch, whose answers' bodies break off after their first bytes while `cut` is on (a dropped connection). */
  function cuttingFetch(ip: string, seen: string[], cut: { on: boolean }): FetchLike {
    const real = workerFetch(ip);
    return async (input, init) => {
      const res = await real(input, init);
      seen.push(`${init?.method} ${new URL(String(input)).pathname} ${res.status} ${new Headers(init?.headers).get("idempotency-key") ?? "-"}`);
      if (!cut.on || !res.body) return res;
      const bytes = new Uint8Array(await res.arrayBuffer());
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(bytes.slice(0, 5));
          c.error(new TypeError("terminated"));
        },
      });
      return new Response(body, { status: res.status, headers: res.headers });
    };
  }

  it("is a DhanamNetworkError; a GET is sent again, a create once more with the same key makes one transaction, a keyless POST is not", { timeout: 30_000 }, async () => {
    const owner = await registered();
    const space = await owner.spaces.create({ name: "Cut", type: "personal", currency: "USD" });
    const acc = await owner.accounts.create({ spaceId: space.id, name: "Checking", type: "checking", currency: "USD", openingBalance: "100.00", openingBalanceDate: "2025-01-01" });
    const seen: string[] = [];
    const cut = { on: true };
    const d = new Dhanam({ baseUrl: BASE, fetch: cuttingFetch(nextIp(), seen, cut), accessToken: owner.tokens!.accessToken, maxRetries: 2, retryBaseDelayMs: 1 });

    const err = await d.spaces.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DhanamNetworkError);
    expect(seen).toEqual(["GET /v1/spaces 200 -", "GET /v1/spaces 200 -", "GET /v1/spaces 200 -"]);

    seen.length = 0;
    await expect(d.spaces.create({ name: "Once", type: "personal", currency: "USD" })).rejects.toBeInstanceOf(DhanamNetworkError);
    expect(seen).toEqual(["POST /v1/spaces 201 -"]);

    // The first answer is cut short, the retry (same key) comes through whole: the replay of the first.
    seen.length = 0;
    let answers = 0;
    const once = cuttingFetch(nextIp(), seen, cut);
    const d2 = new Dhanam({
      baseUrl: BASE, accessToken: owner.tokens!.accessToken, maxRetries: 2, retryBaseDelayMs: 1,
      fetch: async (input, init) => {
        cut.on = answers++ === 0;
        return once(input, init);
      },
    });
    const tx = await d2.transactions.create({ spaceId: space.id, accountId: acc.id, amount: "-12.34", description: "cut short", date: "2026-01-15" });
    expect(tx.amountDecimal).toBe("-12.34");
    const keys = seen.map((s) => s.split(" ")[3]);
    expect(seen.map((s) => s.split(" ").slice(0, 3).join(" "))).toEqual(["POST /v1/transactions 201", "POST /v1/transactions 201"]);
    expect(keys[0]).toBe(keys[1]);
    expect(keys[0]).not.toBe("-");
    const rows = (await owner.transactions.list({ spaceId: space.id, limit: 200 })).transactions.filter((t) => t.description === "cut short");
    expect(rows.map((t) => t.id)).toEqual([tx.id]);
  });
});

describe("TypeScript SDK: an answer that trickles, or is not JSON", () => {
  /** The Worker's real answer, its headers at once and its body's first bytes, then nothing more (a stalled stream). */
  function stallingBody(ip: string, seen: string[]): FetchLike {
    const real = workerFetch(ip);
    return async (input, init) => {
      const res = await real(input, init);
      seen.push(`${init?.method} ${new URL(String(input)).pathname} ${res.status}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const body = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(bytes.slice(0, 3)) });
      return new Response(body, { status: res.status, headers: res.headers });
    };
  }

  it("a body that stalls after its headers times out as a network error: a GET is sent again, a keyless POST is not", { timeout: 20_000 }, async () => {
    const owner = await registered();
    const seen: string[] = [];
    const d = new Dhanam({ baseUrl: BASE, fetch: stallingBody(nextIp(), seen), accessToken: owner.tokens!.accessToken, timeoutMs: 150, maxRetries: 1, retryBaseDelayMs: 1 });
    const started = Date.now();
    const err = await d.spaces.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DhanamNetworkError);
    expect((err as Error).message).toMatch(/did not arrive whole within 150 ms/);
    expect(seen).toEqual(["GET /v1/spaces 200", "GET /v1/spaces 200"]);
    expect(Date.now() - started).toBeLessThan(10_000);

    seen.length = 0;
    await expect(d.spaces.create({ name: "Once", type: "personal", currency: "USD" })).rejects.toBeInstanceOf(DhanamNetworkError);
    expect(seen).toEqual(["POST /v1/spaces 201"]);
  });

  it("an error answer (a 404, a refused bookmark's 422) whose body stalls ends too: a DhanamError without the body, not a call held forever", { timeout: 20_000 }, async () => {
    const owner = await registered();
    const seen: string[] = [];
    const d = new Dhanam({ baseUrl: BASE, fetch: stallingBody(nextIp(), seen), accessToken: owner.tokens!.accessToken, timeoutMs: 150, maxRetries: 1, retryBaseDelayMs: 1 });
    const ended = <T>(p: Promise<T>) => Promise.race([p.catch((e: unknown) => e), new Promise((r) => setTimeout(() => r("still waiting"), 5_000))]);
    // The real app's 404, its body cut after three bytes.
    const notFound = await ended(d.spaces.get("spc_nope"));
    expect(notFound).toBeInstanceOf(DhanamError);
    expect(notFound).toMatchObject({ status: 404, code: "HTTP_404", body: undefined });
    expect(seen).toEqual(["GET /v1/spaces/spc_nope 404"]);
    // A 422 the client reads for INVALID_BOOKMARK first (a bookmark it sends).
    seen.length = 0;
    const withBookmark = new Dhanam({ baseUrl: BASE, fetch: stallingBody(nextIp(), seen), accessToken: owner.tokens!.accessToken, bookmark: "not-a-bookmark", timeoutMs: 150, maxRetries: 1, retryBaseDelayMs: 1 });
    const refused = await ended(withBookmark.spaces.list());
    expect(refused).toBeInstanceOf(DhanamError);
    expect(refused).toMatchObject({ status: 422, body: undefined });
    expect(seen).toEqual(["GET /v1/spaces 422"]);
  });

  it("the caller's abort ends a call whose body stalls at once, not timeoutMs later", { timeout: 20_000 }, async () => {
    const owner = await registered();
    const seen: string[] = [];
    // As a real fetch does, the body errors when the request's signal aborts (the stalling stream otherwise).
    const real = stallingBody(nextIp(), seen);
    const fetchTied: FetchLike = async (input, init) => {
      const res = await real(input, init);
      const reader = res.body!.getReader();
      const body = new ReadableStream<Uint8Array>({
        start: (c) => init?.signal?.addEventListener("abort", () => c.error(init.signal!.reason), { once: true }),
        pull: async (c) => {
          const { done, value } = await reader.read();
          if (done) c.close();
          else c.enqueue(value);
        },
      });
      return new Response(body, { status: res.status, headers: res.headers });
    };
    const d = new Dhanam({ baseUrl: BASE, fetch: fetchTied, accessToken: owner.tokens!.accessToken, timeoutMs: 10_000, maxRetries: 1, retryBaseDelayMs: 1 });
    const ctl = new AbortController();
    const started = Date.now();
    const call = d.spaces.list({ signal: ctl.signal }).catch((e: unknown) => e);
    while (seen.length === 0) await new Promise((r) => setTimeout(r, 10)); // the headers are in, the body stalls
    await new Promise((r) => setTimeout(r, 50));
    ctl.abort(new Error("user left"));
    expect(((await call) as Error).message).toBe("user left");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(seen).toEqual(["GET /v1/spaces 200"]);
  });

  it("a 200 whose body is not JSON (a captive portal's page) is a DhanamError INVALID_RESPONSE with the text, sent once", async () => {
    let calls = 0;
    const portal: FetchLike = async () => {
      calls++;
      return new Response("<html><body>Sign in to the hotel Wi-Fi</body></html>", { status: 200, headers: { "content-type": "text/html" } });
    };
    const d = new Dhanam({ baseUrl: BASE, fetch: portal, accessToken: "t", maxRetries: 3, retryBaseDelayMs: 1 });
    const err = await d.spaces.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DhanamError);
    expect(err).not.toBeInstanceOf(DhanamNetworkError);
    expect(err).toMatchObject({ status: 200, code: "INVALID_RESPONSE", body: "<html><body>Sign in to the hotel Wi-Fi</body></html>" });
    expect(calls).toBe(1);
  });
});
