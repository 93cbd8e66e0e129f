/**
 * What Zapper's figures become, through the real client, sync and reads (Zapper's answer set per test in front of
 * its simulator): debt reduces net worth whatever sign it is written with, a figure with an absurd exponent or
 * many decimals does not fail or empty a wallet's sync, and an asset whose value cannot be read is not taken
 * for a closed position.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { registerSandboxHandler } from "../../src/lib/outbound";
import { MAX_TOKENS_PER_POSITION } from "../../src/modules/defi/client";
import { defiHoldings } from "../../src/modules/defi/holdings";
import { callJson, createSpace, registerUser, type TestUser } from "../helpers";

let zapper: string | null = null;
beforeAll(() => {
  registerSandboxHandler((request, e) => {
    if (zapper !== null && new URL(request.url).pathname.startsWith("/sandbox/zapper/v2/")) return Promise.resolve(new Response(zapper, { status: 200 }));
    return app.fetch(request, e);
  });
});
afterAll(() => registerSandboxHandler((request, e) => app.fetch(request, e)));

/** One Zapper app with one asset (numbers written as given: JSON number literals). */
const asset = (key: string, groupId: string, total: string | null, tokens: string[]) =>
  `{"appId":"aave-v3","network":"ethereum","products":[{"label":"x","assets":[{"type":"contract-position","key":"${key}","groupId":"${groupId}",` +
  `${total === null ? "" : `"balanceUSD":${total},`}"tokens":[${tokens.join(",")}],"displayProps":{"label":"${key}"}}]}]}`;
const token = (symbol: string, balance: string, usd: string, metaType = "supplied") => `{"symbol":"${symbol}","metaType":"${metaType}","balance":${balance},"balanceUSD":${usd}}`;

const ADDRESS = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed";

async function walletWith(answer: string) {
  const owner = await registerUser();
  const space = await createSpace(owner, { currency: "USD" });
  zapper = answer;
  const added = await callJson("/v1/defi/wallets", { token: owner.accessToken, ip: owner.ip, body: { spaceId: space.id, address: ADDRESS } });
  expect(added.status).toBe(201);
  return { owner, spaceId: space.id as string, walletId: added.body.wallet.id as string, sync: added.body.sync };
}

const positions = async (u: TestUser, spaceId: string) => {
  const res = await callJson(`/v1/defi/positions?spaceId=${spaceId}`, { token: u.accessToken, ip: u.ip });
  expect(res.status).toBe(200);
  return res.body;
};
const holdings = async (spaceId: string) =>
  (await defiHoldings({ env, clock: { now: () => Date.now() } } as never, spaceId, Date.now())).map((h) => h.valueMinor).sort((a, b) => (a < b ? -1 : 1));

describe("Zapper's debt", () => {
  it("a borrow written with positive figures is owed: negative value, tokens and net worth", async () => {
    const { owner, spaceId } = await walletWith(
      `[${asset("supply", "supply", "3000", [token("USDC", "3000", "3000")])},${asset("debt", "borrow", "1000.5", [token("USDC", "1000.5", "1000.5", "borrowed")])}]`,
    );
    const body = await positions(owner, spaceId);
    const debt = body.positions.find((p: { label: string }) => p.label === "debt");
    expect(debt).toMatchObject({ type: "borrowing", totalValueUSDDecimal: "-1000.50", tokens: [{ symbol: "USDC", balanceDecimal: "-1000.5", balanceUSDDecimal: "-1000.50" }] });
    expect(body.summary.totalValueUSDDecimal).toBe("1999.50");
    expect(await holdings(spaceId)).toEqual([-100050n, 300000n]);
  });

  it("Aave's variable-debt group is a borrowing; written negative it stays negative", async () => {
    const { owner, spaceId } = await walletWith(`[${asset("vdebt", "variable-debt", "-250", [token("DAI", "-250", "-250", "borrowed")])}]`);
    const body = await positions(owner, spaceId);
    expect(body.positions).toEqual([expect.objectContaining({ type: "borrowing", totalValueUSDDecimal: "-250.00" })]);
    expect(await holdings(spaceId)).toEqual([-25000n]);
  });

  it("a position holding collateral and a borrowed token is worth the collateral net of the debt, not their sum", async () => {
    const { owner, spaceId } = await walletWith(
      `[${asset("leveraged", "farm", "4000", [token("ETH", "1", "3000"), token("USDC", "1000", "1000", "borrowed")])}]`,
    );
    const body = await positions(owner, spaceId);
    expect(body.positions).toEqual([expect.objectContaining({ type: "farming", totalValueUSDDecimal: "2000.00" })]);
    expect(await holdings(spaceId)).toEqual([200000n]);
  });
});

describe("Zapper's figures", () => {
  it("an exponent past any real figure leaves that asset unread, not the wallet's sync failed", async () => {
    const { owner, spaceId, sync } = await walletWith(
      `[${asset("ok", "supply", "10", [token("USDC", "10", "10")])},${asset("absurd", "supply", "1e999999999", [token("USDC", "1e999999999", "1")])}]`,
    );
    expect(sync).toMatchObject({ status: "ok", positions: 1, error: null });
    expect((await positions(owner, spaceId)).positions).toEqual([expect.objectContaining({ label: "ok", totalValueUSDDecimal: "10.00" })]);
  });

  it("keeps an 18-decimal balance of a huge supply exactly, and rounds digits past 24 decimals instead of dropping the figure", async () => {
    const { owner, spaceId } = await walletWith(
      `[${asset("dust", "supply", "12.3450000000000000000000000001", [token("PEPE", "123456789012345678901234.123456789012345678", "12.345"), token("WEI", "0.1234567890123456789012345", "0.0000000000000000000000000001")])}]`,
    );
    const [p] = (await positions(owner, spaceId)).positions;
    expect(p.totalValueUSDDecimal).toBe("12.35");
    expect(p.tokens.map((t: { balanceDecimal: string }) => t.balanceDecimal)).toEqual(["123456789012345678901234.123456789012345678", "0.123456789012345678901235"]);
  });

  it("a mixed position whose net is too long to store is left unread (kept as stored), not a 500 for the wallet's sync", async () => {
    const { owner, spaceId, sync } = await walletWith(
      `[${asset("ok", "supply", "10", [token("USDC", "10", "10")])},${asset("wide", "farm", "1", [token("BIG", "1", "1e40"), token("DUST", "1", "0.000000000000000000000001", "borrowed")])}]`,
    );
    // 10^40 less 10^-24: 65 characters, past the 64 a figure is stored with.
    expect(sync).toMatchObject({ status: "ok", positions: 1, error: null });
    expect((await positions(owner, spaceId)).positions).toEqual([expect.objectContaining({ label: "ok", totalValueUSDDecimal: "10.00" })]);
  });

  it("a figure written with a long mantissa and a small exponent is its value, not zero", async () => {
    const { owner, spaceId } = await walletWith(`[${asset("tiny", "supply", "5", [token("WEI", `1${"0".repeat(57)}e-65`, "5")])}]`);
    const [p] = (await positions(owner, spaceId)).positions;
    expect(p.tokens.map((t: { balanceDecimal: string }) => t.balanceDecimal)).toEqual(["0.00000001"]);
  });

  it("an asset named without a readable value keeps its stored position; one no longer named is removed", async () => {
    const { owner, spaceId, walletId } = await walletWith(
      `[${asset("lp", "pool", "500", [token("ETH", "0.1", "250"), token("USDC", "250", "250")])},${asset("stake", "staking", "70", [token("STETH", "0.02", "70")])}]`,
    );
    zapper = `[${asset("lp", "pool", null, [token("ETH", "0.1", "250"), token("USDC", "250", "250")])},${asset("stake", "staking", "71", [token("STETH", "0.02", "71")])}]`;
    const sync = await callJson("/v1/defi/sync", { token: owner.accessToken, ip: owner.ip, body: { spaceId, walletIds: [walletId] } });
    expect(sync.body.results).toEqual([expect.objectContaining({ status: "ok", positions: 1 })]);
    let body = await positions(owner, spaceId);
    expect(body.positions.map((p: { label: string; totalValueUSDDecimal: string }) => `${p.label}=${p.totalValueUSDDecimal}`)).toEqual(["lp=500.00", "stake=71.00"]);
    expect(await holdings(spaceId)).toEqual([7100n, 50000n]);

    zapper = `[${asset("stake", "staking", "71", [token("STETH", "0.02", "71")])}]`;
    expect((await callJson("/v1/defi/sync", { token: owner.accessToken, ip: owner.ip, body: { spaceId } })).status).toBe(200);
    body = await positions(owner, spaceId);
    expect(body.positions.map((p: { label: string }) => p.label)).toEqual(["stake"]);
    expect(await holdings(spaceId)).toEqual([7100n]);
    zapper = null;
  });

  it("a position answered with 60,000 tokens is stored with its largest tokens and the value of all of them, not a 500", { timeout: 60_000 }, async () => {
    // Token i is worth i cents; the value is of every token, net of the borrowed one.
    const tokens = Array.from({ length: 60_000 }, (_, i) => token(`T${i}`, "1.5", `0.${String(i % 100).padStart(2, "0")}`));
    tokens.push(token("USDC", "100", "100", "borrowed"));
    const { owner, spaceId, sync } = await walletWith(`[${asset("huge", "farm", "1", tokens)}]`);
    expect(sync).toMatchObject({ status: "ok", positions: 1 });
    const [p] = (await positions(owner, spaceId)).positions;
    expect(p.tokens).toHaveLength(MAX_TOKENS_PER_POSITION);
    expect(p.tokens[p.tokens.length - 1]).toMatchObject({ symbol: "USDC", balanceUSDDecimal: "-100.00" });
    expect(p.tokens.slice(0, -1).every((t: { balanceUSDDecimal: string }) => t.balanceUSDDecimal === "0.99")).toBe(true);
    expect(p.totalValueUSDDecimal).toBe("29600.00"); // 600 × (0 + 0.01 + … + 0.99) = 29,700, less the 100 borrowed
  });
});
