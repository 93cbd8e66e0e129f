/**
 * A space with a DeFi wallet whose first sync was 20 days ago, for the value-history tests (DeFi and gaming):
 * an MXN space (UTC unless a zone is given) with 1,000.00 MXN of checking and a manual USD/MXN rate on each of the last 30 days, a
 * wallet of a fresh address linked through the API, and its rows moved 20 days back as that sync would have
 * written them. The simulators' answers for the address are changed through their control routes, then the
 * next sync goes through POST /v1/defi/sync, as the daily cron's would.
 */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { addMember, call, callJson, registerUser, type TestUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "../analytics/fixture";
import { decimalToMinor } from "../../src/modules/prices/decimal";

const DAY = 86_400_000;
// Any number of decimals: a stored value may have fewer than two ("4916.9"), which read as 49169 cents, not 491690.
export const cents = (d: string) => decimalToMinor(d, 2);

/** A lowercase address no other test uses (the simulators' settings are per address). */
export const freshAddress = () => `0x${[...crypto.getRandomValues(new Uint8Array(20))].map((b) => b.toString(16).padStart(2, "0")).join("")}`;

/** USD/MXN on `day(-n)`: a different rate a day, with four decimals so that conversions round. */
export const rateOn = (n: number) => `17.${String(1234 + 37 * n).padStart(4, "0")}`;

export async function walletSpace(address: string, before?: (owner: TestUser) => Promise<void>, timezone = "UTC") {
  const owner = await registerUser();
  const a = api(owner);
  const { day, today } = localDays(timezone);
  const spaceId = (await ok(a.post("/v1/spaces", { name: "History", type: "personal", currency: "MXN", timezone }))).id as string;
  await createAccount(owner, spaceId, { name: "Checking", currency: "MXN", openingBalance: "1000.00", openingBalanceDate: day(-30) });
  await ok(a.put(`/v1/spaces/${spaceId}/rates`, { rates: Array.from({ length: 31 }, (_, n) => ({ base: "USD", quote: "MXN", date: day(-n), rate: rateOn(n) })) }));
  await before?.(owner);
  const linked = await callJson("/v1/defi/wallets", { token: owner.accessToken, ip: owner.ip, body: { spaceId, address } });
  expect(linked.status).toBe(201);
  // The link's sync happened 20 days ago: every row it wrote, and the wallet, moved back as that sync would have written them.
  const back = 20 * DAY;
  for (const sql of [
    "UPDATE defi_wallets SET created_at = created_at - ?1, last_synced_at = last_synced_at - ?1 WHERE space_id = ?2",
    "UPDATE defi_positions SET first_seen_at = first_seen_at - ?1, synced_at = synced_at - ?1 WHERE space_id = ?2",
    "UPDATE defi_position_values SET synced_at = synced_at - ?1 WHERE space_id = ?2",
    "UPDATE gaming_positions SET first_seen_at = first_seen_at - ?1, synced_at = synced_at - ?1 WHERE space_id = ?2",
    "UPDATE gaming_position_values SET synced_at = synced_at - ?1 WHERE space_id = ?2",
  ]) {
    await env.DB.prepare(sql).bind(back, spaceId).run();
  }
  return { owner, a, spaceId, day, today };
}

/** Changes what a simulator answers for `address` from now on. */
export async function simulate(simulator: "zapper" | "gaming", address: string, settings: { percent?: Record<string, number>; closed?: string[]; copies?: number }) {
  const res = await call(`/sandbox/${simulator}/sandbox/wallets/${address}`, { body: settings });
  expect(res.status).toBe(200);
}

/** What the space's holdings are worth, by source, in USD cents, as their own modules report them. */
export async function usdTotals(a: ReturnType<typeof api>, spaceId: string) {
  const defi = await ok(a.get(`/v1/defi/positions?spaceId=${spaceId}`));
  const gaming = await ok(a.get(`/v1/gaming/portfolio?spaceId=${spaceId}`));
  return { defi: cents(defi.summary.totalValueUSDDecimal), gaming: cents(gaming.totalValueUsdDecimal), positions: defi.positions as any[], platforms: gaming.platforms as any[] };
}

/** Net worth now in MXN cents, worked out here: 1,000.00 MXN and `usd` cents at today's reported rate, rounded once, half-even. */
export function expectedNow(usd: bigint, rate: string) {
  const [i, f = ""] = rate.split(".");
  const scale = 10n ** BigInt(f.length);
  const n = 100_000n * scale + usd * BigInt(i + f); // in MXN cents × scale
  const q = n / scale;
  const r = n % scale;
  return 2n * r > scale || (2n * r === scale && q % 2n === 1n) ? q + 1n : q;
}

export async function readings(a: ReturnType<typeof api>, spaceId: string, from: string, to: string) {
  const dash = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=7d`));
  const history = await ok(a.get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=${from}&to=${to}&interval=day`));
  const todayRate = dash.conversion.ratesUsed.find((r: any) => r.base === "USD" && r.quote === "MXN" && r.date === to)?.rate as string;
  return { dash, points: history.points as { date: string; netWorthDecimal: string }[], todayRate };
}

/** `n` members of the space, each with an API: a manual sync is allowed 5 a minute per caller, so 20 syncs take 4. */
export async function syncers(owner: TestUser, spaceId: string, n: number) {
  const out: ReturnType<typeof api>[] = [];
  for (let i = 0; i < n; i++) {
    const member = await registerUser();
    await addMember(owner, spaceId, member, "member");
    out.push(api(member));
  }
  return out;
}

/**
 * Moves the last sync of the space's wallet (every row it wrote, at its instant or after, and the wallet's last
 * sync) back to instant `to`, as if it had happened then; returns the instant it happened at.
 */
export async function moveLastSync(spaceId: string, to: number): Promise<number> {
  const { at } = (await env.DB.prepare("SELECT last_synced_at AS at FROM defi_wallets WHERE space_id = ?").bind(spaceId).first<{ at: number }>())!;
  for (const sql of [
    "UPDATE defi_wallets SET last_synced_at = last_synced_at - ?1 WHERE space_id = ?2 AND last_synced_at >= ?3",
    "UPDATE defi_positions SET synced_at = synced_at - ?1, first_seen_at = first_seen_at - IIF(first_seen_at >= ?3, ?1, 0) WHERE space_id = ?2 AND synced_at >= ?3",
    "UPDATE defi_position_values SET synced_at = synced_at - ?1 WHERE space_id = ?2 AND synced_at >= ?3",
    "UPDATE gaming_positions SET synced_at = synced_at - ?1, first_seen_at = first_seen_at - IIF(first_seen_at >= ?3, ?1, 0) WHERE space_id = ?2 AND synced_at >= ?3",
    "UPDATE gaming_position_values SET synced_at = synced_at - ?1 WHERE space_id = ?2 AND synced_at >= ?3",
  ]) {
    await env.DB.prepare(sql).bind(at - to, spaceId, at).run();
  }
  return at;
}

/** A thing's value points, oldest first. */
export async function pointsOf(table: "defi_position_values" | "gaming_position_values", where: string, ...binds: unknown[]) {
  return (await env.DB.prepare(`SELECT synced_at, value_usd FROM ${table} WHERE ${where} ORDER BY synced_at`).bind(...binds).all<{ synced_at: number; value_usd: string | null }>()).results;
}
