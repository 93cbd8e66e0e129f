/**
 * A heavy trader's views at scale: more than a hundred trades at one instant page without a duplicate or a gap
 * (0-based pages of 50, any day window in the space's zone); a statement of 250 entries around a zone's midnights
 * opens on everything before its window and runs to the minor unit, whatever the zone; and no statement those reads
 * or the writes behind them make binds more than D1's 100 parameters (local D1 does not refuse them: counted here).
 */
import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { registerUser, userApi } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { instantIn, rangeEndExclusive } from "../../src/lib/dates";
import { D1_MAX_PARAMS } from "../../src/lib/sql";

/** Every statement bound in this file with more than D1's parameters (the app and its Durable Objects run in this isolate). */
const overCap: { n: number }[] = [];
let bound = 0;
const statementProto = Object.getPrototypeOf(env.DB.prepare("SELECT 1")) as { bind: (...args: unknown[]) => unknown };
const realBind = statementProto.bind;
statementProto.bind = function (this: unknown, ...args: unknown[]) {
  bound++;
  if (args.length > D1_MAX_PARAMS) overCap.push({ n: args.length });
  return realBind.apply(this, args);
};
afterAll(() => {
  statementProto.bind = realBind;
});

async function setup(tz: string) {
  const u = await registerUser();
  const a = userApi(u);
  const space = await a.post("/v1/spaces", { name: "Trader", type: "personal", currency: "USD", timezone: tz });
  expect(space.status).toBe(201);
  return { u, a, spaceId: space.body.id as string };
}

describe("trades and statements at scale", () => {
  it("130 trades on two instants a zone's midnight apart: every page and day window lists each once", { timeout: 120_000 }, async () => {
    const tz = "Pacific/Kiritimati";
    const { u, a, spaceId } = await setup(tz);
    const acc = await createAccount(u, spaceId, { type: "brokerage", openingBalance: "1000000" });
    // Kiritimati's midnight of June 2nd is 10:00 UTC on June 1st: 65 trades at it, 65 a millisecond before.
    const at = (i: number) => (i < 65 ? "2025-06-01T10:00:00.000Z" : "2025-06-01T09:59:59.999Z");
    const trades: { id: string; at: number }[] = [];
    for (let i = 0; i < 130; i++) {
      const r = await a.post("/v1/transactions", {
        spaceId, accountId: acc.id, description: `T${i}`, date: at(i),
        trade: { symbol: "BTC", side: "buy", quantity: "0.00012345", unitPrice: "98765.4321", fees: "0.01" },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      trades.push({ id: r.body.id, at: Date.parse(at(i)) });
    }
    for (const [from, to] of [[undefined, undefined], ["2025-06-02", "2025-06-02"], ["2025-06-01", "2025-06-01"], ["2025-06-01", undefined], [undefined, "2025-06-01"]] as const) {
      const listed: string[] = [];
      for (let page = 0; page < 4; page++) {
        const qs = new URLSearchParams({ spaceId, page: String(page) });
        if (from) qs.set("from", from);
        if (to) qs.set("to", to);
        const r = await a.get(`/v1/trades?${qs}`);
        expect(r.status).toBe(200);
        expect(r.body.length).toBeLessThanOrEqual(50);
        listed.push(...r.body.map((t: { orderId: string }) => t.orderId));
      }
      const start = from ? instantIn(from, tz) : -Infinity;
      const end = to ? rangeEndExclusive(to, tz) : Infinity;
      // Newest first; of one instant, the later write first.
      const want = trades.map((t, i) => ({ ...t, i })).filter((t) => t.at >= start && t.at < end).sort((x, y) => y.at - x.at || y.i - x.i).map((t) => t.id);
      expect(listed, `${from} ${to}`).toEqual(want);
    }
    const first = (await a.get(`/v1/trades?spaceId=${spaceId}`)).body[0];
    // 0.00012345 × 98,765.4321 = 12.19259259...: 12.19, and the fee.
    expect(first).toMatchObject({ tradedQuantity: "0.00012345", tradedPrice: "98765.43210000", grossAmount: "12.19", fees: "0.01", netAmount: "-12.20" });
    expect((await a.get(`/v1/trades?spaceId=${spaceId}&page=3`)).body).toEqual([]);
    expect(bound).toBeGreaterThan(0);
    expect(overCap).toEqual([]);
  });

  it("a statement of 250 entries around a zone's midnights opens on all before its window and runs to the cent, in any zone", { timeout: 120_000 }, async () => {
    const { u, a, spaceId } = await setup("Pacific/Kiritimati");
    const acc = await createAccount(u, spaceId, { openingBalance: "0.01", allowOverdraft: true });
    const times = ["2025-06-01T09:59:59.999Z", "2025-06-01T10:00:00.000Z", "2025-06-02T09:59:59.999Z", "2025-06-02T10:00:00.000Z", "2025-06-02T07:00:00.000Z"];
    const rows: { at: number; cents: number }[] = [];
    for (let i = 0; i < 250; i++) {
      const cents = (i % 7 === 0 ? 1 : -1) * (i * 37 + 1);
      const r = await a.post("/v1/transactions", { spaceId, accountId: acc.id, description: `E${i}`, date: times[i % times.length], amount: (cents / 100).toFixed(2) });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      rows.push({ at: Date.parse(times[i % times.length]!), cents });
    }
    const text = (cents: number) => (cents / 100).toFixed(2);
    for (const tz of ["Pacific/Kiritimati", "America/Los_Angeles", "Pacific/Pago_Pago"]) {
      expect((await a.patch(`/v1/spaces/${spaceId}`, { timezone: tz })).status).toBe(200);
      for (const [from, to] of [["2025-06-02", "2025-06-02"], ["2025-06-01", "2025-06-01"], ["2025-06-02", "2025-06-03"], ["2025-05-31", "2025-06-01"]] as const) {
        const label = `${tz} ${from}..${to}`;
        const s = await a.get(`/v1/accounts/${acc.id}/ledger?from=${from}&to=${to}`);
        expect(s.status, label).toBe(200);
        const start = instantIn(from, tz);
        const end = rangeEndExclusive(to, tz);
        // The opening balance entry (dated before any entry) and every entry before the window's first instant.
        const opening = 1 + rows.filter((r) => r.at < start).reduce((sum, r) => sum + r.cents, 0);
        const inWindow = rows.filter((r) => r.at >= start && r.at < end);
        expect(s.body.openingBalance, label).toBe(text(opening));
        expect(s.body.entries.length, label).toBe(inWindow.length);
        let running = opening;
        for (const e of s.body.entries) {
          running += Math.round(Number(e.credit) * 100) - Math.round(Number(e.debit) * 100);
          expect(e.runningBalance, label).toBe(text(running));
        }
        expect(s.body.closingBalance, label).toBe(text(opening + inWindow.reduce((sum, r) => sum + r.cents, 0)));
      }
    }
    expect(overCap).toEqual([]);
  });
});
