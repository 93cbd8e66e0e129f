/**
 * Securities price simulator: Tiingo's end-of-day `GET /tiingo/daily/{ticker}/prices` as the real API
 * answers it (an array with the latest trading day's bar: `date`, `open`, `high`, `low`, `close`,
 * `volume`, their adjusted twins, `divCash`, `splitFactor`), with the same checks: `Authorization:
 * Token <key>` is required (the key `invalid` is refused, to exercise the client's failure path) and an
 * unknown ticker is a 404.
 *
 * With `startDate` (and `endDate`), the bars of each trading day in that range up to the latest, as the
 * real API's history answers.
 *
 * Deterministic: each ticker has a base USD close that moves by a fixed amount per trading day (a hash
 * of ticker and day, within ±3%); Saturdays and Sundays have no bar (the latest is then Friday's).
 * Prices are built as text, so each leaves with exactly its decimal digits.
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { systemClock } from "../lib/clock";
import { addDays, parseYmd, utc, ymdString } from "../lib/zoned-time";
import { canonicalDecimal, scaleDecimal } from "../modules/prices/decimal";
import { fnv1a } from "./hash";

/** Base closes in USD of the tickers the simulator lists (US stocks and ETFs, and LATAM names listed in the US). */
const BASE_CLOSE_USD: Readonly<Record<string, string>> = {
  AAPL: "190", MSFT: "420", GOOGL: "170", AMZN: "185", NVDA: "130", META: "560", TSLA: "250", NFLX: "900",
  AMD: "140", INTC: "21", JPM: "240", V: "310", JNJ: "150", WMT: "90", KO: "62", PG: "170", XOM: "115", DIS: "112",
  SPY: "590", VOO: "540", VTI: "290", QQQ: "500", IVV: "595", VXUS: "62", BND: "72", AGG: "98",
  MELI: "2000", NU: "12", AMX: "16", BBD: "2.85", VALE: "9.90", PBR: "13.40",
};

/** The trading day whose bar a request on UTC day `day` gets: the day itself, or the Friday before a weekend. */
export function sandboxTradingDay(day: string): string {
  const { y, m, d } = parseYmd(day);
  const weekday = new Date(utc(y, m - 1, d)).getUTCDay();
  const back = weekday === 6 ? 1 : weekday === 0 ? 2 : 0;
  return ymdString(addDays(parseYmd(day), -back));
}

/** The simulator's close of `ticker` on trading day `day` (USD, exact decimal), or undefined for a ticker it does not list. */
export function sandboxClose(ticker: string, day: string): string | undefined {
  const base = Object.prototype.hasOwnProperty.call(BASE_CLOSE_USD, ticker) ? BASE_CLOSE_USD[ticker] : undefined;
  if (!base) return undefined;
  const bp = (fnv1a(`${ticker}:${day}`) % 601) - 300;
  return canonicalDecimal(scaleDecimal(base, BigInt(10_000 + bp), 10_000n, 4)) ?? undefined;
}

const detail = (status: number, message: string) =>
  new Response(JSON.stringify({ detail: message }), { status, headers: { "content-type": "application/json" } });

/** Served at /sandbox/securities/... (its own app, mounted as a whole by sandbox/routes.ts). */
export const securitiesSandbox = new Hono<AppEnv>().basePath("/sandbox/securities");

securitiesSandbox.get("/tiingo/daily/:ticker/prices", (c) => {
  const m = /^Token (\S{1,128})$/.exec(c.req.header("authorization") ?? "");
  if (!m) return detail(401, "Please supply a token");
  if (m[1] === "invalid") return detail(401, "Invalid token.");
  const ticker = c.req.param("ticker").toUpperCase();
  const latest = sandboxTradingDay(new Date(systemClock.now()).toISOString().slice(0, 10));
  if (sandboxClose(ticker, latest) === undefined) return detail(404, `Error: Ticker '${ticker.slice(0, 16)}' not found`);
  const start = c.req.query("startDate");
  const end = c.req.query("endDate");
  const isDay = (d: string | undefined) => d === undefined || (/^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(d)));
  if (!isDay(start) || !isDay(end)) return detail(400, "startDate and endDate are YYYY-MM-DD");
  // The latest bar, or each trading day of the range up to the latest (at most ten years of them).
  const days: string[] = [];
  if (start === undefined) days.push(latest);
  else {
    const last = end !== undefined && end < latest ? end : latest;
    for (let d = start; d <= last && days.length < 2610; d = ymdString(addDays(parseYmd(d), 1))) if (sandboxTradingDay(d) === d) days.push(d);
  }
  const bars = days.map((day) => {
    const close = sandboxClose(ticker, day)!;
    return (
      `{"date":"${day}T00:00:00.000Z","close":${close},"high":${close},"low":${close},"open":${close},"volume":1000000,` +
      `"adjClose":${close},"adjHigh":${close},"adjLow":${close},"adjOpen":${close},"adjVolume":1000000,"divCash":0.0,"splitFactor":1.0}`
    );
  });
  return new Response(`[${bars.join(",")}]`, { headers: { "content-type": "application/json" } });
});
