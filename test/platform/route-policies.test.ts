/**
 * Every operation of the API under the rate-limit policy API.md gives it, checked through the real app: the
 * table below is API.md's route table (plus the operations the API has beyond it, each marked), and the test
 * fails for an operation of the OpenAPI document or the router that the table does not name, so a new route
 * cannot skip its limiter unnoticed. The policy shows in X-RateLimit-Limit (auth 10, general 1000, sync 5,
 * bulk 100 per window: four distinct numbers); a route outside every policy sends none.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { POLICIES, PROVIDER_LINK_LIMITS, type Policy } from "../../src/lib/rate-limits";
import { call, callJson, createSpace, registerUser, type TestUser } from "../helpers";

type Expected = Policy | "none";
/**
 * `sync-in-service`: API.md's `sync`, keyed by the connection, which the service takes once it knows the caller may
 * sync it (test/providers/sync-rate-limit.test.ts); before that the request counts toward the caller's `general`.
 */
type Row = Expected | "sync-in-service";

const ROUTES: Record<string, Row> = {
  // meta
  "GET /v1/health": "none",
  "GET /openapi.json": "none",
  "GET /docs": "none",
  // auth
  "POST /v1/auth/register": "auth",
  "POST /v1/auth/login": "auth",
  "POST /v1/auth/refresh": "auth",
  "POST /v1/auth/logout": "general",
  "GET /v1/auth/me": "general",
  "POST /v1/auth/2fa/setup": "auth",
  "POST /v1/auth/2fa/enable": "auth",
  "POST /v1/auth/2fa/verify": "auth",
  "POST /v1/auth/2fa/disable": "auth",
  "PATCH /v1/auth/me": "general", // beyond API.md
  "POST /v1/auth/password": "auth", // beyond API.md: a password guess, as 2FA's routes
  "GET /v1/auth/sessions": "general", // beyond API.md
  "DELETE /v1/auth/sessions/{sessionId}": "general", // beyond API.md
  "POST /v1/auth/sessions/revoke-others": "general", // beyond API.md
  // spaces
  "GET /v1/spaces": "general",
  "POST /v1/spaces": "general",
  "GET /v1/spaces/{spaceId}": "general",
  "PATCH /v1/spaces/{spaceId}": "general",
  "DELETE /v1/spaces/{spaceId}": "general",
  "POST /v1/spaces/{spaceId}/owner": "general", // beyond API.md
  "DELETE /v1/spaces/{spaceId}/owner/offer": "general", // beyond API.md
  "POST /v1/spaces/{spaceId}/owner/accept": "general", // beyond API.md
  "GET /v1/spaces/{spaceId}/members": "general",
  "POST /v1/spaces/{spaceId}/members": "general",
  "PATCH /v1/spaces/{spaceId}/members/{userId}": "general",
  "DELETE /v1/spaces/{spaceId}/members/{userId}": "general",
  // accounts
  "GET /v1/accounts": "general",
  "POST /v1/accounts": "general",
  "GET /v1/accounts/summary": "general",
  "GET /v1/accounts/{accountId}": "general",
  "PATCH /v1/accounts/{accountId}": "general",
  "DELETE /v1/accounts/{accountId}": "general",
  "POST /v1/accounts/sync": "sync-in-service",
  "GET /v1/sync-jobs/{jobId}": "sync-in-service",
  "GET /v1/accounts/{accountId}/transactions": "general",
  "GET /v1/accounts/{accountId}/ledger": "general",
  // transactions
  "GET /v1/transactions": "general",
  "GET /v1/transactions/{id}": "general",
  "POST /v1/transactions": "general",
  "PATCH /v1/transactions/{id}": "general",
  "DELETE /v1/transactions/{id}": "general",
  "POST /v1/transactions/transfer": "general",
  "POST /v1/transactions/bulk-categorize": "bulk",
  "GET /v1/trades": "general",
  // ledger
  "GET /v1/spaces/{spaceId}/ledger/transactions": "general",
  "POST /v1/spaces/{spaceId}/ledger/transactions": "general",
  "POST /v1/spaces/{spaceId}/ledger/transactions/batch": "bulk",
  "GET /v1/spaces/{spaceId}/ledger/transactions/{txid}": "general",
  "POST /v1/spaces/{spaceId}/ledger/transactions/{txid}/revert": "general",
  "PUT /v1/spaces/{spaceId}/ledger/transactions/{txid}/metadata": "general",
  "GET /v1/spaces/{spaceId}/ledger/accounts": "general",
  "GET /v1/spaces/{spaceId}/ledger/accounts/{address}": "general",
  "POST /v1/spaces/{spaceId}/ledger/accounts/{address}/metadata": "general", // beyond API.md
  "GET /v1/spaces/{spaceId}/ledger/balances": "general",
  "GET /v1/spaces/{spaceId}/ledger/stats": "general",
  "GET /v1/spaces/{spaceId}/ledger/logs": "general",
  "GET /v1/spaces/{spaceId}/ledger/logs/verify": "general",
  // budgets
  "GET /v1/budgets": "general",
  "POST /v1/budgets": "general",
  "GET /v1/budgets/{id}": "general",
  "PATCH /v1/budgets/{id}": "general",
  "DELETE /v1/budgets/{id}": "general",
  // categories
  "GET /v1/categories": "general",
  "POST /v1/categories": "general",
  "PATCH /v1/categories/{id}": "general",
  "DELETE /v1/categories/{id}": "general",
  "POST /v1/categories/apply-rules": "general",
  // ml
  "GET /v1/ml/corrections": "general",
  "POST /v1/ml/corrections": "general",
  "POST /v1/ml/predict": "general",
  "POST /v1/ml/retrain": "bulk",
  "GET /v1/ml/jobs/{jobId}": "bulk",
  // providers
  "POST /v1/providers/plaid/link-token": "sync",
  "POST /v1/providers/plaid/exchange-token": "sync",
  "POST /v1/providers/belvo/link": "sync",
  "POST /v1/providers/belvo/connect": "sync",
  "POST /v1/providers/belvo/repair": "sync", // beyond API.md
  "POST /v1/providers/bitso/connect": "sync",
  "POST /v1/providers/bitso/sync": "sync",
  "GET /v1/providers/connections": "general",
  "DELETE /v1/providers/connections/{connectionId}": "general",
  "GET /v1/providers/review-flags": "general", // beyond API.md
  "POST /v1/providers/review-flags/{flagId}/resolve": "general", // beyond API.md
  "POST /v1/providers/plaid/webhook": "none",
  "POST /v1/providers/belvo/webhook": "none",
  // webhooks
  "GET /v1/webhooks": "general",
  "POST /v1/webhooks": "general",
  "GET /v1/webhooks/{id}": "general", // beyond API.md
  "PATCH /v1/webhooks/{id}": "general",
  "DELETE /v1/webhooks/{id}": "general",
  "GET /v1/webhooks/{id}/deliveries": "general",
  "POST /v1/webhooks/{id}/test": "general",
  // assets and documents
  "GET /v1/assets": "general",
  "POST /v1/assets": "general",
  "GET /v1/assets/{assetId}": "general",
  "PATCH /v1/assets/{assetId}": "general",
  "DELETE /v1/assets/{assetId}": "general",
  "GET /v1/assets/{assetId}/valuations": "general",
  "POST /v1/assets/{assetId}/valuations": "general",
  "POST /v1/assets/{assetId}/documents/upload-url": "general",
  "GET /v1/assets/{assetId}/documents": "general",
  "DELETE /v1/assets/{assetId}/documents/{documentId}": "general",
  "PUT /v1/uploads/{token}": "none",
  "GET /v1/downloads/{token}": "none",
  // real estate, collectibles
  "GET /v1/real-estate/{assetId}/zestimate": "general",
  "POST /v1/real-estate/lookup": "general",
  "POST /v1/real-estate/{assetId}/sync": "general",
  "GET /v1/collectibles/categories": "general",
  "GET /v1/collectibles/search": "general",
  "POST /v1/assets/{assetId}/collectible-link": "general",
  "DELETE /v1/assets/{assetId}/collectible-link": "general",
  "POST /v1/assets/{assetId}/collectible-refresh": "general",
  // esg, defi, gaming
  "GET /v1/esg/scores": "general",
  "GET /v1/esg/methodology": "general",
  "POST /v1/esg/snapshots": "general", // beyond API.md
  "GET /v1/defi/positions": "sync",
  "POST /v1/defi/wallets": "sync",
  "POST /v1/defi/sync": "sync",
  "DELETE /v1/defi/wallets/{walletId}": "sync", // beyond API.md (DeFi's routes are all `sync`)
  "GET /v1/gaming/portfolio": "general",
  "GET /v1/gaming/platforms": "general",
  "GET /v1/gaming/earnings": "general",
  "GET /v1/gaming/nfts": "general",
  "GET /v1/gaming/platforms/{platform}/positions": "general",
  // households and life beat
  "GET /v1/households": "general",
  "POST /v1/households": "general",
  "GET /v1/households/{householdId}": "general",
  "POST /v1/households/{householdId}/members": "general",
  "DELETE /v1/households/{householdId}/members/{memberId}": "general", // beyond API.md
  "POST /v1/households/invitations/{token}/accept": "general",
  "GET /v1/life-beat": "general",
  "PUT /v1/life-beat": "general",
  "POST /v1/life-beat/check-in": "general",
  "POST /v1/life-beat/emergency-access": "general",
  "GET /v1/life-beat/access-log": "general",
  // projections, analytics, rates
  "GET /v1/projections": "general",
  "POST /v1/projections": "general",
  "GET /v1/projections/scenarios": "general",
  "POST /v1/projections/compare": "general",
  "DELETE /v1/projections/scenarios/{scenarioId}": "general", // beyond API.md (makes room under the 500-scenario cap)
  "GET /v1/analytics/dashboard": "general",
  "GET /v1/analytics/forecast": "general",
  "GET /v1/analytics/net-worth": "general",
  "GET /v1/analytics/recurring": "general",
  "PATCH /v1/analytics/recurring/{seriesId}": "general",
  "GET /v1/rates": "general",
  "GET /v1/spaces/{spaceId}/rates": "general",
  "PUT /v1/spaces/{spaceId}/rates": "general",
};

/** Routes of the router that are no API operation: the sandbox's stand-ins for providers (PROVIDER_MODE=sandbox only). */
const NOT_OPERATIONS = new Set(["GET /sandbox/rates/v1/rates/{date}"]);

/** Routes that need no bearer token (API.md's Conventions). */
const PUBLIC = new Set([
  "GET /v1/health", "GET /openapi.json", "GET /docs", "POST /v1/auth/register", "POST /v1/auth/login", "POST /v1/auth/refresh",
  "POST /v1/providers/plaid/webhook", "POST /v1/providers/belvo/webhook", "PUT /v1/uploads/{token}", "GET /v1/downloads/{token}",
  "GET /v1/esg/methodology",
]);

/** Operations that end the caller's session or change its password: each gets a user of its own. */
const ENDS_SESSION = new Set(["POST /v1/auth/logout", "POST /v1/auth/sessions/revoke-others", "POST /v1/auth/password"]);

const LIMIT_OF: Record<Expected, string | null> = {
  auth: String(POLICIES.auth.limit),
  general: String(POLICIES.general.limit),
  sync: String(POLICIES.sync.limit),
  bulk: String(POLICIES.bulk.limit),
  none: null,
};

async function documentOperations(): Promise<string[]> {
  const doc = (await callJson("/openapi.json")).body;
  return Object.entries<Record<string, unknown>>(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops).filter((m) => ["get", "post", "put", "patch", "delete"].includes(m)).map((m) => `${m.toUpperCase()} ${path}`),
  );
}

describe("rate-limit policies by route", () => {
  it("names every operation of the OpenAPI document and every route of the router, and nothing else", async () => {
    const documented = await documentOperations();
    const routed = [
      ...new Set(
        app.routes
          .filter((r) => r.method !== "ALL")
          .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`)
          .filter((k) => !NOT_OPERATIONS.has(k)),
      ),
    ];
    const unnamed = [...new Set([...documented, ...routed])].filter((k) => !(k in ROUTES));
    expect(unnamed, "routes with no policy in this table (API.md): add them with the policy API.md gives").toEqual([]);
    const gone = Object.keys(ROUTES).filter((k) => !documented.includes(k) && !routed.includes(k));
    expect(gone).toEqual([]);
    // Every operation but the document and its page is in the document.
    expect(routed.filter((k) => !documented.includes(k)).sort()).toEqual(["GET /docs", "GET /openapi.json"]);
  });

  it("reports each route's policy in X-RateLimit-Limit, as API.md gives it", { timeout: 120_000 }, async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const wrong: string[] = [];
    for (const [op, row] of Object.entries(ROUTES)) {
      const [method, template] = op.split(" ") as [string, string];
      const path = template.replace("{spaceId}", space.id).replace(/\{[^}]+\}/g, "zz_1");
      const caller: TestUser = ENDS_SESSION.has(op) ? await registerUser() : u;
      const res = await call(path, {
        method,
        token: PUBLIC.has(op) ? undefined : caller.accessToken,
        ip: caller.ip,
        body: method === "GET" || method === "DELETE" ? undefined : {},
      });
      await res.arrayBuffer();
      const expected = LIMIT_OF[row === "sync-in-service" ? "general" : row];
      const got = res.headers.get("x-ratelimit-limit");
      if (got !== expected) wrong.push(`${op}: X-RateLimit-Limit ${got}, expected ${expected} (${row}); status ${res.status}`);
      if (res.status >= 500) wrong.push(`${op}: ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it("answers every route that needs a token with 401 before its limiter: a caller without one spends nobody's bucket", { timeout: 120_000 }, async () => {
    const wrong: string[] = [];
    for (const op of Object.keys(ROUTES)) {
      if (PUBLIC.has(op)) continue;
      const [method, template] = op.split(" ") as [string, string];
      const res = await call(template.replace(/\{[^}]+\}/g, "zz_1"), {
        method,
        ip: "198.51.100.77",
        body: method === "GET" || method === "DELETE" ? undefined : {},
      });
      await res.arrayBuffer();
      if (res.status !== 401 || res.headers.has("x-ratelimit-limit")) wrong.push(`${op}: ${res.status} limit=${res.headers.get("x-ratelimit-limit")}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe("rate-limit keys", () => {
  it("gives an operation one sync bucket however its path is spelled: escapes the router decodes open no fresh bucket", { timeout: 60_000 }, async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const linkToken = (spelling: string) => call(`/v1/providers/plaid/${spelling}`, { token: u.accessToken, ip: u.ip, body: { spaceId: space.id } });
    for (let i = 0; i < POLICIES.sync.limit; i++) expect((await linkToken("link-token")).status).toBe(200);
    for (const spelling of ["link-token", "link%2Dtoken", "link%2dtoken", "%6Cink-token", "li%6Ek-token"]) {
      const res = await linkToken(spelling);
      expect(res.status, spelling).toBe(429);
      expect(res.headers.get("x-ratelimit-limit")).toBe(String(POLICIES.sync.limit));
      expect(res.headers.get("x-ratelimit-remaining")).toBe("0");
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    }
  });

  it("caps a user's links across all their spaces: opening more spaces opens no more provider calls", { timeout: 90_000 }, async () => {
    const u = await registerUser({ locale: "es" });
    const cap = PROVIDER_LINK_LIMITS.perUser.limit;
    const perSpace = POLICIES.sync.limit;
    const spaces = [];
    for (let i = 0; i < Math.ceil(cap / perSpace) + 4; i++) spaces.push(await createSpace(u, { name: `S${i}` }));
    const statuses: number[] = [];
    const started = Date.now();
    let refused: Response | undefined;
    for (const s of spaces) {
      for (let i = 0; i < perSpace; i++) {
        const res = await call("/v1/providers/plaid/link-token", { token: u.accessToken, ip: u.ip, body: { spaceId: s.id } });
        statuses.push(res.status);
        if (res.status === 429) refused ??= res;
        else await res.arrayBuffer();
      }
    }
    // The cap refills while the loop runs (a token each windowMs / limit): those few may pass too.
    const refilled = Math.ceil((Date.now() - started) / (PROVIDER_LINK_LIMITS.perUser.windowMs / cap));
    const ok = statuses.filter((st) => st === 200).length;
    expect(statuses.slice(0, cap).every((st) => st === 200)).toBe(true);
    expect(ok).toBeLessThanOrEqual(cap + refilled);
    expect(ok).toBeLessThan(spaces.length * perSpace);
    expect(statuses.filter((st) => st !== 200).every((st) => st === 429)).toBe(true);
    expect(refused!.headers.get("x-ratelimit-limit")).toBe(String(cap));
    expect(refused!.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(Number(refused!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(refused!.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000 - 1);
    const body: any = await refused!.json();
    expect(body.error.code).toBe("RATE_LIMIT_EXCEEDED");
    expect(body.error.message).toBe(`Como máximo ${cap} vinculaciones de instituciones por minuto entre todos tus espacios; vuelve a intentarlo más tarde.`);
    // Another user's links are their own.
    const other = await registerUser();
    const theirs = await createSpace(other);
    expect((await call("/v1/providers/plaid/link-token", { token: other.accessToken, ip: other.ip, body: { spaceId: theirs.id } })).status).toBe(200);
  });

  it("keys `general` by user: another space, another address or another session of the user spends the same bucket", async () => {
    const u = await registerUser();
    const [a, b] = [await createSpace(u), await createSpace(u)];
    const login = await callJson("/v1/auth/login", { ip: "198.51.100.80", body: { email: u.email, password: u.password } });
    const remaining = async (path: string, token: string, ip: string) => Number((await call(path, { token, ip })).headers.get("x-ratelimit-remaining"));
    const first = await remaining(`/v1/spaces/${a.id}`, u.accessToken, u.ip);
    expect(await remaining(`/v1/spaces/${b.id}`, u.accessToken, "198.51.100.81")).toBe(first - 1);
    expect(await remaining(`/v1/spaces/${a.id}/ledger/stats`, login.body.tokens.accessToken, "2001:db8:77::1")).toBe(first - 2);
  });

  it("lets no read do its work once the last token is spent: the next one waits for the limiter and is refused", { timeout: 60_000 }, async () => {
    const u = await registerUser();
    const limiter = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`general:user:${u.id}`));
    await limiter.take(POLICIES.general, Date.now(), POLICIES.general.limit - 1);
    const last = await call("/v1/auth/me", { token: u.accessToken, ip: u.ip });
    expect(last.status).toBe(200);
    expect(last.headers.get("x-ratelimit-remaining")).toBe("0");
    const stored = (date: string) => env.DB.prepare("SELECT COUNT(*) AS n FROM exchange_rates WHERE date = ?").bind(date).first<{ n: number }>().then((r) => r!.n);
    const date = "2019-03-07";
    expect(await stored(date)).toBe(0);
    const over = await call(`/v1/rates?base=USD&quote=MXN&date=${date}`, { token: u.accessToken, ip: u.ip });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(over.headers.get("x-ratelimit-remaining")).toBe("0");
    // The rate of that day was neither fetched nor stored.
    expect(await stored(date)).toBe(0);
  });
});
