/**
 * "Today" at 23:00 in a space at UTC−5 (QA-FX): it is already tomorrow in UTC, and the provider may have stored
 * tomorrow's (UTC) rates. Net worth now is of the space's day and converts at that day's rate (the space's own rate
 * of that day), never at the UTC day's; history may end on the space's today, not on UTC's. The clock is fixed by
 * calling the valuation with services at that instant (the HTTP app reads the wall clock).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { svcAt } from "../documents/helpers";
import { netWorthAt, netWorthHistory, pastHistoryRange } from "../../src/modules/analytics/net-worth";
import { api, ok } from "./fixture";

const TZ = "America/Bogota";
const AT = Date.parse("2024-01-16T04:00:00Z"); // 23:00 on 2024-01-15 in Bogotá

describe("today at 23:00 in a space at UTC−5", () => {
  it("is the space's day, converted at that day's rate, not UTC's", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const a = api(owner);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "COP", type: "personal", currency: "COP", timezone: TZ }))).id;
    await createAccount(owner, spaceId, { name: "usd", type: "checking", currency: "USD", openingBalance: "10.00", openingBalanceDate: "2024-01-10" });
    await env.DB.prepare("INSERT OR REPLACE INTO exchange_rates (base, quote, date, rate, source, fetched_at) VALUES ('USD', 'COP', '2024-01-16', '3000', 'sandbox-fx', ?)").bind(AT).run();
    await ok(a.put(`/v1/spaces/${spaceId}/rates`, { rates: [{ base: "USD", quote: "COP", date: "2024-01-15", rate: "3912.34" }] }));
    const svc = svcAt(AT);
    const space = { id: spaceId, currency: "COP", timezone: TZ };
    const now = await netWorthAt(svc, space, AT);
    expect(now).toMatchObject({ date: "2024-01-15", decimal: "39123.40", complete: true });
    expect(now.conversion.ratesUsed).toEqual([expect.objectContaining({ date: "2024-01-15", rate: "3912.34", source: "manual" })]);
    // The history ends on the space's today; its UTC tomorrow is refused.
    const range = pastHistoryRange({ from: "2024-01-14", to: "2024-01-15", interval: "day" }, "2024-01-15");
    const history = await netWorthHistory(svc, space, range);
    expect(history.points.at(-1)).toMatchObject({ date: "2024-01-15", netWorthDecimal: "39123.40", complete: true });
    expect(() => pastHistoryRange({ to: "2024-01-16", interval: "day" }, "2024-01-15")).toThrow(expect.objectContaining({ status: 422, details: [expect.objectContaining({ code: "FUTURE_DATE" })] }));
  });
});
