/**
 * Rates through the real app: the provider client (over outbound, answered
 * by the sandbox simulator) stores a day's rates with their source, the daily
 * cron records today's, manual space rates win for that space and day, and
 * bad input or a bad key never becomes a 500 or a stored row.
 */
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { RatesClient } from "../../src/modules/rates/client";
import { outbound } from "../../src/lib/outbound";
import { sandboxRate as rawRate } from "../../src/sandbox/rates";
import { canonicalRate } from "../../src/modules/rates/exact";

/** The simulator's rate as stored: canonical decimal text (no trailing zeros). */
const sandboxRate = (symbol: string, date: string) => canonicalRate(rawRate(symbol, date)!);
import { addMember, callJson, createSpace, registerUser, type TestUser } from "../helpers";

const as = (u: TestUser) => ({
  get: (path: string) => callJson(path, { token: u.accessToken, ip: u.ip }),
  put: (path: string, body: unknown) => callJson(path, { method: "PUT", token: u.accessToken, ip: u.ip, body }),
});

describe("GET /v1/rates", () => {
  it("fetches a past day from the provider once, stores it with its source, and answers exactly", async () => {
    const u = await registerUser();
    const r = await as(u).get("/v1/rates?base=USD&quote=MXN&date=2024-02-14");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ base: "USD", quote: "MXN", date: "2024-02-14", rate: sandboxRate("MXN", "2024-02-14"), exact: true, derivation: "direct" });
    expect(r.body.ratesUsed[0].source).toBe("sandbox-fx");
    const stored = await env.DB.prepare("SELECT rate, source FROM exchange_rates WHERE base = 'USD' AND quote = 'MXN' AND date = '2024-02-14'").first();
    expect(stored).toEqual({ rate: sandboxRate("MXN", "2024-02-14"), source: "sandbox-fx" });

    // The inverse is derived (12 significant digits, marked inexact) from the same stored rate.
    const inv = await as(u).get("/v1/rates?base=MXN&quote=USD&date=2024-02-14");
    expect(inv.body).toMatchObject({ exact: false, derivation: "inverse" });
    // 0.05…: 12 significant digits, 13 decimals.
    expect(inv.body.rate).toMatch(/^0\.0[1-9]\d{11}$/);
    // Cross through USD.
    const cross = await as(u).get("/v1/rates?base=MXN&quote=EUR&date=2024-02-14");
    expect(cross.body.derivation).toBe("cross via USD");
    expect(cross.body.ratesUsed).toHaveLength(2);
  });

  it("refuses future days, unknown currencies and a pair of one currency with 422", async () => {
    const u = await registerUser();
    for (const q of ["base=USD&quote=MXN&date=2999-01-01", "base=XXX&quote=MXN", "base=USD&quote=USD", "base=USD&quote=MXN&date=2024-13-01"]) {
      const r = await as(u).get(`/v1/rates?${q}`);
      expect(r.status, q).toBe(422);
      expect(r.body.error.code).toBe("VALIDATION_FAILED");
    }
  });

  it("answers a coin's pair with the market feed's price, as analytics values it", async () => {
    const u = await registerUser();
    // BTC is a currency with no provider rate; SOL is a coin only. Today and a past day; the inverse is derived.
    for (const q of ["base=BTC&quote=MXN", "base=SOL&quote=USD&date=2026-11-02", "base=MXN&quote=ETH&date=2026-11-02"]) {
      const r = await as(u).get(`/v1/rates?${q}`);
      expect(r.status, q).toBe(200);
      expect(r.body.rate, q).toMatch(/^\d+(\.\d+)?$/);
      expect(r.body.ratesUsed, q).toEqual([expect.objectContaining({ source: expect.stringMatching(/^market:/) })]);
      expect(r.body.notes, q).toEqual([]);
    }
    expect((await as(u).get("/v1/rates?base=MXN&quote=ETH&date=2026-11-02")).body.derivation).toBe("inverse");
    // A coin against a coin, or a coin as the quote of nothing fiat, stays without a rate (and says so).
    const coins = await as(u).get("/v1/rates?base=BTC&quote=ETH&date=2026-11-02");
    expect([coins.status, coins.body.rate]).toEqual([200, null]);
    expect((await as(u).get("/v1/rates?base=USD&quote=SOL")).status).toBe(422);
  });

  it("needs a signed-in user", async () => {
    expect((await callJson("/v1/rates?base=USD&quote=MXN")).status).toBe(401);
  });
});

describe("the rates client", () => {
  it("reports a refused key as a provider error (the simulator checks the bearer key)", async () => {
    const client = new RatesClient(env.RATES_BASE_URL, "wrong-key", outbound(env));
    await expect(client.daily("2024-02-14", "USD", ["MXN"])).rejects.toMatchObject({ status: 502, code: "PROVIDER_ERROR" });
    const ok = await RatesClient.fromEnv(env).daily("2024-02-14", "USD", ["MXN", "EUR"]);
    expect(ok).toEqual({ base: "USD", date: "2024-02-14", source: "sandbox-fx", rates: { MXN: sandboxRate("MXN", "2024-02-14"), EUR: sandboxRate("EUR", "2024-02-14") } });
    // A day with no rates (the future) is null, not an error.
    expect(await RatesClient.fromEnv(env).daily("2999-01-01", "USD", ["MXN"])).toBeNull();
  });
});

describe("the daily rates cron", () => {
  it("records today's provider rates", async () => {
    const now = Date.now();
    const today = new Date(now).toISOString().slice(0, 10);
    await env.DB.prepare("DELETE FROM exchange_rates WHERE date = ?").bind(today).run();
    await worker.scheduled!(createScheduledController({ scheduledTime: now, cron: "0 3 * * *" }) as ScheduledController, env);
    const rows = await env.DB.prepare("SELECT quote, rate, source FROM exchange_rates WHERE base = 'USD' AND date = ? ORDER BY quote").bind(today).all<{ quote: string; rate: string; source: string }>();
    expect(rows.results.map((r) => r.quote)).toContain("MXN");
    expect(rows.results.find((r) => r.quote === "MXN")!.rate).toBe(sandboxRate("MXN", today));
    expect(new Set(rows.results.map((r) => r.source))).toEqual(new Set(["sandbox-fx"]));
  });
});

describe("manual space rates", () => {
  it("are set by members, read by viewers, hidden from outsiders, and validated", async () => {
    const [owner, viewer, outsider] = await Promise.all([registerUser(), registerUser(), registerUser()]);
    const space = await createSpace(owner);
    await addMember(owner, space.id, viewer, "viewer");
    const body = { rates: [{ base: "USD", quote: "MXN", date: "2024-03-01", rate: "17.05" }, { base: "USD", quote: "EUR", date: "2024-03-01", rate: 0.5 }] };
    expect((await as(owner).put(`/v1/spaces/${space.id}/rates`, body)).body).toEqual({ spaceId: space.id, updated: 2, removed: 0 });
    expect((await as(viewer).put(`/v1/spaces/${space.id}/rates`, body)).status).toBe(403);
    expect((await as(outsider).put(`/v1/spaces/${space.id}/rates`, body)).status).toBe(404);
    expect((await as(outsider).get(`/v1/spaces/${space.id}/rates`)).status).toBe(404);
    const listed = await as(viewer).get(`/v1/spaces/${space.id}/rates`);
    expect(listed.body.rates.map((r: any) => `${r.base}/${r.quote}@${r.date}=${r.rate}:${r.source}`)).toEqual(["USD/EUR@2024-03-01=0.5:manual", "USD/MXN@2024-03-01=17.05:manual"]);

    for (const rate of ["0", "-1", "1e3", "abc", "1.1234567890123"]) {
      const r = await as(owner).put(`/v1/spaces/${space.id}/rates`, { rates: [{ base: "USD", quote: "MXN", date: "2024-03-02", rate }] });
      expect(r.status, rate).toBe(422);
    }
    expect((await as(owner).put(`/v1/spaces/${space.id}/rates`, { rates: [{ base: "USD", quote: "USD", date: "2024-03-02", rate: "1" }] })).status).toBe(422);
    // Removing one.
    expect((await as(owner).put(`/v1/spaces/${space.id}/rates`, { rates: [{ base: "USD", quote: "EUR", date: "2024-03-01", rate: null }] })).body.removed).toBe(1);
    expect((await as(viewer).get(`/v1/spaces/${space.id}/rates`)).body.rates).toHaveLength(1);
    // Removing one that is not there removes nothing, and says so.
    expect((await as(owner).put(`/v1/spaces/${space.id}/rates`, { rates: [{ base: "GBP", quote: "JPY", date: "2024-03-01", rate: null }] })).body.removed).toBe(0);
    // A pair is one pair either way round: both in one request are refused; set one way, it replaces the other.
    const both = await as(owner).put(`/v1/spaces/${space.id}/rates`, { rates: [{ base: "USD", quote: "MXN", date: "2024-03-05", rate: "17.5" }, { base: "MXN", quote: "USD", date: "2024-03-05", rate: "0.5" }] });
    expect(both.status).toBe(422);
    expect(both.body.error.details[0]).toMatchObject({ field: "rates.1.date", code: "DUPLICATE" });
    expect((await as(owner).put(`/v1/spaces/${space.id}/rates`, { rates: [{ base: "MXN", quote: "USD", date: "2024-03-01", rate: "0.058" }] })).status).toBe(200);
    const after = await as(viewer).get(`/v1/spaces/${space.id}/rates`);
    expect(after.body.rates.map((r: any) => `${r.base}/${r.quote}@${r.date}=${r.rate}`)).toEqual(["MXN/USD@2024-03-01=0.058"]);
    // And removed either way round.
    expect((await as(owner).put(`/v1/spaces/${space.id}/rates`, { rates: [{ base: "USD", quote: "MXN", date: "2024-03-01", rate: null }] })).body.removed).toBe(1);
    expect((await as(viewer).get(`/v1/spaces/${space.id}/rates`)).body.rates).toEqual([]);
  });

  it("take 100 rates in one request (past D1's 100 bound parameters) and list them", async () => {
    const owner = await registerUser();
    const space = await createSpace(owner);
    const rates = Array.from({ length: 100 }, (_, i) => ({ base: "USD", quote: "MXN", date: `2023-${String(1 + Math.floor(i / 28)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`, rate: `17.${String(i).padStart(2, "0")}` }));
    const r = await as(owner).put(`/v1/spaces/${space.id}/rates`, { rates });
    expect(r.status).toBe(200);
    expect(r.body.updated).toBe(100);
    expect((await as(owner).get(`/v1/spaces/${space.id}/rates?from=2023-01-01&to=2023-12-31`)).body.rates).toHaveLength(100);
    expect((await as(owner).put(`/v1/spaces/${space.id}/rates`, { rates: [...rates, rates[0]] })).status).toBe(422); // 101 > max
  });
});
