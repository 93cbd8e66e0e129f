/**
 * A day the provider has no rates for is asked once, not on every request: `GET /v1/rates` for such a day used to
 * call the provider each time (1,000 calls an hour a user could spend, and the plan's quota with it). And an attempt
 * made while its day was under way does not keep the backfill from filling the finished day.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { registerSandboxHandler } from "../../src/lib/outbound";
import { backfillRates } from "../../src/modules/rates/backfill";
import { svcAt } from "../documents/helpers";
import { callJson, registerUser, type TestUser } from "../helpers";
import { localDays } from "../analytics/fixture";

/** The days the simulator was asked for, in order. */
const asked: string[] = [];
/** A day whose next answer is cut off mid-body (a transient failure, nothing to do with the day). */
let glitch: string | null = null;
beforeAll(() => registerSandboxHandler((request, e) => {
  const m = /\/rates\/v1\/rates\/([^/?]+)/.exec(new URL(request.url).pathname);
  if (m) {
    const day = decodeURIComponent(m[1]!);
    asked.push(day);
    if (glitch === day) {
      glitch = null;
      return new Response('{"base":"USD","date":"', { status: 200, headers: { "content-type": "application/json" } });
    }
  }
  return app.fetch(request, e);
}));
afterAll(() => registerSandboxHandler((request, e) => app.fetch(request, e)));

const get = (u: TestUser, path: string) => callJson(path, { token: u.accessToken, ip: u.ip });

describe("a day without rates", () => {
  it("is asked of the provider once; repeats answer from what is stored, with the same note", async () => {
    const u = await registerUser();
    asked.length = 0;
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await get(u, "/v1/rates?base=USD&quote=MXN&date=1990-06-15"));
    expect(asked).toEqual(["1990-06-15"]);
    for (const r of answers) {
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ rate: null, notes: ["No USD/MXN rate on 1990-06-15 or within the days before it"] });
    }
    // A coin's pair reads the market feed; the provider's day is not asked again either.
    expect((await get(u, "/v1/rates?base=BTC&quote=MXN&date=1990-06-15")).status).toBe(200);
    expect(asked).toEqual(["1990-06-15"]);
    // Another user asking the same day costs nothing more.
    expect((await get(await registerUser(), "/v1/rates?base=EUR&quote=USD&date=1990-06-15")).status).toBe(200);
    expect(asked).toEqual(["1990-06-15"]);
  });

  it("an unreadable answer is not remembered as a day without rates: the next request asks again and gets them", async () => {
    const u = await registerUser();
    const day = "2022-11-09";
    glitch = day;
    asked.length = 0;
    expect((await get(u, `/v1/rates?base=USD&quote=MXN&date=${day}`)).status).toBe(502);
    const again = await get(u, `/v1/rates?base=USD&quote=MXN&date=${day}`);
    expect(asked).toEqual([day, day]);
    expect(again.body).toMatchObject({ rateDate: day });
  });

  it("a day with rates is stored and never asked again", async () => {
    const u = await registerUser();
    asked.length = 0;
    for (let i = 0; i < 3; i++) expect((await get(u, "/v1/rates?base=USD&quote=MXN&date=2023-03-14")).body.rate).not.toBeNull();
    expect(asked.filter((d) => d === "2023-03-14").length).toBeLessThanOrEqual(1);
  });

  it("an attempt made during its day does not keep the backfill from filling it once it is over", async () => {
    const { day } = localDays("UTC");
    const yesterday = day(-1);
    await env.DB.batch([
      env.DB.prepare("DELETE FROM exchange_rates WHERE date = ?").bind(yesterday),
      // Asked at noon of that day (say the provider had not published yet): says nothing of the finished day.
      env.DB.prepare("INSERT INTO rate_backfill_attempts (date, attempted_at, stored) VALUES (?, ?, 0) ON CONFLICT(date) DO UPDATE SET attempted_at = excluded.attempted_at, stored = 0")
        .bind(yesterday, Date.parse(`${yesterday}T12:00:00Z`)),
    ]);
    asked.length = 0;
    expect(await backfillRates(svcAt(Date.now()), Date.now())).toContain(yesterday);
    expect(asked).toContain(yesterday);
    const stored = await env.DB.prepare("SELECT COUNT(*) AS n FROM exchange_rates WHERE base = 'USD' AND date = ?").bind(yesterday).first<{ n: number }>();
    expect(stored!.n).toBeGreaterThan(0);
  });
});
