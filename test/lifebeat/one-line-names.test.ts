/**
 * Names are one line: they go into lists and into email subjects, where a line break ends the header (a household
 * named across two lines had its Life Beat notices refused by an email provider). A name with a line break is a 422
 * everywhere a name is written; one stored before that is sent on one line.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { callJson, registerUser } from "../helpers";
import { as, configure, cron, DAY, emailsTo, HOUR, householdWorld, sim } from "./helpers";

afterEach(() => vi.useRealTimers());

describe("names on one line", () => {
  it("refuses a name across lines on every route that takes one", async () => {
    const u = await registerUser();
    const space = await callJson("/v1/spaces", { ...as(u), body: { name: "Casa", type: "personal", currency: "USD" } });
    const writes: [string, string, Record<string, unknown>][] = [
      ["POST", "/v1/spaces", { name: "Casa\nGarcía", type: "personal", currency: "USD" }],
      ["PATCH", `/v1/spaces/${space.body.id}`, { name: "Casa\u2028García" }],
      ["POST", "/v1/accounts", { spaceId: space.body.id, name: "Cheque\rras", type: "checking", currency: "USD" }],
      ["POST", "/v1/households", { name: "García\nFamily" }],
      ["POST", "/v1/budgets", { spaceId: space.body.id, name: "Food\u0085Home", amount: "10.00", period: "monthly" }],
      ["POST", "/v1/assets", { spaceId: space.body.id, name: "Car\nBoat", type: "vehicle", currency: "USD", value: "1.00" }],
    ];
    for (const [method, path, body] of writes) {
      const r = await callJson(path, { ...as(u), method, body });
      expect([r.status, r.body.error?.details?.[0]?.field, r.body.error?.details?.[0]?.message], `${method} ${path}`).toEqual([422, "name", "Must be on one line"]);
    }
    // Fields named otherwise, on one line too: a household member's relationship, an account's institution.
    const household = await callJson("/v1/households", { ...as(u), body: { name: "Casa" } });
    const others: [string, Record<string, unknown>, string][] = [
      [`/v1/households/${household.body.id}/members`, { email: `x-${crypto.randomUUID()}@example.org`, relationship: "irmã\nmais velha", role: "member" }, "relationship"],
      ["/v1/accounts", { spaceId: space.body.id, name: "Conta", type: "checking", currency: "USD", institutionName: "Banco\nItaú" }, "institutionName"],
    ];
    for (const [path, body, field] of others) {
      const r = await callJson(path, { ...as(u), body });
      expect([r.status, r.body.error.details], path).toEqual([422, [expect.objectContaining({ field, message: "Must be on one line" })]]);
    }
    // One detail a field, though the name is also invisible.
    const both = await callJson("/v1/spaces", { ...as(u), body: { name: "\u200B\n\u200B", type: "personal", currency: "USD" } });
    expect(both.body.error.details).toEqual([expect.objectContaining({ field: "name", message: "Must be on one line" })]);
    const register = await callJson("/v1/auth/register", { ip: "203.0.113.77", body: { email: `one-line-${crypto.randomUUID()}@example.com`, password: "a-Long-passw0rd!", name: "Ana\nMaría" } });
    expect([register.status, register.body.error.details[0].field]).toEqual([422, "name"]);
    // Breaks at the ends are trimmed like spaces.
    expect((await callJson(`/v1/spaces/${space.body.id}`, { ...as(u), method: "PATCH", body: { name: "Casa\n" } })).body.name).toBe("Casa");
  });

  it("sends a notice whose subject carries a name stored across lines on one line", { timeout: 120_000 }, async () => {
    const t0 = Math.ceil(Date.now() / HOUR) * HOUR + 7 * 60_000;
    sim.set(t0);
    const w = await householdWorld();
    await env.DB.prepare("UPDATE households SET name = ? WHERE id = ?").bind("García\r\nFamily", w.householdId).run();
    await configure(w, { enabled: true, checkInInterval: "weekly", escalationDays: [1, 3], notificationChannels: ["email"], executorId: w.executorId });
    sim.set(t0 + 8 * DAY);
    await cron(t0 + 8 * DAY);
    sim.set(t0 + 10 * DAY + HOUR);
    await cron(t0 + 10 * DAY + HOUR);
    const subjects = (await emailsTo(w.owner.email)).map((m) => m.subject).filter((s) => s.startsWith("Life Beat"));
    expect(subjects).toEqual(["Life Beat: please check in (notice 1 of 2)", "Life Beat: emergency access granted (García Family)"]);
  });
});
