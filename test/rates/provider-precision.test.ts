/**
 * A provider's rate with more than 12 decimals (QA-FX): a JSON number such as 0.9212345678901234, which providers
 * that compute rates in floating point send, failed the whole day's answer as "an invalid rate" (a 502, and no rate
 * of any currency that day). It is an exact decimal like any other: stored digit for digit and converted exactly.
 * And a derived rate far below 1 keeps 12 significant digits: COP→BTC was shown to 12 decimals, 0.000000002543, four
 * digits, which would turn a billion pesos into 0.00016 BTC (some 63,000 COP) less than the stored price says.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { registerSandboxHandler } from "../../src/lib/outbound";
import { callJson, registerUser } from "../helpers";

const DAY = "2023-06-14";
const EUR = 0.9212345678901234;

beforeAll(() => registerSandboxHandler(async (request, e) => {
  const res = await app.fetch(request, e);
  if (!new URL(request.url).pathname.endsWith(`/rates/v1/rates/${DAY}`) || res.status !== 200) return res;
  const body = (await res.json()) as { rates: Record<string, unknown> };
  body.rates.EUR = EUR;
  return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
}));
afterAll(() => registerSandboxHandler((request, e) => app.fetch(request, e)));

describe("a provider's rate with many decimals", () => {
  it("is stored exactly and converts, inverse included", async () => {
    const u = await registerUser();
    const get = (path: string) => callJson(path, { token: u.accessToken, ip: u.ip });
    const direct = await get(`/v1/rates?base=USD&quote=EUR&date=${DAY}`);
    expect(direct.status).toBe(200);
    expect(direct.body).toMatchObject({ rate: "0.9212345678901234", exact: true, derivation: "direct", rateDate: DAY });
    // 1 / 0.9212345678901234 = 1.085499866001…, to 12 decimals half-even.
    const inverse = await get(`/v1/rates?base=EUR&quote=USD&date=${DAY}`);
    expect(inverse.body).toMatchObject({ rate: "1.085499866001", exact: false, derivation: "inverse" });
    // The rest of the day's rates came with it.
    expect((await get(`/v1/rates?base=USD&quote=MXN&date=${DAY}`)).body).toMatchObject({ exact: true, rateDate: DAY });
  });

  it("a derived rate far below 1 keeps 12 significant digits", async () => {
    const u = await registerUser();
    const now = Date.now();
    await env.DB.prepare("INSERT OR REPLACE INTO market_prices (symbol, quote, day, price_decimal, source, as_of, fetched_at) VALUES ('BTC', 'COP', '2024-01-15', '393209773', 'test', ?, ?)")
      .bind(now, now).run();
    const r = await callJson("/v1/rates?base=COP&quote=BTC&date=2024-01-15", { token: u.accessToken, ip: u.ip });
    expect(r.status).toBe(200);
    // 1 / 393209773 = 2.54317178429…e-9.
    expect(r.body).toMatchObject({ rate: "0.00000000254317178429", exact: false, derivation: "inverse", ratesUsed: [expect.objectContaining({ rate: "393209773" })] });
  });
});
