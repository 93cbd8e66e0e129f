/**
 * What an attacker sends, through the real app: percent-encoded, invalid-UTF-8, dot and very long paths to every method
 * (the 405 and not-found handlers read the router-decoded path), JSON bodies with prototype keys, arrays, scalars and
 * 5000-deep nesting (the validation hook walks the raw input to tell a left-out field), and search terms of NULs,
 * lone surrogates, combining marks and bidi marks. Each is a 4xx or an answer, never a 500.
 */
import { describe, expect, it } from "vitest";
import { call, createSpace, registerUser } from "../helpers";

describe("odd input never a 500", () => {
  it("odd paths", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const paths = [
      "/v1/transactions/%74ransfer", "/v1/transactions/%E0%A4%A", "/v1/transactions/%ZZ", "/v1/transactions/%", "/v1/%2F%2F",
      "/v1/transactions/%2Ftransfer", "/v1/transactions/transfer%2F", "/v1/accounts/%73ummary", "/%C0%AF", "/v1/spaces/%ED%A0%80",
      "/v1/" + "a/".repeat(4000), "/v1/transactions/" + "%41".repeat(20000), `/v1/spaces/${space.id}/transactions/%00`,
      "/v1/transactions/..%2F..%2Fadmin", "/v1/transactions/%2e%2e", "/v1/transactions?search=%00", "/v1/transactions?search=%ED%A0%80",
      "/v1/transactions?search=" + "a%CC%81".repeat(30), "/v1/transactions?search=%E2%80%8F%E2%80%8F", "/v1/transactions?search=%FF",
      `/v1/transactions?spaceId=${space.id}&search=` + "%CC%81".repeat(100),
    ];
    const out: string[] = []; const hist: Record<number, number> = {};
    for (const m of ["GET", "POST", "PUT", "DELETE", "PATCH"]) for (const p of paths) {
      for (const token of [undefined, u.accessToken]) {
        const r = await call(p, { method: m, token, ip: u.ip, ...(m === "GET" || m === "DELETE" ? {} : { rawBody: "{}", headers: { "content-type": "application/json" } }) });
        const t = await r.text();
        hist[r.status] = (hist[r.status] ?? 0) + 1;
        if (r.status >= 500) out.push(`${m} ${p.slice(0, 80)} ${!!token} ${r.status} ${t.slice(0, 200)}`);
      }
    }
    expect(out).toEqual([]);
    expect(hist[500] ?? 0).toBe(0);
  });

  it("odd bodies", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    let deep: any = {}; const root = deep;
    for (let i = 0; i < 5000; i++) { deep.a = {}; deep = deep.a; }
    const deepText = "[".repeat(10000) + "]".repeat(10000);
    const bodies = [
      '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', "[]", "[1,2]", '"str"', "null", "1e309", "true",
      JSON.stringify(root), deepText, '{"name":{"__proto__":null}}', '{"__proto__":null}', '{"toString":1,"hasOwnProperty":1}',
      '{"amount":"1e309"}', '{"amount":-0}', '{"name":"\\ud800"}', '{"name":"\\u0000"}',
    ];
    const routes = [
      ["POST", "/v1/spaces"], ["POST", `/v1/accounts?spaceId=${space.id}`], ["POST", `/v1/budgets?spaceId=${space.id}`],
      ["POST", `/v1/transactions?spaceId=${space.id}`], ["POST", `/v1/webhooks?spaceId=${space.id}`], ["POST", `/v1/categories?spaceId=${space.id}`],
      ["POST", `/v1/assets?spaceId=${space.id}`], ["POST", `/v1/transactions/transfer?spaceId=${space.id}`], ["PATCH", `/v1/spaces/${space.id}`],
    ];
    const out: string[] = []; const hist: Record<number, number> = {};
    for (const [m, p] of routes) for (const b of bodies) {
      const r = await call(p!, { method: m, token: u.accessToken, ip: u.ip, rawBody: b, headers: { "content-type": "application/json" } });
      const t = await r.text();
      hist[r.status] = (hist[r.status] ?? 0) + 1;
      if (r.status >= 500) out.push(`${m} ${p} ${b.slice(0, 40)} ${r.status} ${t.slice(0, 200)}`);
    }
    expect(out).toEqual([]);
    expect(hist[500] ?? 0).toBe(0);
  });
});

describe("odd search text", () => {
  it("odd search text", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const terms = ["%00", "%ED%A0%80", "a%CC%81".repeat(30), "%E2%80%8F%E2%80%8F", "%FF", "%CC%81".repeat(100), "%25", "_", "%5C", "'", "a".repeat(100), "%EF%AC%81".repeat(100), "%E2%80%8B".repeat(100)];
    const out: string[] = [];
    for (const t of terms) {
      const r = await call(`/v1/transactions?spaceId=${space.id}&search=${t}`, { token: u.accessToken, ip: u.ip });
      const x = await r.text();
      if (r.status !== 200) out.push(`${t.slice(0, 20)} ${r.status} ${x.slice(0, 120)}`);
      else expect(JSON.parse(x).transactions).toEqual([]);
    }
    expect(out).toEqual([]);
  });
});
