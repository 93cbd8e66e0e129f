/**
 * ESG scores through the real app: portfolio scores weighted by market value
 * (hand-computed below), unscored assets listed and excluded, stale prices
 * flagged, the methodology matching the code, and daily snapshots as trends.
 */
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { createDb } from "../../src/db/client";
import { ESG_DATASET } from "../../src/modules/esg/dataset";
import { computeEsg } from "../../src/modules/esg/service";
import { energyPoints, grade, renewablePoints, scoreAsset } from "../../src/modules/esg/scoring";
import { priceDay } from "../../src/modules/prices/service";
import { sandboxPrice } from "../../src/sandbox/prices";
import { createAccount } from "../accounts/helpers";
import { addMember, callJson, createSpace, eventually, registerUser, type TestUser } from "../helpers";
import { svcAt } from "../documents/helpers";
import { snapshotQueuedSpace } from "../../src/modules/esg/service";

const DAY = 86_400_000;

async function setPrice(symbol: string, quote: string, price: string, asOf = Date.now()) {
  await env.DB.prepare(
    "INSERT OR REPLACE INTO market_prices (symbol, quote, day, price_decimal, source, as_of, fetched_at) VALUES (?, ?, ?, ?, 'test', ?, ?)",
  ).bind(symbol, quote, priceDay(Date.now()), price, asOf, Date.now()).run();
}

/** A crypto account in an asset the public account API does not list yet (fixture rows, as a provider sync would write). */
async function rawCryptoAccount(spaceId: string, currency: string, scale: number, minor: number) {
  const id = `acc_raw${crypto.randomUUID().replace(/-/g, "").slice(0, 18)}`;
  const now = Date.now();
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO accounts (id, space_id, name, type, currency, provider, is_active, allow_overdraft, transaction_count, created_at, updated_at) VALUES (?, ?, ?, 'crypto', ?, 'manual', 1, 0, 0, ?, ?)",
    ).bind(id, spaceId, currency, currency, now, now),
    env.DB.prepare("INSERT INTO ledger_volumes (space_id, address, asset, input, output) VALUES (?, ?, ?, ?, 0)").bind(spaceId, `accounts:${id}`, `${currency}/${scale}`, minor),
  ]);
  return id;
}

async function cryptoSpace(currency = "USD") {
  const user = await registerUser();
  const space = await createSpace(user, { currency });
  await createAccount(user, space.id, { name: "Bitcoin", type: "crypto", currency: "BTC", openingBalance: "0.025" });
  await createAccount(user, space.id, { name: "Ether", type: "crypto", currency: "ETH", openingBalance: "5.5" });
  await createAccount(user, space.id, { name: "Checking", type: "checking", currency, openingBalance: "100.00" });
  return { user, spaceId: space.id };
}

const scores = (u: TestUser, spaceId: string) => callJson(`/v1/esg/scores?spaceId=${spaceId}`, { token: u.accessToken, ip: u.ip });

describe("ESG scoring rules", () => {
  it("scores BTC and ETH from their factors", () => {
    const btc = scoreAsset(ESG_DATASET.assets.find((a) => a.symbol === "BTC")!);
    // E: proof-of-work 0 + 707,000 Wh/tx 0 + 52.4% renewable -> 7.86 -> 8; S 19+16+24+18; G 17+24+18+22
    expect(btc).toMatchObject({ environmental: 8, social: 77, governance: 81, overall: 51, grade: "D" }); // 0.4*8+0.3*77+0.3*81 = 50.6
    const eth = scoreAsset(ESG_DATASET.assets.find((a) => a.symbol === "ETH")!);
    // E: proof-of-stake 25 + 30 Wh/tx 44 + unknown renewable 0
    expect(eth).toMatchObject({ environmental: 69, social: 85, governance: 81, overall: 77, grade: "B" }); // 77.4
  });

  it("grades on seed 000's bands and scores energy and renewables by the documented bands", () => {
    expect([100, 90, 89, 80, 79, 70, 69, 60, 59, 40, 39, 0].map(grade)).toEqual(["A+", "A+", "A", "A", "B", "B", "C", "C", "D", "D", "F", "F"]);
    expect([null, 0.5, 1, 9.99, 10, 99, 100, 999, 1000, 9999, 10_000, 99_999, 100_000].map(energyPoints)).toEqual([0, 60, 52, 52, 44, 44, 30, 30, 18, 18, 8, 8, 0]);
    expect([null, 0, 3.3, 3.4, 52.4, 100].map(renewablePoints)).toEqual([0, 0, 0, 1, 8, 15]);
  });

  it("has at least 30 assets, each factor with a unit, a source and a date", () => {
    expect(ESG_DATASET.assets.length).toBeGreaterThanOrEqual(30);
    expect(new Set(ESG_DATASET.assets.map((a) => a.symbol)).size).toBe(ESG_DATASET.assets.length);
    for (const a of ESG_DATASET.assets) {
      for (const f of [a.energyPerTransaction, a.carbonFootprint, a.renewableShare]) {
        expect(f.unit.length).toBeGreaterThan(0);
        expect(f.source.length).toBeGreaterThan(10);
        expect(f.date).toMatch(/^\d{4}-\d{2}(-\d{2})?$/);
      }
      expect(a.consensus.length).toBeGreaterThan(0);
      for (const x of [...a.social, ...a.governance]) expect(x >= 0 && x <= 25).toBe(true);
    }
  });
});

describe("GET /v1/esg/scores", () => {
  it("weights each holding by quantity × price (hand-computed)", async () => {
    await setPrice("BTC", "USD", "50000");
    await setPrice("ETH", "USD", "1500");
    const { user, spaceId } = await cryptoSpace();
    const { status, body } = await scores(user, spaceId);
    expect(status).toBe(200);
    // 0.025 BTC × 50,000 = 1,250.00; 5.5 ETH × 1,500 = 8,250.00; total 9,500.00
    expect(body.scores.map((s: any) => [s.symbol, s.valueDecimal, s.weightDecimal, s.balanceDecimal])).toEqual([
      ["ETH", "8250.00", "0.8684", "5.50000000"],
      ["BTC", "1250.00", "0.1316", "0.02500000"],
    ]);
    expect(body.scoredValueDecimal).toBe("9500.00");
    // E = (1250×8 + 8250×69)/9500 = 60.97 -> 61; S = (1250×77 + 8250×85)/9500 = 83.95 -> 84; G = 81;
    // overall = (1250×50.6 + 8250×77.4)/9500 = 73.87 -> 74 (B)
    expect(body.portfolioScore).toEqual({ environmental: 61, social: 84, governance: 81, overall: 74, grade: "B" });
    expect(body.scores[1]).toMatchObject({ symbol: "BTC", name: "Bitcoin", environmental: 8, overall: 51, grade: "D", energyIntensity: 707000, energyIntensityUnit: "Wh/tx", balanceUSD: 1250, priceStale: false });
    expect(body.unscored).toEqual([]);
    expect(body.stalePrices).toEqual([]);
    // Impact: carbon 335.8 (BTC) and 0.01425 (ETH) kgCO2e/tx weighted 1250:8250; renewables known for BTC only; ETH is proof-of-stake.
    expect(body.impactMetrics.totalCarbonFootprint).toBeCloseTo((1250 * 335.8 + 8250 * 0.01425) / 9500, 3);
    expect(body.impactMetrics).toMatchObject({ renewableEnergyScore: 52, renewableCoveragePercent: 13.15, carbonCoveragePercent: 100, lowCarbonAllocation: 87 });
  });

  it("lists assets it cannot score and leaves them out of every weight", async () => {
    await setPrice("BTC", "USD", "50000");
    await setPrice("ETH", "USD", "1500");
    const { user, spaceId } = await cryptoSpace();
    await rawCryptoAccount(spaceId, "SAND", 8, 1_000_000_000_000); // 10,000 SAND: priced, not in the ESG data set
    await rawCryptoAccount(spaceId, "ZZQ", 8, 500_000_000); // no data, no price
    const { body } = await scores(user, spaceId);
    expect(body.portfolioScore).toEqual({ environmental: 61, social: 84, governance: 81, overall: 74, grade: "B" });
    expect(body.scoredValueDecimal).toBe("9500.00");
    expect(body.scores.map((s: any) => s.symbol)).toEqual(["ETH", "BTC"]);
    const unscored = Object.fromEntries(body.unscored.map((u: any) => [u.symbol, u]));
    expect(unscored.SAND).toMatchObject({ reason: "not-in-dataset", balanceDecimal: "10000.00000000", priceStale: false });
    expect(unscored.SAND.valueDecimal).toMatch(/^\d+\.\d{2}$/);
    expect(unscored.ZZQ).toMatchObject({ reason: "not-in-dataset", balanceDecimal: "5.00000000", value: null, valueDecimal: null, priceStale: null });
  });

  it("scores coins bought in a brokerage account as well as those in coin wallets", async () => {
    await setPrice("BTC", "USD", "50000");
    await setPrice("ETH", "USD", "1500");
    const { user, spaceId } = await cryptoSpace();
    const broker = await createAccount(user, spaceId, { name: "Broker", type: "investment", currency: "USD", openingBalance: "5000.00" });
    const buy = await callJson("/v1/transactions", {
      token: user.accessToken, ip: user.ip,
      body: { spaceId, accountId: broker.id, description: "Buy ETH", date: "2026-01-05", trade: { symbol: "ETH", side: "buy", quantity: "1", unitPrice: "1500.00" } },
    });
    expect(buy.status).toBe(201);
    const { body } = await scores(user, spaceId);
    // 0.025 BTC × 50,000 + (5.5 + 1) ETH × 1,500: the brokerage's ether is weighed with the wallet's.
    expect(body.scoredValueDecimal).toBe("11000.00");
    expect(body.scores.map((s: any) => s.symbol)).toEqual(["ETH", "BTC"]);
    expect(body.unscored).toEqual([]);
  });

  it("lists a data-set asset the market cannot price as unscored (no-price), never a made-up value", async () => {
    const { spaceId } = await cryptoSpace("JPY");
    const svc = { env: { ...env, PRICES_API_KEY: "CG-invalid" } as Env, db: createDb(env.DB), clock: { now: () => Date.now() } };
    const report = await computeEsg(svc, { id: spaceId, currency: "JPY", timezone: "UTC" });
    expect(report.portfolioScore).toBeNull();
    expect(report.scores).toEqual([]);
    expect(report.unscored.map((u) => [u.symbol, u.reason, u.value])).toEqual([["BTC", "no-price", null], ["ETH", "no-price", null]]);
  });

  it("flags prices more than a day old", async () => {
    await setPrice("BTC", "GBP", "40000", Date.now() - 2 * DAY);
    const { user, spaceId } = await cryptoSpace("GBP");
    const { status, body } = await scores(user, spaceId);
    expect(status).toBe(200);
    const btc = body.scores.find((s: any) => s.symbol === "BTC");
    expect(btc).toMatchObject({ priceStale: true, valueDecimal: "1000.00", currency: "GBP" });
    expect(btc.price).toMatchObject({ priceDecimal: "40000", quote: "GBP", stale: true });
    expect(body.scores.find((s: any) => s.symbol === "ETH").priceStale).toBe(false); // fetched from the market API today
    expect(body.stalePrices).toEqual(["BTC"]);
  });

  it("gives a space with no crypto no score rather than an invented one", async () => {
    const user = await registerUser();
    const space = await createSpace(user);
    const { status, body } = await scores(user, space.id);
    expect(status).toBe(200);
    expect(body).toMatchObject({ portfolioScore: null, scores: [], unscored: [], trends: [], scoredValueDecimal: "0.00" });
  });

  it("is 404 to a non-member and 401 without a token", async () => {
    const { spaceId } = await cryptoSpace();
    const outsider = await registerUser();
    expect((await scores(outsider, spaceId)).status).toBe(404);
    expect((await callJson(`/v1/esg/scores?spaceId=${spaceId}`)).status).toBe(401);
  });
});

describe("ESG trends", () => {
  it("the daily cron snapshots portfolio scores once per day, and trends show them", async () => {
    await setPrice("BTC", "USD", "50000");
    await setPrice("ETH", "USD", "1500");
    const { user, spaceId } = await cryptoSpace();
    // An earlier day's snapshot, as a previous run would have stored it.
    const yesterday = priceDay(Date.now() - DAY);
    await env.DB.prepare(
      "INSERT INTO esg_snapshots (space_id, day, environmental, social, governance, overall, grade, scored_value, currency, dataset_version, created_at) VALUES (?, ?, 60, 83, 80, 73, 'B', '900000', 'USD', ?, ?)",
    ).bind(spaceId, yesterday, ESG_DATASET.version, Date.now()).run();
    // The cron sends a message per space holding crypto; the queue's consumer (this Worker) takes the snapshot.
    // Run twice: one snapshot a day all the same.
    for (let i = 0; i < 2; i++) {
      const ctrl = createScheduledController({ scheduledTime: new Date(), cron: "0 4 * * *" });
      await worker.scheduled(ctrl, env);
    }
    const { body } = await eventually(async () => {
      const r = await scores(user, spaceId);
      return r.body.trends?.length === 2 && r;
    });
    expect(body.trends).toEqual([
      { date: yesterday, environmental: 60, social: 83, governance: 80, overall: 73, grade: "B", datasetVersion: ESG_DATASET.version },
      { date: priceDay(Date.now()), environmental: 61, social: 84, governance: 81, overall: 74, grade: "B", datasetVersion: ESG_DATASET.version },
    ]);
  });

  it("a queued snapshot delivered a day late, or for a space deleted since, stores nothing", async () => {
    await setPrice("BTC", "USD", "50000");
    await setPrice("ETH", "USD", "1500");
    const { spaceId } = await cryptoSpace();
    const rows = async () => (await env.DB.prepare("SELECT day FROM esg_snapshots WHERE space_id = ?").bind(spaceId).all()).results;
    const at = Date.now();
    expect(await snapshotQueuedSpace(svcAt(at + DAY), spaceId, at)).toBe(false);
    expect(await snapshotQueuedSpace(svcAt(at), spaceId, Number.NaN)).toBe(false);
    expect(await rows()).toEqual([]);
    await env.DB.prepare("UPDATE spaces SET deleted_at = ? WHERE id = ?").bind(at, spaceId).run();
    expect(await snapshotQueuedSpace(svcAt(at), spaceId, at)).toBe(false);
    expect(await rows()).toEqual([]);
  });

  it("a queued snapshot is filed under the space's day at delivery, never the next day's holdings under the run's day", async () => {
    // The 04:00 UTC run of today's UTC day: 23:00 of the day before in Bogota (UTC-5, no DST).
    const utcMidnight = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
    const at = utcMidnight + 4 * 3_600_000;
    await setPrice("BTC", "USD", "50000", at);
    await setPrice("ETH", "USD", "1500", at);
    const { user, spaceId } = await cryptoSpace();
    const tz = await callJson(`/v1/spaces/${spaceId}`, { method: "PATCH", token: user.accessToken, ip: user.ip, body: { timezone: "America/Bogota" } });
    expect(tz.status, JSON.stringify(tz.body)).toBe(200);
    const rows = async () => (await env.DB.prepare("SELECT day FROM esg_snapshots WHERE space_id = ? ORDER BY day").bind(spaceId).all()).results;
    const runDay = new Date(utcMidnight - DAY).toISOString().slice(0, 10);
    const nextDay = new Date(utcMidnight).toISOString().slice(0, 10);
    // Ten minutes late it is still the run's day there: filed under it.
    expect(await snapshotQueuedSpace(svcAt(at + 600_000), spaceId, at)).toBe(true);
    expect(await rows()).toEqual([{ day: runDay }]);
    const kept = await env.DB.prepare("SELECT created_at FROM esg_snapshots WHERE space_id = ? AND day = ?").bind(spaceId, runDay).first();
    // Delivered again two hours late, it is 01:00 of the next day there: that day's snapshot, the run's day left as taken.
    expect(await snapshotQueuedSpace(svcAt(at + 2 * 3_600_000), spaceId, at)).toBe(true);
    expect(await rows()).toEqual([{ day: runDay }, { day: nextDay }]);
    expect(await env.DB.prepare("SELECT created_at FROM esg_snapshots WHERE space_id = ? AND day = ?").bind(spaceId, runDay).first()).toEqual(kept);
    // A message from a run still to come is no run's (a garbled body): nothing.
    expect(await snapshotQueuedSpace(svcAt(at), spaceId, at + 2 * DAY)).toBe(false);
    expect(await rows()).toEqual([{ day: runDay }, { day: nextDay }]);
  });
});

describe("POST /v1/esg/snapshots", () => {
  it("snapshots today and backfills past days from the ledger's balance at each day's end and that day's price", async () => {
    await setPrice("BTC", "USD", "50000");
    await setPrice("ETH", "USD", "1500");
    const { user, spaceId } = await cryptoSpace();
    const btcAccount = (await callJson(`/v1/accounts?spaceId=${spaceId}`, { token: user.accessToken, ip: user.ip })).body.accounts.find((a: any) => a.currency === "BTC");
    // Today 0.5 BTC more arrives: past days must not see it.
    const today = priceDay(Date.now());
    const dep = await callJson("/v1/transactions", { token: user.accessToken, ip: user.ip, body: { spaceId, accountId: btcAccount.id, amount: "0.5", description: "BTC deposit", date: today } });
    expect(dep.status).toBe(201);
    const { status, body } = await callJson("/v1/esg/snapshots", { token: user.accessToken, ip: user.ip, body: { spaceId, backfillDays: 3 } });
    expect(status).toBe(200);
    const days = [3, 2, 1].map((n) => priceDay(Date.now() - n * DAY));
    expect(body.created).toEqual([...days, today]);
    for (const day of days) {
      // Hand computation from the simulator's prices of that day and the old balance (0.025 BTC, 5.5 ETH).
      const vb = 0.025 * Number(sandboxPrice("bitcoin", "usd", day));
      const ve = 5.5 * Number(sandboxPrice("ethereum", "usd", day));
      const t = body.trends.find((x: any) => x.date === day);
      expect(t.environmental).toBe(Math.round((vb * 8 + ve * 69) / (vb + ve)));
      expect(t.social).toBe(Math.round((vb * 77 + ve * 85) / (vb + ve)));
      expect(t.overall).toBe(Math.round((vb * 50.6 + ve * 77.4) / (vb + ve)));
      const cached = await env.DB.prepare("SELECT price_decimal FROM market_prices WHERE symbol = 'BTC' AND quote = 'USD' AND day = ?").bind(day).first<{ price_decimal: string }>();
      expect(cached!.price_decimal).toBe(sandboxPrice("bitcoin", "usd", day));
    }
    // Today: 0.525 BTC × 50,000 = 26,250; 5.5 ETH × 1,500 = 8,250 -> E = (26250×8 + 8250×69)/34500 = 22.59 -> 23
    expect(body.trends.find((x: any) => x.date === today).environmental).toBe(23);
    // Again: nothing new in the past, today replaced.
    const again = await callJson("/v1/esg/snapshots", { token: user.accessToken, ip: user.ip, body: { spaceId, backfillDays: 3 } });
    expect(again.body.created).toEqual([today]);
    expect(again.body.trends).toEqual(body.trends);
    const viewer = await registerUser();
    await addMember(user, spaceId, viewer, "viewer");
    expect((await callJson("/v1/esg/snapshots", { token: viewer.accessToken, ip: viewer.ip, body: { spaceId } })).status).toBe(403);
  });
});

describe("GET /v1/esg/methodology", () => {
  it("is public and states the weights, grade bands and data set version the code uses", async () => {
    const { status, body } = await callJson("/v1/esg/methodology");
    expect(status).toBe(200);
    expect(body.version).toBe(ESG_DATASET.version);
    expect(body.dataset.version).toBe(ESG_DATASET.version);
    expect([body.components.environmental.weight, body.components.social.weight, body.components.governance.weight]).toEqual([0.4, 0.3, 0.3]);
    expect(body.grading).toEqual({ "A+": "90-100", A: "80-89", B: "70-79", C: "60-69", D: "40-59", F: "0-39" });
    expect(body.dataset.assets.length).toBeGreaterThanOrEqual(30);
    // Every published asset score is what the scoring code computes.
    for (const a of body.dataset.assets) {
      const s = scoreAsset(ESG_DATASET.assets.find((x) => x.symbol === a.symbol)!);
      expect(a.scores).toEqual({ environmental: s.environmental, social: s.social, governance: s.governance, overall: s.overall, grade: s.grade });
    }
  });
});
