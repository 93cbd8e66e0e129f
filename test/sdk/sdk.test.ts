/**
 * The TypeScript SDK (sdk/) against the real app in workerd: every request the
 * SDK makes goes through the Worker's own fetch (no mocks of the API). Fetch
 * wrappers only observe, or drop a response after the server handled it.
 */
import { exports } from "cloudflare:workers";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { collect, Dhanam, DhanamError, DhanamNetworkError, iterateOffset, jwtExpiry, OPERATIONS, parseRetryAfter, type FetchLike } from "../../sdk/src/index";
import { SignJWT } from "jose";
import { insertJsonRows } from "../../src/lib/sql";
import { GENESIS_HASH, hashLog } from "../../src/modules/ledger/chain";
import { VERIFY_MAX_LOGS } from "../../src/modules/ledger/service";

// Client IPs of this file only (the auth policy is per IP): a random /16 in 10.0.0.0/8 per run.
const ipBlock = 100 + Math.floor(Math.random() * 150);
let ipCount = 0;
const nextIp = () => {
  ipCount++;
  return `10.${ipBlock}.${(ipCount >> 8) & 255}.${ipCount & 255}`;
};

const BASE = "http://api.test";

interface Seen {
  method: string;
  path: string;
  status: number;
  idempotencyKey: string | null;
  authorization: string | null;
  replayed: string | null;
  retryAfter: string | null;
  at: number;
}

/** The Worker's fetch as the SDK's `fetch`, from one client IP, recording each exchange. */
function workerFetch(ip: string, seen: Seen[] = []): FetchLike {
  return async (input, init) => {
    const req = new Request(input as RequestInfo, init);
    req.headers.set("cf-connecting-ip", ip);
    const res = await exports.default.fetch(req);
    const url = new URL(req.url);
    seen.push({
      method: req.method,
      path: url.pathname,
      status: res.status,
      idempotencyKey: req.headers.get("idempotency-key"),
      authorization: req.headers.get("authorization"),
      replayed: res.headers.get("idempotency-replayed"),
      retryAfter: res.headers.get("retry-after"),
      at: Date.now(),
    });
    return res;
  };
}

const uniqueEmail = () => `sdk-${crypto.randomUUID().slice(0, 12)}@example.com`;
const PASSWORD = "correct horse battery";

async function registered(ip = nextIp()) {
  const email = uniqueEmail();
  const dhanam = new Dhanam({ baseUrl: BASE, fetch: workerFetch(ip) });
  await dhanam.auth.register({ name: "SDK User", email, password: PASSWORD, locale: "en" });
  return { email, ip, dhanam };
}

/** An access token shaped like the app's (HS256, 15 minutes from `issuedAtMs`) for a user's session. */
async function mintAccessToken(sub: string, sid: string, secret: string, issuedAtMs: number): Promise<string> {
  const iat = Math.floor(issuedAtMs / 1000);
  return new SignJWT({ sid, typ: "access", lng: "en" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(sub)
    .setIssuer("dhanam-ledger")
    .setAudience("dhanam-api")
    .setIssuedAt(iat)
    .setExpirationTime(iat + 900)
    .sign(new TextEncoder().encode(secret));
}

/** The session id an access token names (to mint tokens for that session in tests). */
const sessionOf = (token: string) => JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as { sub: string; sid: string };

describe("TypeScript SDK: scripted session", () => {
  it("registers, logs in, creates a space, account and transactions, and pages through them", async () => {
    const ip = nextIp();
    const seen: Seen[] = [];
    const email = uniqueEmail();
    const anon = new Dhanam({ baseUrl: BASE, fetch: workerFetch(ip, seen) });
    expect((await anon.health()).status).toBe("ok");
    // `locale` has a default, so the types let it be left out (they once required every defaulted field).
    const reg = await anon.auth.register({ name: "Ana", email, password: PASSWORD });
    expect(reg.user.email).toBe(email);

    // A second client from email and password.
    const dhanam = await Dhanam.login({ baseUrl: BASE, fetch: workerFetch(ip, seen), email, password: PASSWORD });
    expect(dhanam.tokens?.accessToken).toBeTruthy();
    expect((await dhanam.auth.me()).email).toBe(email);

    const space = await dhanam.spaces.create({ name: "Household", type: "personal", currency: "USD" });
    expect((await dhanam.spaces.list()).map((s) => s.id)).toContain(space.id);

    const account = await dhanam.accounts.create({ spaceId: space.id, name: "Checking", type: "checking", currency: "USD", openingBalance: 1000 });
    expect(account.balanceDecimal ?? String(account.balance)).toMatch(/^1000(\.00)?$/);
    const accountCreate = seen.find((s) => s.method === "POST" && s.path === "/v1/accounts")!;
    expect(accountCreate.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);

    const created: string[] = [];
    for (let i = 1; i <= 7; i++) {
      const tx = await dhanam.transactions.create({
        spaceId: space.id,
        accountId: account.id,
        amount: -(i * 10 + 0.25),
        description: `Groceries ${i}`,
        date: `2026-01-0${i}`,
      });
      created.push(tx.id);
    }
    // Every create carried its own Idempotency-Key.
    const keys = seen.filter((s) => s.method === "POST" && s.path === "/v1/transactions").map((s) => s.idempotencyKey);
    expect(new Set(keys).size).toBe(7);
    expect(keys.every((k) => k && k.length === 36)).toBe(true);

    const page = await dhanam.transactions.list({ spaceId: space.id, limit: 3 });
    expect(page.transactions).toHaveLength(3);
    expect(page.pagination).toMatchObject({ limit: 3, offset: 0, hasMore: true });
    const total = page.pagination.total;
    expect(total).toBeGreaterThanOrEqual(7);

    // The iterator walks every page of 3 and yields each transaction once.
    const before = seen.length;
    const all = await collect(dhanam.transactions.iterate({ spaceId: space.id, limit: 3 }));
    expect(all).toHaveLength(total);
    expect(new Set(all.map((t) => t.id)).size).toBe(total);
    for (const id of created) expect(all.map((t) => t.id)).toContain(id);
    const pages = seen.slice(before).filter((s) => s.path === "/v1/transactions");
    expect(pages).toHaveLength(Math.ceil(total / 3));
    expect(await collect(dhanam.transactions.iterate({ spaceId: space.id, limit: 2 }, { max: 5 }))).toHaveLength(5);

    // Cursor lists: the ledger's transactions, two at a time.
    const ledgerAll = await collect(dhanam.ledger.transactions.iterate(space.id, { pageSize: 2 }));
    const firstLedgerPage = await dhanam.ledger.transactions.list(space.id, { pageSize: 2 });
    expect(firstLedgerPage.cursor.hasMore).toBe(true);
    expect(ledgerAll.length).toBeGreaterThanOrEqual(8);
    expect(new Set(ledgerAll.map((t) => t.txid)).size).toBe(ledgerAll.length);

    // Typed errors carry status, code, details and the request id.
    const missing = await dhanam.transactions.get("txn_doesnotexist").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(DhanamError);
    expect(missing).toMatchObject({ status: 404, code: "RESOURCE_NOT_FOUND" });
    expect((missing as DhanamError).requestId).toMatch(/^req_/);
    const invalid = await dhanam.transactions
      .create({ spaceId: space.id, accountId: account.id, amount: "1.234" as unknown as number, description: "x", date: "2026-01-09" })
      .catch((e: unknown) => e);
    expect(invalid).toMatchObject({ status: 422, code: "VALIDATION_FAILED" });
    expect((invalid as DhanamError).details.some((d) => d.field === "amount")).toBe(true);

    await dhanam.auth.logout();
    expect(dhanam.tokens).toBeUndefined();
  });
});

describe("TypeScript SDK: password and sessions", () => {
  it("lists the sessions, ends another device's, and changes the password ending the rest while this client stays signed in", async () => {
    const { email, ip, dhanam } = await registered();
    const laptop = new Dhanam({ baseUrl: BASE, fetch: workerFetch(ip) });
    const phone = new Dhanam({ baseUrl: BASE, fetch: workerFetch(ip) });
    await laptop.auth.login({ email, password: PASSWORD });
    await phone.auth.login({ email, password: PASSWORD });
    const page = await dhanam.auth.sessions.list({ limit: 10 });
    expect(page.sessions).toHaveLength(3);
    expect(page.sessions.filter((x) => x.current)).toHaveLength(1);
    const phoneSession = sessionOf(phone.tokens!.accessToken).sid;
    await dhanam.auth.sessions.end(phoneSession);
    expect(await phone.auth.me().catch((e: unknown) => e)).toMatchObject({ status: 401 });
    const changed = await dhanam.auth.changePassword({ currentPassword: PASSWORD, newPassword: "a new horse battery" });
    expect(changed.revokedSessions).toBe(1); // the laptop
    expect(await laptop.auth.me().catch((e: unknown) => e)).toMatchObject({ status: 401 });
    expect((await dhanam.auth.me()).email).toBe(email);
    expect((await dhanam.auth.sessions.list()).sessions.map((x) => x.current)).toEqual([true]);
  });
});

describe("TypeScript SDK: token refresh", () => {
  it("refreshes an expired access token once for many concurrent calls, with rotation", async () => {
    const { email, ip } = await registered();
    const login = await Dhanam.login({ baseUrl: BASE, fetch: workerFetch(ip), email, password: PASSWORD });
    const { sub, sid } = sessionOf(login.tokens!.accessToken);
    const oldRefresh = login.tokens!.refreshToken!;
    // An access token for this session that expired an hour ago.
    const expired = await mintAccessToken(sub, sid, env.JWT_SECRET, Date.now() - 3600_000);

    const seen: Seen[] = [];
    const persisted: string[] = [];
    const dhanam = new Dhanam({
      baseUrl: BASE,
      fetch: workerFetch(ip, seen),
      accessToken: expired,
      refreshToken: oldRefresh,
      onTokens: (t) => persisted.push(t.refreshToken!),
    });
    const results = await Promise.all(Array.from({ length: 6 }, () => dhanam.spaces.list()));
    expect(results.every(Array.isArray)).toBe(true);
    expect(seen.filter((s) => s.path === "/v1/auth/refresh")).toHaveLength(1);
    expect(seen.filter((s) => s.path === "/v1/spaces").every((s) => s.status === 200 && s.authorization !== `Bearer ${expired}`)).toBe(true);
    expect(persisted).toHaveLength(1);
    expect(dhanam.tokens!.refreshToken).not.toBe(oldRefresh);
    expect(dhanam.tokens!.refreshToken).toBe(persisted[0]);
  });

  it("on a 401 it refreshes once, however many calls were rejected, and retries them", async () => {
    const { email, ip } = await registered();
    const login = await Dhanam.login({ baseUrl: BASE, fetch: workerFetch(ip), email, password: PASSWORD });
    const { sub, sid } = sessionOf(login.tokens!.accessToken);
    // Unexpired by its own claims, but the server refuses it (wrong key): only the 401 tells.
    const refused = await mintAccessToken(sub, sid, "some-other-secret-0123456789abcdefghijkl", Date.now());
    const seen: Seen[] = [];
    const dhanam = new Dhanam({ baseUrl: BASE, fetch: workerFetch(ip, seen), accessToken: refused, refreshToken: login.tokens!.refreshToken! });
    const results = await Promise.all(Array.from({ length: 5 }, () => dhanam.auth.me()));
    expect(results.every((u) => u.email === email)).toBe(true);
    const me = seen.filter((s) => s.path === "/v1/auth/me");
    expect(me.filter((s) => s.status === 401).length).toBeGreaterThanOrEqual(1);
    expect(me.filter((s) => s.status === 200)).toHaveLength(5);
    expect(seen.filter((s) => s.path === "/v1/auth/refresh")).toHaveLength(1);
  });

  it("a refresh the server refuses surfaces as a typed 401 to every waiting call", async () => {
    const { ip } = await registered();
    const dhanam = new Dhanam({ baseUrl: BASE, fetch: workerFetch(ip), accessToken: "not-a-jwt", refreshToken: "rt_revoked" });
    const errors = await Promise.all([dhanam.spaces.list(), dhanam.auth.me()].map((p) => p.catch((e: unknown) => e)));
    for (const e of errors) expect(e).toMatchObject({ status: 401, code: "UNAUTHORIZED" });
    expect(dhanam.http.refreshCount).toBe(1);
    // The refused refresh token is forgotten: the next call fails with 401 without presenting it again.
    expect(dhanam.tokens?.refreshToken).toBeUndefined();
    await expect(dhanam.spaces.list()).rejects.toMatchObject({ status: 401 });
    expect(dhanam.http.refreshCount).toBe(1);
  });
});

describe("TypeScript SDK: idempotent retries", () => {
  it("a create whose response is lost is retried with the same Idempotency-Key and creates one transaction", async () => {
    const { dhanam: owner, ip } = await registered();
    const space = await owner.spaces.create({ name: "Retry", type: "personal", currency: "USD" });
    const account = await owner.accounts.create({ spaceId: space.id, name: "Cash", type: "checking", currency: "USD", openingBalance: 100 });

    const seen: Seen[] = [];
    const inner = workerFetch(ip, seen);
    let dropped = 0;
    // The server handles the first POST; its answer is lost on the way back.
    const flaky: FetchLike = async (input, init) => {
      const res = await inner(input, init);
      if (init?.method === "POST" && new URL(String(input)).pathname === "/v1/transactions" && dropped === 0) {
        dropped++;
        await res.arrayBuffer();
        throw new TypeError("Network connection lost");
      }
      return res;
    };
    const dhanam = new Dhanam({ baseUrl: BASE, fetch: flaky, accessToken: owner.tokens!.accessToken, retryBaseDelayMs: 5 });
    const tx = await dhanam.transactions.create({ spaceId: space.id, accountId: account.id, amount: "-12.34", description: "Lost reply", date: "2026-02-01" } as never);
    const posts = seen.filter((s) => s.method === "POST" && s.path === "/v1/transactions");
    expect(posts).toHaveLength(2);
    expect(posts[0]!.status).toBe(201);
    expect(posts[1]!.status).toBe(201);
    expect(posts[1]!.replayed).toBe("true");
    expect(posts[0]!.idempotencyKey).toBeTruthy();
    expect(posts[1]!.idempotencyKey).toBe(posts[0]!.idempotencyKey);

    const list = await dhanam.transactions.list({ spaceId: space.id, search: "Lost reply" });
    expect(list.transactions.map((t) => t.id)).toEqual([tx.id]);
    expect(list.transactions[0]!.amountDecimal).toBe("-12.34");
  });

  it("a POST without an idempotency key is not retried after a network error", async () => {
    const { dhanam: owner, ip } = await registered();
    const space = await owner.spaces.create({ name: "NoRetry", type: "personal", currency: "USD" });
    const seen: Seen[] = [];
    const inner = workerFetch(ip, seen);
    const flaky: FetchLike = async (input, init) => {
      const res = await inner(input, init);
      if (init?.method === "POST") throw new TypeError("Network connection lost");
      return res;
    };
    const dhanam = new Dhanam({ baseUrl: BASE, fetch: flaky, accessToken: owner.tokens!.accessToken, retryBaseDelayMs: 5 });
    const err = await dhanam.categories.create({ spaceId: space.id, name: "Once", type: "expense" } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DhanamNetworkError);
    expect(seen.filter((s) => s.method === "POST")).toHaveLength(1);
  });

  it("a GET answered 503 is retried with backoff; a 503 on a keyless POST is not", async () => {
    const { dhanam: owner, ip } = await registered();
    const inner = workerFetch(ip);
    let unavailable = 2;
    let calls = 0;
    const flaky: FetchLike = async (input, init) => {
      calls++;
      if (unavailable > 0) {
        unavailable--;
        return new Response(JSON.stringify({ error: { code: "SERVICE_UNAVAILABLE", message: "busy", details: [], timestamp: "", requestId: "req_x" } }), {
          status: 503,
        });
      }
      return inner(input, init);
    };
    const dhanam = new Dhanam({ baseUrl: BASE, fetch: flaky, accessToken: owner.tokens!.accessToken, retryBaseDelayMs: 5 });
    expect(Array.isArray(await dhanam.spaces.list())).toBe(true);
    expect(calls).toBe(3);

    unavailable = 1;
    calls = 0;
    const err = await dhanam.spaces.create({ name: "x", type: "personal", currency: "USD" }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 503, code: "SERVICE_UNAVAILABLE", requestId: "req_x" });
    expect(calls).toBe(1);
  });
});

describe("TypeScript SDK: rate limits", () => {
  it("a real 429 from the auth policy waits Retry-After and then succeeds", async () => {
    const ip = nextIp();
    const seen: Seen[] = [];
    const email = uniqueEmail();
    const setup = new Dhanam({ baseUrl: BASE, fetch: workerFetch(ip, seen) });
    await setup.auth.register({ name: "Limited", email, password: PASSWORD, locale: "en" });
    // The auth policy allows 10 per minute per IP (a token every 6 s): use up the rest.
    for (let i = 0; i < 9; i++) await setup.auth.login({ email, password: PASSWORD });
    expect(seen.every((s) => s.status < 300)).toBe(true);

    const started = Date.now();
    const dhanam = await Dhanam.login({ baseUrl: BASE, fetch: workerFetch(ip, seen), email, password: PASSWORD });
    const elapsed = Date.now() - started;
    const limited = seen.filter((s) => s.status === 429);
    expect(limited).toHaveLength(1);
    const retryAfter = Number(limited[0]!.retryAfter);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(elapsed).toBeGreaterThanOrEqual(retryAfter * 1000 - 50);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ path: "/v1/auth/login", status: 200 });
    expect(last.at - limited[0]!.at).toBeGreaterThanOrEqual(retryAfter * 1000 - 50);
    expect(dhanam.tokens?.accessToken).toBeTruthy();
  });

  it("a Retry-After beyond maxRetryDelayMs fails at once with the typed 429", async () => {
    const ip = nextIp();
    const seen: Seen[] = [];
    const email = uniqueEmail();
    const setup = new Dhanam({ baseUrl: BASE, fetch: workerFetch(ip, seen) });
    await setup.auth.register({ name: "Limited", email, password: PASSWORD, locale: "en" });
    for (let i = 0; i < 9; i++) await setup.auth.login({ email, password: PASSWORD });
    const impatient = new Dhanam({ baseUrl: BASE, fetch: workerFetch(ip, seen), maxRetryDelayMs: 500 });
    const err = await impatient.auth.login({ email, password: PASSWORD }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DhanamError);
    expect(err).toMatchObject({ status: 429, code: "RATE_LIMIT_EXCEEDED" });
    expect((err as DhanamError).retryAfter).toBeGreaterThanOrEqual(1);
    expect(seen.filter((s) => s.status === 429)).toHaveLength(1);
  });
});

describe("TypeScript SDK: helpers", () => {
  it("reads Retry-After as seconds or an HTTP date, and a JWT's expiry", () => {
    expect(parseRetryAfter("7")).toBe(7);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now)).toBe(30);
    expect(jwtExpiry("not-a-jwt")).toBeUndefined();
    const payload = btoa(JSON.stringify({ exp: 1_800_000_000 })).replace(/=+$/, "");
    expect(jwtExpiry(`x.${payload}.y`)).toBe(1_800_000_000_000);
  });

  it("fills and encodes path parameters and drops absent query values", () => {
    const d = new Dhanam({ baseUrl: "https://api.example/", fetch: async () => new Response(null, { status: 204 }) });
    expect(d.http.buildUrl("/v1/spaces/{spaceId}/ledger/accounts/{address}", { spaceId: "spc_1", address: "users:a/b" }, { cursor: undefined, pageSize: 2 }))
      .toBe("https://api.example/v1/spaces/spc_1/ledger/accounts/users%3Aa%2Fb?pageSize=2");
    expect(() => d.http.buildUrl("/v1/transactions/{id}", {})).toThrow(/Missing path parameter/);
  });

  it("the offset iterator stops on hasMore=false and on an empty page", async () => {
    const offsets: number[] = [];
    const pages = [
      { items: [1, 2], pagination: { total: 5, limit: 2, offset: 0, hasMore: true } },
      { items: [3, 4], pagination: { total: 5, limit: 2, offset: 2, hasMore: true } },
      { items: [], pagination: { total: 5, limit: 2, offset: 4, hasMore: true } },
    ];
    const got = await collect(iterateOffset<number>(async ({ offset }) => (offsets.push(offset), pages[offsets.length - 1]!), "items", { limit: 2 }));
    expect(got).toEqual([1, 2, 3, 4]);
    expect(offsets).toEqual([0, 2, 4]);
  });
});

describe("TypeScript SDK: operations by operationId", () => {
  it("the generated table names exactly the served document's operations, and call() reaches them", async () => {
    const doc = (await (await exports.default.fetch(new Request(`${BASE}/openapi.json`))).json()) as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    const served: Record<string, [string, string]> = {};
    for (const [path, item] of Object.entries(doc.paths))
      for (const method of ["get", "post", "put", "patch", "delete"]) {
        const id = item[method]?.operationId;
        if (id) served[id] = [method, path];
      }
    const table = OPERATIONS as Record<string, readonly [string, string]>;
    expect(Object.fromEntries(Object.entries(table).map(([id, [m, p]]) => [id, [m, p]]))).toEqual(served);

    const { dhanam } = await registered();
    const space = await dhanam.spaces.create({ name: "ByName", type: "personal", currency: "USD" });
    const listSpaces = Object.keys(table).find((id) => table[id]![0] === "get" && table[id]![1] === "/v1/spaces");
    if (listSpaces) {
      const viaCall = (await dhanam.call(listSpaces as never)) as unknown as { id: string }[];
      expect(viaCall.map((s) => s.id)).toContain(space.id);
    }
    expect(() => dhanam.call("noSuchOperation" as never)).toThrow(/Unknown operationId/);
  });
});

describe("TypeScript SDK: the areas beyond the ledger", () => {
  it("assets, analytics, projections, webhooks, providers, households and life beat through their namespaces", { timeout: 60_000 }, async () => {
    const ip = nextIp();
    const seen: Seen[] = [];
    const dhanam = new Dhanam({ baseUrl: BASE, fetch: workerFetch(ip, seen) });
    await dhanam.auth.register({ name: "Areas", email: uniqueEmail(), password: PASSWORD, locale: "en" });
    const space = await dhanam.spaces.create({ name: "Areas", type: "personal", currency: "USD" });
    const account = await dhanam.accounts.create({ spaceId: space.id, name: "Checking", type: "checking", currency: "USD", openingBalance: "1500.25" });

    // Assets: one with a second valuation, paged one at a time.
    const house = await dhanam.assets.create({ spaceId: space.id, name: "House", type: "real_estate", currency: "USD", value: "250000.00", valuationDate: "2026-01-01" });
    expect(house.currentValueDecimal).toBe("250000.00");
    const valuation = await dhanam.assets.valuations.create(house.id, { value: "260000.50", date: "2026-02-01", notes: "appraisal" });
    expect([valuation.valueDecimal, valuation.date]).toEqual(["260000.50", "2026-02-01"]);
    const car = await dhanam.assets.create({ spaceId: space.id, name: "Car", type: "vehicle", currency: "USD", value: "12000" });
    expect((await dhanam.assets.get(house.id)).currentValueDecimal).toBe("260000.50");
    const assetPage = await dhanam.assets.list({ spaceId: space.id, limit: 1 });
    expect(assetPage.pagination).toMatchObject({ total: 2, limit: 1, hasMore: true });
    expect((await collect(dhanam.assets.iterate({ spaceId: space.id, limit: 1 }))).map((a) => a.id).sort()).toEqual([car.id, house.id].sort());
    expect((await collect(dhanam.assets.valuations.iterate(house.id, { limit: 1 }))).map((v) => v.valueDecimal).sort()).toEqual(["250000.00", "260000.50"]);

    // Analytics: the dashboard counts the account and both assets; the forecast starts from the balance.
    const dash = await dhanam.analytics.dashboard({ spaceId: space.id });
    expect(dash.currency).toBe("USD");
    expect(dash.netWorth.currentDecimal).toBe("273500.75");
    expect(dash.accounts.total).toBe(1);
    const forecast = await dhanam.analytics.forecast(space.id);
    expect(forecast.accounts.map((a) => [a.accountId, a.currentBalanceDecimal])).toEqual([[account.id, "1500.25"]]);
    expect((await dhanam.analytics.recurring.list({ spaceId: space.id })).series).toEqual([]);

    // Projections: a seeded custom run saved as a scenario, listed and compared.
    const run = await dhanam.projections.create({ spaceId: space.id, name: "Base", years: 10, scenarios: 200, seed: 7, startingNetWorth: 100000, annualContribution: 12000 });
    const saved = run.scenario!; // null only with save: false
    expect(saved.name).toBe("Base");
    expect(run.projection).toMatchObject({ horizon: 10, seed: 7, startingNetWorthDecimal: "100000.00" });
    const again = await dhanam.projections.create({ spaceId: space.id, name: "Same seed", years: 10, scenarios: 200, seed: 7, startingNetWorth: 100000, annualContribution: 12000, save: false });
    expect(again.scenario).toBeNull();
    expect(again.projection.outcomes.median.year10Decimal).toBe(run.projection.outcomes.median.year10Decimal);
    const scenarios = await collect(dhanam.projections.scenarios.iterate({ spaceId: space.id, limit: 1 }));
    expect(scenarios.map((s) => s.id)).toEqual([saved.id]);
    const compared = await dhanam.projections.compare({ spaceId: space.id, scenarioIds: [saved.id], seed: 7 });
    expect(compared.scenarios.map((s) => s.id)).toEqual([saved.id]);

    // Webhooks: a subscription to the sandbox receiver, a test ping, its delivery; disable and re-enable.
    const hook = await dhanam.webhooks.create({ spaceId: space.id, url: `${env.SANDBOX_ORIGIN}/sandbox/webhook-receiver/sdk${crypto.randomUUID().replace(/-/g, "")}`, events: ["transaction.created"] });
    expect(hook.secret).toMatch(/^whsec_/);
    const ping = await dhanam.webhooks.test(hook.id);
    expect([ping.event, ping.status, ping.responseStatus]).toEqual(["webhook.test", "succeeded", 200]);
    const deliveries = await dhanam.webhooks.deliveries.list(hook.id);
    expect(deliveries.deliveries.map((d) => [d.id, d.status])).toEqual([[ping.id, "succeeded"]]);
    expect((await collect(dhanam.webhooks.iterate({ spaceId: space.id }))).map((w) => w.id)).toEqual([hook.id]);
    expect(await dhanam.webhooks.disable(hook.id)).toMatchObject({ enabled: false, disabledReason: "manual" });
    expect(await dhanam.webhooks.enable(hook.id)).toMatchObject({ enabled: true, disabledReason: null });

    // Providers: a sandbox Bitso connection, then the space's connections.
    expect((await dhanam.providers.connections.list(space.id)).connections).toEqual([]);
    const bitso = await dhanam.providers.bitso.connect({ spaceId: space.id, apiKey: `key-${crypto.randomUUID()}`, apiSecret: `secret-${crypto.randomUUID()}` });
    expect(bitso.connection.provider).toBe("bitso");
    const connections = (await dhanam.providers.connections.list(space.id)).connections;
    expect(connections.map((c) => [c.id, c.provider])).toEqual([[bitso.connection.id, "bitso"]]);
    expect(bitso.jobId).toBeTruthy();
    const job = await dhanam.providers.job(bitso.jobId!);
    expect([job.connectionId, job.provider]).toEqual([bitso.connection.id, "bitso"]);

    // Households and life beat.
    const household = await dhanam.households.create({ name: "Family", spaceIds: [space.id] });
    expect(household.spaceIds).toEqual([space.id]);
    expect(household.members.map((m) => m.role)).toEqual(["owner"]);
    expect((await dhanam.households.list()).map((h) => h.id)).toEqual([household.id]);
    const beat = await dhanam.lifeBeat.get(household.id);
    expect(beat).toMatchObject({ householdId: household.id, enabled: false, currentEscalationLevel: 0 });
    const on = await dhanam.lifeBeat.update({ householdId: household.id, enabled: true, checkInInterval: "weekly" });
    expect([on.enabled, on.checkInInterval]).toEqual([true, "weekly"]);
    const checkIn = await dhanam.lifeBeat.checkIn(household.id);
    expect([checkIn.householdId, checkIn.currentEscalationLevel]).toEqual([household.id, 0]);
    expect((await dhanam.lifeBeat.accessLog.list({ householdId: household.id })).entries).toEqual([]);

    // None of these areas' writes reads an Idempotency-Key, so the SDK sends none there.
    const areaWrites = seen.filter((s) => s.method !== "GET" && !["/v1/accounts", "/v1/auth/register"].includes(s.path));
    expect(areaWrites.length).toBeGreaterThan(10);
    expect(areaWrites.filter((s) => s.idempotencyKey !== null)).toEqual([]);
  });
});

describe("TypeScript SDK: documents, real estate, collectibles, recurring series, rates and the crypto areas", () => {
  it("reaches each namespace's routes with real answers", { timeout: 60_000 }, async () => {
    const ip = nextIp();
    const { dhanam } = await registered(ip);
    const space = await dhanam.spaces.create({ name: "More", type: "personal", currency: "USD" });
    const address = { address: "123 Main Street", city: "San Francisco", state: "CA", zipCode: "94102" };

    // Real estate: the sandbox's estimate for the sample address, recorded as a valuation.
    expect(await dhanam.assets.realEstate.lookup(address)).toMatchObject({ zestimateDecimal: "875000.00", currency: "USD" });
    const house = await dhanam.assets.create({ spaceId: space.id, name: "House", type: "real_estate", currency: "USD", value: "850000", address });
    expect((await dhanam.assets.realEstate.zestimate(house.id)).zestimate).toBe(875000);
    expect(await dhanam.assets.realEstate.sync(house.id)).toMatchObject({ previousValueDecimal: "850000.00", newValueDecimal: "875000.00", valuationCreated: true });
    expect(await dhanam.assets.get(house.id)).toMatchObject({ currentValueDecimal: "875000.00", valuationSource: "Zillow Zestimate" });

    // Collectibles: search, link, refresh, unlink.
    const found = await dhanam.assets.collectibles.search({ category: "sneaker", q: "jordan 1 chicago", limit: 5 });
    expect(found.map((c) => [c.externalId, c.currentMarketValueDecimal])).toEqual([["CW2288-111", "320.00"]]);
    expect((await dhanam.assets.collectibles.categories()).map((c) => c.category)).toContain("sneaker");
    const shoe = await dhanam.assets.create({ spaceId: space.id, name: "AJ1", type: "collectible", currency: "USD", value: 300 });
    expect(await dhanam.assets.collectibles.link(shoe.id, { externalId: "CW2288-111", provider: "sneaks", category: "sneaker" })).toMatchObject({ success: true, assetId: shoe.id });
    expect(await dhanam.assets.collectibles.refresh(shoe.id)).toMatchObject({ previousValue: 300, newValueDecimal: "320.00" });
    expect((await dhanam.assets.get(shoe.id)).currentValueDecimal).toBe("320.00");
    await dhanam.assets.collectibles.unlink(shoe.id);
    expect((await dhanam.assets.get(shoe.id)).collectibleLink).toBeNull();

    // Documents: an upload URL, the bytes PUT to it (outside the SDK), listed, deleted.
    const issued = await dhanam.assets.documents.uploadUrl(house.id, { filename: "deed.pdf", contentType: "application/pdf", category: "deed" });
    expect(issued.method).toBe("PUT");
    const put = await workerFetch(ip)(issued.uploadUrl, { method: "PUT", headers: issued.headers as Record<string, string>, body: new TextEncoder().encode("%PDF-1.4 deed") });
    expect(put.status).toBe(200);
    const docs = (await dhanam.assets.documents.list(house.id)).documents;
    expect(docs.map((d) => [d.id, d.filename, d.status, d.size])).toEqual([[issued.documentId, "deed.pdf", "uploaded", 13]]);
    await dhanam.assets.documents.delete(house.id, issued.documentId);
    expect((await dhanam.assets.documents.list(house.id)).documents).toEqual([]);

    // Recurring series: six monthly charges are detected; confirm, edit, dismiss and restore.
    const checking = await dhanam.accounts.create({ spaceId: space.id, name: "Checking", type: "checking", currency: "USD", openingBalance: "500.00" });
    const now = new Date();
    for (let k = 6; k >= 1; k--) {
      const date = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - k, 5)).toISOString().slice(0, 10);
      await dhanam.transactions.create({ spaceId: space.id, accountId: checking.id, amount: "-15.99", date, description: "StreamFlix", merchantName: "StreamFlix" });
    }
    const detected = (await dhanam.analytics.recurring.list({ spaceId: space.id })).series;
    expect(detected.map((r) => [r.name, r.merchant, r.cadence, r.amountDecimal, r.occurrences, r.status])).toEqual([["StreamFlix", "streamflix", "monthly", "-15.99", 6, "detected"]]);
    const seriesId = detected[0]!.id;
    expect((await dhanam.analytics.recurring.confirm(space.id, seriesId)).status).toBe("confirmed");
    const edited = await dhanam.analytics.recurring.edit(space.id, seriesId, { name: "Streaming", amount: "-17.99" });
    expect([edited.status, edited.series.name, edited.series.amountDecimal]).toEqual(["edited", "Streaming", "-17.99"]);
    expect((await dhanam.analytics.recurring.dismiss(space.id, seriesId)).status).toBe("dismissed");
    expect(await dhanam.analytics.recurring.list({ spaceId: space.id })).toMatchObject({ series: [], dismissedCount: 1 });
    expect((await dhanam.analytics.recurring.restore(space.id, seriesId)).status).toBe("detected"); // restore clears the decision

    // Rates: a stored daily rate, exact.
    expect(await dhanam.rates.get({ base: "USD", quote: "MXN", date: "2024-02-14" })).toMatchObject({ base: "USD", quote: "MXN", exact: true, derivation: "direct" });
    expect(await dhanam.rates.manual.set(space.id, { rates: [{ base: "USD", quote: "MXN", date: "2024-03-01", rate: "17.05" }] })).toEqual({ spaceId: space.id, updated: 1, removed: 0 });
    expect((await dhanam.rates.manual.list(space.id)).rates.map((r) => [r.date, r.rate, r.source])).toEqual([["2024-03-01", "17.05", "manual"]]);

    // DeFi, gaming and ESG over a watched wallet.
    const wallet = await dhanam.defi.addWallet({ spaceId: space.id, address: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", label: "Main" });
    expect(wallet.wallet.address).toBe("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
    const positions = await dhanam.defi.positions({ spaceId: space.id });
    expect(positions.positions.length).toBe(wallet.sync.positions);
    expect((await dhanam.defi.sync({ spaceId: space.id })).results.map((r) => [r.walletId, r.status])).toEqual([[wallet.wallet.id, "ok"]]);
    const platforms = (await dhanam.gaming.platforms()).platforms;
    expect(platforms.find((p) => p.platform === "axie")).toMatchObject({ available: true });
    expect((await dhanam.gaming.portfolio(space.id)).spaceId).toBe(space.id);
    expect((await dhanam.esg.methodology()).dataset.assetCount).toBeGreaterThan(0);
    expect((await dhanam.esg.scores(space.id)).spaceId).toBe(space.id);
    // The wallet is disconnected by name: its positions go with it.
    expect(await dhanam.defi.removeWallet(wallet.wallet.id)).toBeUndefined();
    expect((await dhanam.defi.positions({ spaceId: space.id })).positions).toEqual([]);
    expect(await dhanam.defi.removeWallet(wallet.wallet.id).catch((e: unknown) => e)).toMatchObject({ status: 404 });
  });
});

describe("TypeScript SDK: verifying a log chain longer than one call checks", () => {
  it("verify takes the cursor a call answered, and verifyAll follows it to the whole chain's verdict", { timeout: 180_000 }, async () => {
    const { dhanam } = await registered();
    const space = await dhanam.spaces.create({ name: "Chain", type: "personal", currency: "USD" });
    // A chain one call cannot finish, written straight to the table as the ledger would hash it.
    const total = VERIFY_MAX_LOGS + 20;
    const rows: (string | number)[][] = [];
    let prev = GENESIS_HASH;
    for (let id = 0; id < total; id++) {
      const row = { id, type: "NEW_TRANSACTION", date: 1_700_000_000_000 + id, data: JSON.stringify({ n: id }) };
      prev = await hashLog(prev, row);
      rows.push([space.id, id, row.type, row.data, row.date, prev]);
    }
    await env.DB.batch(insertJsonRows(env.DB, "ledger_logs", ["space_id", "id", "type", "data", "date", "hash"], rows));

    const first = await dhanam.ledger.logs.verify(space.id);
    expect(first.data).toMatchObject({ valid: true, checked: VERIFY_MAX_LOGS, hasMore: true });
    const rest = await dhanam.ledger.logs.verify(space.id, { cursor: first.data.next! });
    expect(rest.data).toMatchObject({ valid: true, checked: total, checkedFrom: VERIFY_MAX_LOGS, hasMore: false, lastHash: prev });
    const all = await dhanam.ledger.logs.verifyAll(space.id);
    expect(all.data).toMatchObject({ valid: true, checked: total, hasMore: false, lastHash: prev });
    // A cursor the API did not issue is refused by name.
    expect(await dhanam.ledger.logs.verify(space.id, { cursor: "not-a-cursor" }).catch((e: unknown) => e)).toMatchObject({ status: 422 });
  });
});

describe("TypeScript SDK: read-your-writes bookmarks", () => {
  /** The Worker's fetch from one IP, recording the X-D1-Bookmark each request sent and each response carried. */
  function bookmarkFetch(ip: string, log: { sent: string | null; received: string | null; path: string; status: number }[]): FetchLike {
    const inner = workerFetch(ip);
    return async (input, init) => {
      const sent = new Headers(init?.headers).get("x-d1-bookmark");
      const res = await inner(input, init);
      log.push({ sent, received: res.headers.get("x-d1-bookmark"), path: new URL(String(input)).pathname, status: res.status });
      return res;
    };
  }

  it("sends back the latest response's bookmark on every request, writes and reads alike", async () => {
    const { dhanam: signedUp } = await registered();
    const log: { sent: string | null; received: string | null; path: string; status: number }[] = [];
    const dhanam = new Dhanam({ baseUrl: BASE, fetch: bookmarkFetch(nextIp(), log), accessToken: signedUp.tokens!.accessToken });
    expect(dhanam.bookmark).toBeUndefined();
    const space = await dhanam.spaces.create({ name: "Bookmarks", type: "personal", currency: "USD" });
    const account = await dhanam.accounts.create({ spaceId: space.id, name: "Checking", type: "checking", currency: "USD", openingBalance: 10 });
    await dhanam.transactions.create({ spaceId: space.id, accountId: account.id, amount: -1, description: "Coffee", date: "2026-01-02" });
    // The write's own response is visible to the read that follows it.
    const listed = await dhanam.transactions.list({ spaceId: space.id });
    expect(listed.transactions.map((t) => t.description)).toContain("Coffee");
    expect(log[0]!.sent).toBeNull(); // nothing received yet
    for (let i = 1; i < log.length; i++) {
      expect(log[i - 1]!.received, log[i - 1]!.path).toBeTruthy(); // every /v1 response carries one
      expect(log[i]!.sent, log[i]!.path).toBe(log[i - 1]!.received);
    }
    expect(dhanam.bookmark).toBe(log.at(-1)!.received);
  });

  it("keeps the later state when responses arrive out of order: a slow read answered before a write does not take the client back", async () => {
    const { dhanam: signedUp } = await registered();
    const inner = workerFetch(nextIp());
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let served!: () => void;
    const readServed = new Promise<void>((r) => (served = r));
    const sent: { method: string; bookmark: string | null }[] = [];
    const slow: FetchLike = async (input, init) => {
      const method = init?.method ?? "GET";
      sent.push({ method, bookmark: new Headers(init?.headers).get("x-d1-bookmark") });
      const res = await inner(input, init);
      if (method === "GET" && sent.filter((s) => s.method === "GET").length === 1) {
        served(); // the server has answered the read, at the state before the write...
        await gate; // ...but its response reaches the client after the write's
      }
      return res;
    };
    const dhanam = new Dhanam({ baseUrl: BASE, fetch: slow, accessToken: signedUp.tokens!.accessToken });
    const slowRead = dhanam.spaces.list();
    await readServed;
    const space = await dhanam.spaces.create({ name: "Written", type: "personal", currency: "USD" });
    const afterWrite = dhanam.bookmark!;
    release();
    const readBookmark = await slowRead.then(() => sent[0]!);
    expect(readBookmark.bookmark).toBeNull();
    // The write's bookmark stands (the read's, older, arrived last); the next read sends it.
    expect(dhanam.bookmark).toBe(afterWrite);
    await dhanam.spaces.get(space.id);
    expect(sent.at(-1)!.bookmark).toBe(afterWrite);
  });

  it("opts out with bookmarks: false; a caller's own header stands; a bookmark the server refuses is dropped and the call sent again", async () => {
    const { dhanam: signedUp } = await registered();
    const ip = nextIp();
    const token = signedUp.tokens!.accessToken;
    const off: { sent: string | null; received: string | null; path: string; status: number }[] = [];
    const noBookmarks = new Dhanam({ baseUrl: BASE, fetch: bookmarkFetch(ip, off), accessToken: token, bookmarks: false });
    await noBookmarks.spaces.list();
    await noBookmarks.spaces.list();
    expect(off.map((e) => e.sent)).toEqual([null, null]);
    expect(off.every((e) => e.received)).toBe(true);
    expect(noBookmarks.bookmark).toBeUndefined();

    // A header the caller sets is sent as it is.
    const own: typeof off = [];
    const withOwn = new Dhanam({ baseUrl: BASE, fetch: bookmarkFetch(ip, own), accessToken: token });
    await withOwn.spaces.list();
    const first = own[0]!.received!;
    await withOwn.request("get", "/v1/spaces", { headers: { "X-D1-Bookmark": first } });
    expect(own[1]!.sent).toBe(first);

    // One persisted by an earlier run is sent; one the server does not take (a format it no longer makes) is a
    // 422 INVALID_BOOKMARK before any work, after which the client forgets it and the call goes through.
    const resumed: typeof off = [];
    const stale = new Dhanam({ baseUrl: BASE, fetch: bookmarkFetch(ip, resumed), accessToken: token, bookmark: "from-an-older-deployment" });
    const spaces = await stale.spaces.list();
    expect(Array.isArray(spaces)).toBe(true);
    expect(resumed.map((e) => [e.sent, e.status])).toEqual([["from-an-older-deployment", 422], [null, 200]]);
    expect(stale.bookmark).toBe(resumed[1]!.received);
  });
});
