/**
 * Sandbox exchange-rate provider: deterministic daily rates against USD.
 *
 * `GET /v1/rates/{date}?base=USD&symbols=MXN,EUR` with `Authorization: Bearer
 * <key>` (keys starting with "sandbox-"). Each currency moves on a 60-day
 * triangle wave of ±1.5% around its reference, computed in integers, so a date
 * always gives the same rate and rates are exact 6-decimal strings. Future
 * dates and dates before 1999 have no rates (404), as with real providers.
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { parseYmd, utc } from "../lib/zoned-time";

/** Reference value of 1 USD, in millionths. */
const REFERENCE_MICRO: Record<string, bigint> = {
  MXN: 17_250_000n, EUR: 920_000n, GBP: 790_000n, CAD: 1_360_000n, BRL: 5_050_000n, COP: 3_950_000_000n,
  ARS: 870_000_000n, CLP: 940_000_000n, PEN: 3_750_000n, JPY: 150_200_000n,
};

export const SANDBOX_RATES_SOURCE = "sandbox-fx";

/** The simulator's rate of 1 USD in `symbol` on `date`, as an exact decimal string (also used by tests and demo data). */
export function sandboxRate(symbol: string, date: string): string | null {
  const ref = REFERENCE_MICRO[symbol];
  if (ref === undefined) return null;
  const { y, m, d } = parseYmd(date);
  const day = Math.floor(utc(y, m - 1, d) / 86_400_000);
  let seed = 0;
  for (const ch of symbol) seed = (seed * 31 + ch.charCodeAt(0)) % 60;
  const phase = (((day + seed) % 60) + 60) % 60;
  const tri = BigInt(phase < 30 ? phase : 60 - phase); // 0..30
  const micro = (ref * (985_000n + tri * 1_000n)) / 1_000_000n;
  const s = micro.toString().padStart(7, "0");
  return `${s.slice(0, -6)}.${s.slice(-6)}`;
}

export const ratesSandbox = new Hono<AppEnv>();

ratesSandbox.get("/v1/rates/:date", (c) => {
  const auth = c.req.header("authorization") ?? "";
  if (!/^Bearer sandbox-[\w-]{1,64}$/.test(auth)) return c.json({ error: "invalid_api_key" }, 401);
  const date = c.req.param("date");
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) return c.json({ error: "invalid_date" }, 400);
  const base = c.req.query("base") ?? "USD";
  if (base !== "USD") return c.json({ error: "base_not_supported", message: "This plan quotes against USD only" }, 422);
  const today = new Date().toISOString().slice(0, 10);
  if (date > today || date < "1999-01-01") return c.json({ error: "no_rates_for_date" }, 404);
  const symbols = (c.req.query("symbols") ?? Object.keys(REFERENCE_MICRO).join(",")).split(",").filter(Boolean).slice(0, 50);
  const rates: Record<string, string> = {};
  for (const s of symbols) {
    const r = sandboxRate(s, date);
    if (r === null) return c.json({ error: "unknown_symbol", symbol: s.slice(0, 10) }, 422);
    rates[s] = r;
  }
  return c.json({ base, date, source: SANDBOX_RATES_SOURCE, rates });
});
