/**
 * Ledger address filters are user text. They used to become a native RegExp
 * (`*` as `[^:]*`), so `accounts:**********#` on /ledger/balances backtracked
 * for seconds and more stars for minutes. Now a filter is validated strictly,
 * never reaches a RegExp, and matches in time linear in pattern plus address:
 *
 * - the JS matcher's counted steps stay under a fixed multiple of the input
 *   size for the inputs that were exponential before;
 * - the SQL form binds a bounded number of parameters, each GLOB operand at
 *   most 50 bytes with no runs of `*`, so each row costs a bounded amount;
 * - every route that takes a pattern answers pathological ones at once, with
 *   exactly what the linear matcher says (and a generous wall-clock bound).
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AddressFilter,
  addressFilterSql,
  compileAddressFilter,
  MAX_WILDCARD_SEGMENT,
  type MatchMeter,
  matchAddress,
} from "../../src/modules/ledger/addresses";
import { callJson } from "../helpers";
import { type LedgerCtx, ledgerSpace, posting } from "../ledger/helpers";
import { commitEach } from "../ledger/many-addresses";

/** A textbook O(n·m) glob matcher, trusted for small inputs only: the reference the fast one must agree with. */
function referenceMatch(pattern: string, address: string): boolean {
  const ps = pattern.split(":");
  const as = address.split(":");
  const rest = ps[ps.length - 1] === "...";
  const fixed = rest ? ps.slice(0, -1) : ps;
  if (rest ? as.length < fixed.length : as.length !== fixed.length) return false;
  return fixed.every((p, i) => {
    const s = as[i]!;
    const dp: boolean[][] = Array.from({ length: p.length + 1 }, () => Array<boolean>(s.length + 1).fill(false));
    dp[0]![0] = true;
    for (let x = 1; x <= p.length; x++) {
      for (let y = 0; y <= s.length; y++) {
        dp[x]![y] = p[x - 1] === "*" ? dp[x - 1]![y]! || (y > 0 && dp[x]![y - 1]!) : y > 0 && dp[x - 1]![y - 1]! && p[x - 1] === s[y - 1];
      }
    }
    return dp[p.length]![s.length]!;
  });
}

const STEP_FACTOR = 6; // steps per character of pattern plus address; the bound below must hold for every input size

function measuredMatch(filter: AddressFilter, address: string): { matched: boolean; steps: number } {
  const meter: MatchMeter = { steps: 0 };
  return { matched: matchAddress(filter, address, meter), steps: meter.steps };
}

describe("address filters are validated strictly", () => {
  const invalid = [
    "accounts:**********#",
    `accounts:${"*".repeat(600)}#`,
    "users:*:...:x",
    "users::x",
    "users:",
    "",
    "a:b:c:d:e:f:g:h:i:j:k",
    "users:al ice",
    "users:(a+)+",
    "users:.*",
    "users:[a-z]",
    "users:?",
    `users:${"*a".repeat(26)}`,
    `users:${"a".repeat(65)}`,
  ];
  const short = (t: string) => (t.length > 40 ? `${t.slice(0, 37)}...` : t);
  it.each(invalid.map((t) => [short(t), t]))("refuses %j", (_, text) => {
    expect(() => compileAddressFilter(text)).toThrow();
  });

  it("collapses runs of * and keeps what is allowed", () => {
    expect(compileAddressFilter(`accounts:${"*".repeat(600)}x`).text).toBe("accounts:*x");
    expect(compileAddressFilter("users:**:...").text).toBe("users:*:...");
    expect(compileAddressFilter("...")).toMatchObject({ segments: [], rest: true, literal: false });
    expect(compileAddressFilter("users:alice")).toMatchObject({ literal: true });
    expect(compileAddressFilter(`users:${"a".repeat(64)}`).literal).toBe(true);
    expect(compileAddressFilter("a:b:c:d:e:f:g:h:i:...").segments).toHaveLength(9);
  });
});

describe("matching is linear in pattern plus address", () => {
  const cases: [string, (n: number) => string][] = [
    // The shapes that made the RegExp explode, one failing literal at the end.
    [`accounts:${"*a".repeat(24)}*b`, (n) => `accounts:${"a".repeat(n)}`],
    [`accounts:*${"a*".repeat(24)}c`, (n) => `accounts:${"a".repeat(n)}`],
    // A long middle piece that almost matches everywhere: naive search would be n·m.
    [`x:*${"a".repeat(40)}b*`, (n) => `x:${"a".repeat(n)}`],
    ["*:*:*:*:*:*:*:*:*:*b", (n) => `${"a:".repeat(9)}${"a".repeat(n)}`],
    [`*a*:...`, (n) => `${"a".repeat(n)}:${"b:".repeat(n)}c`],
  ];

  it.each(cases)("%s", (pattern, addressOf) => {
    const filter = compileAddressFilter(pattern);
    for (const n of [10, 64, 1_000, 10_000, 100_000]) {
      const address = addressOf(n);
      const { matched, steps } = measuredMatch(filter, address);
      expect(steps, `n=${n}`).toBeLessThanOrEqual(STEP_FACTOR * (pattern.length + address.length));
      if (n <= 64) expect(matched, `n=${n}`).toBe(referenceMatch(filter.text, address));
    }
  });

  it("agrees with the reference matcher on a grid of small cases", () => {
    const patterns = ["a", "a*", "*a", "*", "a*b", "*ab*", "a*b*a", "*:*", "a:*", "a:...", "*:...", "...", "*b*:b", "ab:*a*:..."];
    const addresses = ["a", "b", "ab", "ba", "aab", "aba", "abab", "a:b", "ab:ab", "a:b:c", "b:b", "ab:bab:x", "ab:a", "aa:ba"];
    for (const p of patterns) {
      const f = compileAddressFilter(p);
      for (const a of addresses) expect(matchAddress(f, a), `${p} ~ ${a}`).toBe(referenceMatch(p, a));
    }
  });

  it("compiles in one pass over the text", () => {
    for (const n of [10, 100, 690]) {
      const meter: MatchMeter = { steps: 0 };
      const text = `a:${"*".repeat(n)}b`;
      compileAddressFilter(text, meter);
      expect(meter.steps).toBeLessThanOrEqual(text.length);
    }
  });

  it("the SQL form does bounded work per row: few parameters, short GLOBs, no runs of *", () => {
    const filters = [
      "users:*",
      "users:...",
      "...",
      `accounts:${"*a".repeat(24)}*b`,
      "*:*:*:*:*:*:*:*:*:*",
      `${"a*:".repeat(9)}...`,
      `${Array(10).fill("a".repeat(64)).join(":")}`,
      `${Array(9).fill(`*${"b".repeat(48)}`).join(":")}:...`,
    ];
    for (const text of filters) {
      const f = compileAddressFilter(text);
      const { sql, params } = addressFilterSql(f, "address");
      expect(params.length, text).toBeLessThanOrEqual(12);
      for (const p of params) {
        expect(p.includes("**"), text).toBe(false);
        if (p.includes("*")) expect(p.length, text).toBeLessThanOrEqual(MAX_WILDCARD_SEGMENT);
      }
      expect(sql.length, text).toBeLessThan(4_000);
    }
  });
});

describe("every ledger route that takes a pattern answers pathological ones at once", () => {
  const LONG = "a".repeat(64);
  const addresses = [
    `wallets:${LONG}`,
    `wallets:${"a".repeat(63)}b`,
    Array(10).fill(LONG).join(":"),
    `${LONG}:${"b".repeat(64)}`,
    "users:alice",
  ];
  let ctx: LedgerCtx;
  beforeAll(async () => {
    ctx = await ledgerSpace();
    await commitEach(ctx, addresses.map((a) => posting("world", a, 1)));
  });

  const routes = [
    { path: "/transactions", param: "account" },
    { path: "/transactions", param: "source" },
    { path: "/transactions", param: "destination" },
    { path: "/accounts", param: "address" },
    { path: "/balances", param: "address" },
  ];
  const rejected = [
    "accounts:**********#",
    `accounts:${"*".repeat(650)}#`,
    `accounts:${"*a".repeat(30)}*b`,
    `${"*:".repeat(10)}...`,
  ];
  const accepted = [
    `wallets:${"*a".repeat(24)}*b`,
    `wallets:*${"a*".repeat(24)}c`,
    `wallets:${"*".repeat(690)}`,
    "*:*:*:*:*:*:*:*:*:*",
    `*${"a*".repeat(24)}:...`,
    `${"*a*:".repeat(9)}*b`,
    "...",
  ];
  const WALL_CLOCK_SANITY_MS = 5_000; // the RegExp took seconds to minutes; a linear match takes milliseconds

  /** What the route should answer for `pattern`, computed with the linear matcher over the space's addresses. */
  function expected(path: string, param: string, pattern: string) {
    const f = compileAddressFilter(pattern);
    let steps = 0;
    let size = 0;
    const matches = (a: string) => {
      const meter: MatchMeter = { steps: 0 };
      const m = matchAddress(f, a, meter);
      steps += meter.steps;
      size += f.text.length + a.length;
      return m;
    };
    const worldMatches = matches("world");
    const hit = addresses.filter(matches);
    expect(steps, pattern).toBeLessThanOrEqual(STEP_FACTOR * size);
    if (path === "/accounts") return [...hit, ...(worldMatches ? ["world"] : [])].sort().reverse(); // by address, descending
    if (path === "/balances") return hit.length || worldMatches ? { "USD/2": hit.length - (worldMatches ? addresses.length : 0) } : {};
    // Transaction i is world -> addresses[i].
    const side = (i: number) => (param === "source" ? worldMatches : param === "destination" ? hit.includes(addresses[i]!) : worldMatches || hit.includes(addresses[i]!));
    return addresses.map((_, i) => i).filter(side).reverse();
  }

  it.each(routes)("$path?$param=", async ({ path, param }) => {
    for (const pattern of rejected) {
      const started = Date.now();
      const res = await callJson(`${ctx.base}${path}?${param}=${encodeURIComponent(pattern)}`, { token: ctx.user.accessToken, ip: ctx.user.ip });
      expect(Date.now() - started, pattern).toBeLessThan(WALL_CLOCK_SANITY_MS);
      expect(res.status, pattern).toBe(422);
      expect(res.body.error.details[0].field, pattern).toBe(param);
    }
    for (const pattern of accepted) {
      const started = Date.now();
      const res = await callJson(`${ctx.base}${path}?${param}=${encodeURIComponent(pattern)}`, { token: ctx.user.accessToken, ip: ctx.user.ip });
      expect(Date.now() - started, pattern).toBeLessThan(WALL_CLOCK_SANITY_MS);
      expect(res.status, `${pattern}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(200);
      const got =
        path === "/balances"
          ? res.body.data
          : path === "/accounts"
            ? res.body.cursor.data.map((a: any) => a.address)
            : res.body.cursor.data.map((t: any) => t.txid);
      expect(got, pattern).toEqual(expected(path, param, pattern));
    }
  });
});
