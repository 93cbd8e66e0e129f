/**
 * A JSON number is a double, not a decimal: a number the client wrote that a
 * double cannot hold exactly is refused with 422, never rounded; and money
 * leaves as exact decimal strings beside the convenience numbers.
 */
import { describe, expect, it } from "vitest";
import { isExactNumber, isWellFormedText, scanJson } from "../../src/lib/exact-json";
import { call, callJson, createSpace, registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { operations, synthesize } from "../security/openapi-requests";
import { buildWorld, registerPeople } from "../security/world";

/** Sends `body` as raw JSON text, so numbers reach the server exactly as written here. */
const send = (path: string, token: string, ip: string, text: string, method = "POST") =>
  call(path, { method, token, ip, rawBody: text, headers: { "content-type": "application/json" } });

describe("exact JSON numbers", () => {
  it("tells exact numbers from those a double changes", () => {
    for (const ok of ["0", "-0", "0.1", "25.50", "1e2", "1E-7", "9007199254740991", "-45.67", "123456789012345", "0.30000000000000004"]) {
      expect(isExactNumber(ok), ok).toBe(true);
    }
    for (const bad of ["90071992547409.91", "70000000.00000002", "4503599627370497.5", "9007199254740993", "1e400", "0.1000000000000000000001"]) {
      expect(isExactNumber(bad), bad).toBe(false);
    }
    expect(scanJson('{"a":[1,{"b":"x\\"9007199254740993"},{"c":9007199254740993}],"d":{"e":0.5}}').inexact).toEqual([
      { path: "a.2.c", text: "9007199254740993" },
    ]);
  });

  it("refuse the amounts of the review: a Dhanam amount, a trade quantity, a ledger posting", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const checking = await createAccount(u, space.id);
    const broker = await createAccount(u, space.id, { type: "brokerage", openingBalance: "1000.00" });
    const cases: [string, string, string][] = [
      ["/v1/transactions", `{"spaceId":"${space.id}","accountId":"${checking.id}","amount":90071992547409.91,"description":"x","date":"2024-01-01"}`, "amount"],
      [
        "/v1/transactions",
        `{"spaceId":"${space.id}","accountId":"${broker.id}","description":"x","date":"2024-01-01","trade":{"symbol":"AAPL","side":"buy","quantity":70000000.00000002,"unitPrice":"0.00000001"}}`,
        "trade.quantity",
      ],
      [`/v1/spaces/${space.id}/ledger/transactions`, `{"postings":[{"source":"world","destination":"users:a","amount":4503599627370497.5,"asset":"USD/2"}]}`, "postings.0.amount"],
    ];
    for (const [path, text, field] of cases) {
      const res = await send(path, u.accessToken, u.ip, text);
      expect(res.status, field).toBe(422);
      const body = (await res.json()) as any;
      expect(body.error.details, field).toEqual([expect.objectContaining({ field, code: "INEXACT_NUMBER" })]);
    }
    // Nothing was booked: only the brokerage opening balance is in the ledger.
    const stats = await callJson(`/v1/spaces/${space.id}/ledger/stats`, { token: u.accessToken, ip: u.ip });
    expect(stats.body.data.transactions).toBe(1);
  });

  it("render the largest exact amount exactly", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const acc = await createAccount(u, space.id);
    // 9007199254740991 minor units: as a JSON number its major form is 90071992547409.9; the decimal string is exact.
    const income = await callJson("/v1/transactions", {
      token: u.accessToken, ip: u.ip,
      body: { spaceId: space.id, accountId: acc.id, amount: "90071992547409.91", description: "Large", date: "2024-01-01" },
    });
    expect(income.status).toBe(201);
    expect(income.body.amountDecimal).toBe("90071992547409.91");
    const account = await callJson(`/v1/accounts/${acc.id}`, { token: u.accessToken, ip: u.ip });
    expect(account.body.balanceDecimal).toBe("90071992547409.91");
    const listed = await callJson(`/v1/transactions?spaceId=${space.id}`, { token: u.accessToken, ip: u.ip });
    expect(listed.body.transactions[0].amountDecimal).toBe("90071992547409.91");
    const statement = await callJson(`/v1/accounts/${acc.id}/ledger?from=2023-12-01`, { token: u.accessToken, ip: u.ip });
    expect(statement.body.closingBalance).toBe("90071992547409.91");
  });

  it("are refused on every route that takes a JSON body, wherever the number sits", { timeout: 120_000 }, async () => {
    const doc = (await callJson("/openapi.json")).body;
    const world = await buildWorld(await registerPeople());
    const failures: string[] = [];
    let routes = 0;
    for (const o of operations(doc)) {
      if (!o.op.requestBody?.content?.["application/json"]) continue;
      // A provider's webhook proves its sender before its body is read (unsigned: 401 whatever it holds); its
      // signed inexact number is refused in test/providers/plaid-webhook.test.ts.
      if (o.path.endsWith("/webhook") && o.path.startsWith("/v1/providers/")) continue;
      routes++;
      const { url, body } = synthesize(doc, o, world.ids);
      // Put the inexact number into every numeric field the valid body has, or add one when it has none.
      const text = JSON.stringify(body ?? {}, (_k, v) => (typeof v === "number" ? "@@INEXACT@@" : v));
      const probe = text.includes("@@INEXACT@@") ? text.replaceAll('"@@INEXACT@@"', "9007199254740993") : text.replace(/^\{/, '{"probe":9007199254740993,');
      const res = await send(url, world.owner.accessToken, world.owner.ip, probe.replace(",}", "}"), o.method.toUpperCase());
      const out = (await res.json()) as any;
      if (res.status !== 422 || out.error?.details?.[0]?.code !== "INEXACT_NUMBER") failures.push(`${o.method.toUpperCase()} ${o.path}: ${res.status} ${JSON.stringify(out.error ?? out)}`);
    }
    expect(routes).toBeGreaterThan(20);
    expect(failures).toEqual([]);
  });
});

describe("well-formed text", () => {
  it("tells a lone surrogate from a pair, escaped or not", () => {
    expect(isWellFormedText("café 😀")).toBe(true);
    expect(isWellFormedText("\ud83d\ude00")).toBe(true);
    for (const bad of ["\ud83d", "x\ud83dy", "\ude00", "\ude00\ud83d", "end\udbff"]) expect(isWellFormedText(bad), JSON.stringify(bad)).toBe(false);
    // The scanner names the value, or for a key the object holding it; a pair and a plain escape pass.
    expect(scanJson('{"a":"ok \\ud83d\\ude00","b":["\\u00e9","x\\ud800"],"c":{"\\udc00k":1}}').illFormed).toEqual([
      { path: "b.1" },
      { path: "c" },
    ]);
  });

  it("refuses control characters in any text of a body (a NUL-named space was created), but keeps tabs and line breaks", async () => {
    const u = await registerUser();
    const space = (name: string) => send("/v1/spaces", u.accessToken, u.ip, `{"name":"${name}","type":"personal","currency":"USD"}`);
    // Escaped (\u, \b, \f) or a raw DEL, which is valid JSON as it is.
    for (const name of ["\\u0000", "Home\\u0007", "a\\u001fb", "x\\u007f", "a\\bb", "a\\fb", "y\x7f"]) {
      const r = await space(name);
      expect(r.status, name).toBe(422);
      expect(((await r.json()) as any).error.details).toEqual([expect.objectContaining({ field: "name", code: "INVALID_TEXT" })]);
    }
    expect(scanJson('{"notes":"line\\u000aone\\u0009tab\\u000d","x":"\\u0000"}').controls).toEqual([{ path: "x" }]);
    expect((await space("Home \\u00e9")).status).toBe(201);
  });

  it("refuses an unpaired surrogate escape in a transaction's text with 422, and keeps a paired one exactly", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const acc = await createAccount(u, space.id, { openingBalance: "10.00" });
    const body = (description: string) =>
      `{"spaceId":"${space.id}","accountId":"${acc.id}","amount":"-1.00","date":"2026-01-05","description":"${description}"}`;
    const lone = await send("/v1/transactions", u.accessToken, u.ip, body("coffee \\ud83d"));
    expect(lone.status).toBe(422);
    const err = ((await lone.json()) as any).error;
    expect(err.details).toEqual([expect.objectContaining({ field: "description", code: "INVALID_TEXT" })]);
    // Both faults at once, and an escaped backslash before a plain "u" (no escape at all).
    const both = await send("/v1/transactions", u.accessToken, u.ip,
      `{"spaceId":"${space.id}","accountId":"${acc.id}","amount":90071992547409.91,"date":"2026-01-05","description":"a\\ud800","notes":"C:\\\\udir"}`);
    expect(both.status).toBe(422);
    const bothErr = ((await both.json()) as any).error;
    expect(bothErr.message).toContain("not well-formed Unicode");
    expect(bothErr.details.map((d: any) => `${d.field}:${d.code}`)).toEqual(["amount:INEXACT_NUMBER", "description:INVALID_TEXT"]);
    const paired = await send("/v1/transactions", u.accessToken, u.ip, body("coffee \\ud83d\\ude00"));
    expect(paired.status).toBe(201);
    const created = (await paired.json()) as any;
    expect(created.description).toBe("coffee 😀");
    const read = await callJson(`/v1/transactions/${created.id}`, { token: u.accessToken, ip: u.ip });
    expect(read.body.description).toBe("coffee 😀");
    const list = await callJson(`/v1/transactions?spaceId=${space.id}&limit=50`, { token: u.accessToken, ip: u.ip });
    expect(list.body.transactions.map((t: any) => t.description).sort()).toEqual(["Opening balance", "coffee 😀"]);
  
    // A __proto__ key anywhere (written plainly or escaped) is refused by name, not accepted and lost.
    const proto = await send("/v1/transactions", u.accessToken, u.ip,
      `{"spaceId":"${space.id}","accountId":"${acc.id}","amount":"-1.00","date":"2026-01-05","description":"x","location":{"\\u005f_proto__":{"a":1}}}`);
    expect(proto.status).toBe(422);
    expect(((await proto.json()) as any).error.details).toEqual([expect.objectContaining({ field: "location.__proto__", code: "INVALID_KEY" })]);

    // A key written twice in one object (the route would act on the last, a proxy or a log may read the first):
    // refused by path, written plainly or escaped, at any depth; the same key in two objects is fine.
    const before = (await callJson(`/v1/transactions?spaceId=${space.id}&limit=50`, { token: u.accessToken, ip: u.ip })).body.pagination.total;
    const twice = await send("/v1/transactions", u.accessToken, u.ip,
      `{"spaceId":"${space.id}","accountId":"${acc.id}","amount":"-1.00","date":"2026-01-05","description":"x","\u0061mount":"-2.00","location":{"a":1,"b":{"a":1},"a":2}}`);
    expect(twice.status).toBe(422);
    expect(((await twice.json()) as any).error.details.map((d: any) => `${d.field}:${d.code}`)).toEqual(["amount:DUPLICATE_KEY", "location.a:DUPLICATE_KEY"]);
    expect((await callJson(`/v1/transactions?spaceId=${space.id}&limit=50`, { token: u.accessToken, ip: u.ip })).body.pagination.total).toBe(before);
    const apart = await send("/v1/transactions", u.accessToken, u.ip,
      `{"spaceId":"${space.id}","accountId":"${acc.id}","amount":"-1.00","date":"2026-01-05","description":"x","tags":[{"a":1},{"a":2}]}`);
    expect([201, 422]).toContain(apart.status);
    if (apart.status === 422) expect(JSON.stringify(await apart.json())).not.toContain("DUPLICATE_KEY");
  });
});
