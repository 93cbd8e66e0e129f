/**
 * What a client writes is taken as written or refused, never read as something else: a body field the route
 * does not know (a typo, a field at the wrong depth) is a 422 UNKNOWN_FIELD on every body of the API, a query
 * integer is decimal digits (Number() read "" as 0, "0x10" as 16, " 10" and "1e1" as 10), a space's zone is a
 * named zone (the runtime also took "+05:30"), and every field error's code is UPPER_SNAKE as API.md's are.
 */
import { describe, expect, it } from "vitest";
import { callJson, createSpace, registerUser } from "../helpers";

describe("input taken as written", () => {
  it("refuses query parameters a route does not declare, where they used to be ignored", async () => {
    const u = await registerUser();
    const as = { token: u.accessToken, ip: u.ip };
    const space = await createSpace(u);
    const ledger = `/v1/spaces/${space.id}/ledger`;
    const tx = await callJson(`${ledger}/transactions`, { ...as, body: { postings: [{ source: "world", destination: "users:a", amount: 100, asset: "USD/2" }] } });
    expect(tx.status).toBe(201);
    // A revert has no preview: asked for one, it used to commit the revert for real.
    const revert = await callJson(`${ledger}/transactions/${tx.body.data[0].txid}/revert?preview=true`, { ...as, method: "POST" });
    expect(revert.status).toBe(422);
    expect(revert.body.error.details).toEqual([expect.objectContaining({ field: "preview", code: "UNKNOWN_FIELD" })]);
    expect((await callJson(`${ledger}/transactions/${tx.body.data[0].txid}`, as)).body.data.reverted).toBe(false);
    // Nor does a misspelt one commit: `Preview` is not `preview`.
    const cased = await callJson(`${ledger}/transactions?Preview=true`, { ...as, body: { postings: [{ source: "world", destination: "users:a", amount: 1, asset: "USD/2" }] } });
    expect(cased.status).toBe(422);
    expect((await callJson(`${ledger}/stats`, as)).body.data.transactions).toBe(1);
    // Seed 004's snake_case names and filters this API does not have: refused, not answered unfiltered.
    for (const path of [`${ledger}/transactions?page_size=3`, `${ledger}/logs?startTime=2030-01-01T00:00:00Z`, `${ledger}/accounts?balance=100`, `/v1/spaces?foo=1`]) {
      const r = await callJson(path, as);
      expect(r.status, path).toBe(422);
      expect(r.body.error.details[0].code, path).toBe("UNKNOWN_FIELD");
    }
    // What the routes declare still works, metadata filters included; a stranger is told only that it must sign in.
    expect((await callJson(`${ledger}/transactions?pageSize=2&metadata[k]=v`, as)).status).toBe(200);
    expect((await callJson(`${ledger}/accounts?metadata[k]=v`, as)).status).toBe(200);
    expect((await callJson(`/v1/transactions?spaceId=${space.id}&limit=5`, as)).status).toBe(200);
    expect((await callJson(`/v1/spaces?foo=1`, { ip: u.ip })).status).toBe(401);
    // Thousands of made-up keys: the first ten named, each cut short, the rest counted.
    const many = await callJson(`/v1/health?${Array.from({ length: 2000 }, (_, i) => `${"k".repeat(100)}${i}`).join("&")}`);
    expect(many.status).toBe(422);
    expect(many.body.error.details).toHaveLength(10);
    expect(many.body.error.details[0].field.length).toBeLessThanOrEqual(65);
    expect(many.body.error.message).toContain("and 1990 more");
    // A range that ends before it starts is refused, not answered with an empty list.
    for (const path of [`/v1/transactions?spaceId=${space.id}&startDate=2026-12-01&endDate=2026-11-01`, `/v1/spaces/${space.id}/rates?from=2026-12-31&to=2026-01-01`]) {
      const r = await callJson(path, as);
      expect(r.status, path).toBe(422);
      expect(r.body.error.details[0].code, path).toBe("INVALID_RANGE");
    }
    expect((await callJson(`/v1/transactions?spaceId=${space.id}&startDate=2026-11-01&endDate=2026-11-01`, as)).status).toBe(200);
    // A ledger timestamp finer than the millisecond would be cut: refused. A minor-unit string is digits without leading zeros.
    const post = (body: object) => callJson(`${ledger}/transactions`, { ...as, body });
    const p = (amount: unknown, timestamp?: string) => ({ postings: [{ source: "world", destination: "users:b", amount, asset: "USD/2" }], ...(timestamp ? { timestamp } : {}) });
    expect((await post(p(1, "2024-01-01T00:00:00.123456789Z"))).status).toBe(422);
    expect((await post(p(1, "2024-01-01T00:00:00.123000Z"))).status).toBe(201);
    expect((await post(p("0010"))).status).toBe(422);
    expect((await post(p("10"))).status).toBe(201);
    // A day in year 0000 or 9999 is a typo: refused for a transaction, a budget and an account's opening balance.
    const acc = (await callJson("/v1/accounts", { ...as, body: { spaceId: space.id, name: "Card", type: "credit_card", currency: "USD" } })).body;
    for (const date of ["0000-06-01", "9999-12-31", "9999-12-31T00:00:00Z"]) {
      const r = await callJson("/v1/transactions", { ...as, body: { spaceId: space.id, accountId: acc.id, amount: "-5", description: "x", date } });
      expect(r.status, date).toBe(422);
      expect(r.body.error.details[0].field).toBe("date");
    }
    expect((await callJson("/v1/budgets", { ...as, body: { spaceId: space.id, name: "B", amount: "10", period: "monthly", startDate: "9999-12-31" } })).status).toBe(422);
    expect((await callJson("/v1/accounts", { ...as, body: { spaceId: space.id, name: "Old", type: "checking", currency: "USD", openingBalance: "1", openingBalanceDate: "0001-01-01" } })).status).toBe(422);
  });

  it("refuses unknown body fields, at the top and nested, where they used to be dropped", async () => {
    const u = await registerUser();
    const as = { token: u.accessToken, ip: u.ip };
    const space = await createSpace(u);
    const cases: [string, string, Record<string, unknown>, string][] = [
      ["POST", "/v1/projections", { spaceId: space.id, save: false, startingNetworth: "1000" }, "startingNetworth"],
      ["POST", "/v1/projections", { spaceId: space.id, save: false, retirementSpending: 1 }, "retirementSpending"],
      ["POST", "/v1/projections", { spaceId: space.id, save: false, assumptions: { inflationRate: 0.03, retirmentAge: 60 } }, "assumptions.retirmentAge"],
      ["PATCH", `/v1/spaces/${space.id}`, { name: "x", timeZone: "Asia/Tokyo" }, "timeZone"],
      ["POST", "/v1/spaces", { name: "x", type: "personal", currency: "USD", colour: "red" }, "colour"],
      ["POST", "/v1/budgets", { spaceId: space.id, name: "B", amount: "10", period: "monthly", categoryIds: [], alertThreshhold: 80 }, "alertThreshhold"],
      ["POST", "/v1/households", { name: "H", spaceIds: [space.id], lifebeat: true }, "lifebeat"],
      // Nested objects and items, and the categorizer's bodies.
      ["POST", "/v1/budgets", { spaceId: space.id, name: "B", amount: "10", period: "monthly", categories: [{ categoryId: "cat_x", allocation: "5" }] }, "categories.0.allocation"],
      ["PUT", `/v1/spaces/${space.id}/rates`, { rates: [{ base: "USD", quote: "MXN", date: "2026-01-01", rate: "17", note: "x" }] }, "rates.0.note"],
      ["POST", "/v1/transactions", { spaceId: space.id, accountId: "acc_x", amount: "-1.00", description: "x", date: "2026-01-01", location: { coords: { lat: 1, lon: 2 } } }, "location.coords"],
      ["POST", "/v1/ml/corrections", { transactionId: "txn_x", correctedCategoryId: "cat_x", applyToSimiliar: true }, "applyToSimiliar"],
      ["POST", "/v1/ml/predict", { spaceId: space.id, description: "coffee", merchant: "Starbucks" }, "merchant"],
    ];
    for (const [method, path, body, field] of cases) {
      const r = await callJson(path, { ...as, method, body });
      expect(r.status, `${method} ${path} ${field}`).toBe(422);
      expect(r.body.error.details, field).toContainEqual(expect.objectContaining({ field, code: "UNKNOWN_FIELD" }));
    }
    // A rule whose field is misspelt (priorty) is refused, whichever of the rule's two shapes it tried.
    const category = (rule: object) => callJson("/v1/categories", { ...as, body: { spaceId: space.id, name: `R${Math.random()}`, type: "expense", rules: [rule] } });
    expect((await category({ condition: "merchant_contains", value: "x", priorty: 9 })).status).toBe(422);
    expect((await category({ condition: "amount_between", value: { min: "1", maximum: "5" } })).status).toBe(422);
    expect((await category({ conditions: [{ condition: "merchant_contains", value: "x" }], priorty: 9 })).status).toBe(422);
    expect((await category({ condition: "merchant_contains", value: "x", priority: 9 })).status).toBe(201);
    expect((await category({ conditions: [{ condition: "merchant_contains", value: "x" }, { condition: "amount_between", value: { min: "1" } }], priority: 2 })).status).toBe(201);
    // The same bodies without the stray field are taken.
    expect((await callJson("/v1/projections", { ...as, body: { spaceId: space.id, save: false, assumptions: { inflationRate: 0.03 } } })).status).toBe(200);
    expect((await callJson(`/v1/spaces/${space.id}`, { ...as, method: "PATCH", body: { name: "x", timezone: "Asia/Tokyo" } })).status).toBe(200);
  });

  it("names the first ten unknown body fields, each cut short, and counts the rest: thousands of made-up keys are no answer ten times the body", async () => {
    // A misspelt field among the first ten is still told the one it stands for; 4,999 made-up keys of 100 characters follow it.
    for (const [lang, more] of [["en", "Validation failed for the provided data (and 4990 more unknown fields)"], ["es", "Los datos enviados no son válidos (y 4990 campos desconocidos más)."]] as const) {
      const u = await registerUser({ locale: lang });
      const space = await createSpace(u);
      const body: Record<string, unknown> = { spaceId: space.id, accountId: "acc_x", description: "x", date: "2026-01-01", amout: "5" };
      for (let i = 0; i < 4999; i++) body[`${"k".repeat(96)}${String(i).padStart(4, "0")}`] = 0;
      const sent = JSON.stringify(body).length;
      const r = await callJson("/v1/transactions", { token: u.accessToken, ip: u.ip, body });
      expect(r.status).toBe(422);
      expect(r.body.error.message).toBe(more);
      const unknown = r.body.error.details.filter((d: { code: string }) => d.code === "UNKNOWN_FIELD");
      expect(unknown).toHaveLength(10);
      expect(unknown[0]).toMatchObject({ field: "amout" });
      if (lang === "en") expect(unknown[0].message).toBe("Unknown field: did you mean amount?");
      for (const d of unknown) expect(d.field.length).toBeLessThanOrEqual(65);
      expect(JSON.stringify(r.body).length).toBeLessThan(sent / 50);
    }
  });

  it("reads query integers as decimal digits only", async () => {
    const u = await registerUser();
    const as = { token: u.accessToken, ip: u.ip };
    const space = await createSpace(u);
    for (const bad of ["", "0x10", "%2010", "1e1", "10.0", "+5", "--1"]) {
      const projection = await callJson(`/v1/projections?spaceId=${space.id}&seed=${bad}`, as);
      expect(projection.status, `seed=${bad}`).toBe(422);
      expect(projection.body.error.details[0]).toMatchObject({ field: "seed" });
      expect((await callJson(`/v1/transactions?spaceId=${space.id}&limit=${bad}`, as)).status, `limit=${bad}`).toBe(422);
    }
    expect((await callJson(`/v1/projections?spaceId=${space.id}&seed=16&years=10&scenarios=100`, as)).status).toBe(200);
    const listed = await callJson(`/v1/transactions?spaceId=${space.id}&limit=10&offset=0`, as);
    expect(listed.status).toBe(200);
    expect(listed.body.pagination).toMatchObject({ limit: 10, offset: 0 });
    expect((await callJson(`/v1/transactions?spaceId=${space.id}`, as)).body.pagination).toMatchObject({ limit: 50, offset: 0 });
  });

  it("takes a space's zone by name, not an offset", async () => {
    const u = await registerUser();
    const as = { token: u.accessToken, ip: u.ip };
    for (const timezone of ["+05:30", "-00:00", "+0530", "05:30"]) {
      const r = await callJson("/v1/spaces", { ...as, body: { name: "x", type: "personal", currency: "USD", timezone } });
      expect(r.status, timezone).toBe(422);
      expect(r.body.error.details[0]).toMatchObject({ field: "timezone" });
    }
    for (const timezone of ["America/Mexico_City", "UTC", "Etc/GMT+1"]) {
      expect((await callJson("/v1/spaces", { ...as, body: { name: "x", type: "personal", currency: "USD", timezone } })).status, timezone).toBe(201);
    }
    // Stored as the zone's canonical name, not as typed.
    // IANA's current names, not the old spellings ICU still resolves to (Asia/Kolkata came back as Asia/Calcutta).
    for (const [typed, canonical] of [
      ["america/mexico_city", "America/Mexico_City"], ["US/Pacific", "America/Los_Angeles"], ["utc", "UTC"],
      ["Asia/Kolkata", "Asia/Kolkata"], ["Asia/Calcutta", "Asia/Kolkata"], ["europe/kiev", "Europe/Kyiv"], ["America/Buenos_Aires", "America/Argentina/Buenos_Aires"],
    ]) {
      const r = await callJson("/v1/spaces", { ...as, body: { name: "x", type: "personal", currency: "USD", timezone: typed } });
      expect(r.body.timezone, typed).toBe(canonical);
    }
  });

  it("gives Life Beat's field errors UPPER_SNAKE codes", async () => {
    const u = await registerUser();
    const as = { token: u.accessToken, ip: u.ip };
    const space = await createSpace(u);
    const hh = await callJson("/v1/households", { ...as, body: { name: "H", spaceIds: [space.id] } });
    expect(hh.status).toBe(201);
    const r = await callJson("/v1/life-beat", { ...as, method: "PUT", body: { householdId: hh.body.id, executorId: "hhm_nope" } });
    expect(r.status).toBe(422);
    expect(r.body.error.details[0]).toMatchObject({ field: "executorId", code: "INVALID_VALUE" });
    const grant = await callJson("/v1/life-beat/emergency-access", { ...as, body: { householdId: hh.body.id, expiresAt: "2020-01-01T00:00:00Z" } });
    expect(grant.status).toBe(422);
    expect(grant.body.error.details.map((d: any) => d.code)).toEqual(grant.body.error.details.map((d: any) => d.code.toUpperCase()));
    expect(grant.body.error.details).toContainEqual(expect.objectContaining({ field: "executorId", code: "REQUIRED" }));
  });
});
