/**
 * A bank disconnected and linked again in recurring detection (relinks.ts): the old accounts' copies of the
 * payroll and the rent stood beside the successor's, so a series was built from the old, inactive account's
 * rows (the first of each day's two copies) and named it. The forecast then projected nothing of the series
 * (an inactive account takes no more entries) and counted the successor's copies as irregular income and
 * spending instead. The old accounts' rows from the successor's first imported row on are left out, as cash
 * flow leaves them out.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { registerUser } from "../helpers";
import { api, ok } from "./fixture";
import { disconnect, linkedPlaid as link } from "./relink-helpers";

type SeriesOut = { name: string; accountId: string; transactionIds: string[] } & Record<string, unknown>;

describe("a bank linked again in recurring detection", () => {
  it("finds the same series, on the successor's accounts, and the forecast projects them as before", { timeout: 180_000 }, async () => {
    const owner = await registerUser();
    const a = api(owner);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "R", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
    const token = `public-sandbox-${crypto.randomUUID()}`;
    const first = await link(owner, spaceId, `${token}.1`);
    const series = async () => (await ok(a.get(`/v1/analytics/recurring?spaceId=${spaceId}`))).series as SeriesOut[];
    const forecast = async () => {
      const f = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
      return { summary: f.summary, weeks: f.forecast };
    };
    // The series but for where they are: the accounts and rows of whichever link holds them.
    const shape = (list: SeriesOut[]) => list.map(({ accountId: _a, transactionIds, id: _i, ...s }) => ({ ...s, rows: transactionIds.length }));
    const before = await series();
    expect(before.map((s) => [s.name, s.cadence])).toEqual(expect.arrayContaining([["Acme Corp", "biweekly"], ["RENT PAYMENT PARKSIDE APTS", "monthly"]]));
    const projected = await forecast();

    await disconnect(owner, first);
    const second = await link(owner, spaceId, `${token}.2`); // the same login: the same history, imported anew
    const after = await series();
    expect(shape(after)).toEqual(shape(before));
    expect(after.map((s) => s.id)).toEqual(before.map((s) => s.id)); // decisions stick to them as before
    // Each series is on the successor's account, built from its rows.
    const owned = new Map(
      (await env.DB.prepare("SELECT t.id, t.account_id FROM transactions t JOIN provider_accounts pa ON pa.account_id = t.account_id WHERE pa.connection_id = ?")
        .bind(second).all<{ id: string; account_id: string }>()).results.map((r) => [r.id, r.account_id]),
    );
    for (const s of after) {
      expect(new Set(owned.values()).has(s.accountId), s.name).toBe(true);
      expect(s.transactionIds.map((t) => owned.get(t)), s.name).toEqual(s.transactionIds.map(() => s.accountId));
    }
    expect(await forecast()).toEqual(projected);
  });
});
