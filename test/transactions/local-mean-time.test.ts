/**
 * Dates before a zone adopted standard time, when its offset had seconds (local mean time: Tokyo +09:18:59,
 * New York −04:56:02). ISO 8601 has no offset with seconds, so the offset shown is rounded to the minute on
 * the side that keeps the zone's date, and the time moves by the rest: the instant is exact and the date
 * part is the day the user wrote (it used to be shown in UTC, the day before for zones east of UTC).
 */
import { describe, expect, it } from "vitest";
import { callJson, registerUser } from "../helpers";

describe("a date in local mean time", () => {
  it.each([
    ["Asia/Tokyo", "JPY", "1799-12-31T14:41:01.000Z", "1800-01-01T00:00:01.000+09:19"],
    ["America/New_York", "USD", "1800-01-01T04:56:02.000Z", "1800-01-01T00:00:02.000-04:56"],
  ])("%s: the day written, at its exact instant", async (timezone, currency, instant, shown) => {
    const u = await registerUser();
    const as = { token: u.accessToken, ip: u.ip };
    const spaceId = (await callJson("/v1/spaces", { ...as, body: { name: "Old", type: "personal", currency, timezone } })).body.id;
    const acc = (await callJson("/v1/accounts", { ...as, body: { spaceId, name: "Cash", type: "checking", currency, openingBalance: "1000" } })).body;
    const t = await callJson("/v1/transactions", { ...as, body: { spaceId, accountId: acc.id, amount: "-1", description: "Old", date: "1800-01-01" } });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    expect(t.body.date).toBe(shown);
    expect(new Date(Date.parse(t.body.date)).toISOString()).toBe(instant);
    const listed = await callJson(`/v1/transactions?spaceId=${spaceId}&startDate=1800-01-01&endDate=1800-01-01`, as);
    expect(listed.body.transactions.map((x: { date: string }) => x.date)).toEqual([shown]);
  });
});
