/**
 * The conversion helper against hand-computed figures: each amount at its own
 * day's rate, inverse and cross rates through USD, the nearest earlier day
 * (said so), manual over provider, exact arithmetic with ONE half-even
 * rounding at the end, and a missing rate reported, never a 0.
 */
import { describe, expect, it } from "vitest";
import { Converter, RateBook } from "../../src/modules/rates/convert";
import { canonicalRate, frac, parseRate, roundHalfEven } from "../../src/modules/rates/exact";

const p = (rate: string, date: string, base = "USD", quote = "MXN", source = "sandbox-fx") => ({ base, quote, date, rate, source });

describe("exact arithmetic", () => {
  it("rounds half to even, once", () => {
    expect(roundHalfEven(frac(125n, 10n))).toBe(12n); // 12.5 -> 12
    expect(roundHalfEven(frac(135n, 10n))).toBe(14n); // 13.5 -> 14
    expect(roundHalfEven(frac(-125n, 10n))).toBe(-12n);
    expect(roundHalfEven(frac(-135n, 10n))).toBe(-14n);
    expect(roundHalfEven(frac(1251n, 100n))).toBe(13n);
    expect(roundHalfEven(frac(-1251n, 100n))).toBe(-13n);
  });

  it("parses rates as exact decimals and refuses anything else", () => {
    expect(parseRate("17.0512")).toEqual({ n: 10657n, d: 625n }); // 170512/10000 in lowest terms
    expect(canonicalRate("017.5000")).toBe("17.5");
    for (const bad of ["0", "0.000", "-1", "1e3", "1.", ".5", "abc", "1.1234567890123"]) expect(parseRate(bad), bad).toBeNull();
  });
});

describe("conversion", () => {
  it("converts each amount at its own day's rate, rounding the total once", () => {
    const book = new RateBook([p("20", "2024-03-01"), p("16", "2024-03-02")]);
    const c = new Converter(book, "USD");
    // 0.10 MXN at 20 = 0.005 USD and 0.10 MXN at 20 = 0.005 USD: rounded each they would be 0.00 + 0.00 (half-even) or 0.01 + 0.01 (half-up);
    // summed exactly they are 0.01. 1.00 MXN at 16 = 0.0625 USD.
    const total = c.total([
      { currency: "MXN", minor: 10n, date: "2024-03-01" },
      { currency: "MXN", minor: 10n, date: "2024-03-01" },
      { currency: "MXN", minor: 100n, date: "2024-03-02" },
      { currency: "USD", minor: 1000n, date: "2024-03-02" },
    ]);
    // 0.01 + 0.0625 + 10.00 = 10.0725 -> 10.07
    expect(total).toBe(1007n);
    const r = c.report();
    expect(r.complete).toBe(true);
    expect(r.ratesUsed.map((u) => `${u.base}/${u.quote}@${u.date}=${u.rate}`)).toEqual(["USD/MXN@2024-03-01=20", "USD/MXN@2024-03-02=16"]);
    expect(r.notes).toEqual([]);
  });

  it("uses the nearest earlier day when a day has none, and says so", () => {
    const c = new Converter(new RateBook([p("17.25", "2024-03-01")]), "USD");
    expect(c.total([{ currency: "MXN", minor: 172500n, date: "2024-03-04" }])).toBe(10000n);
    expect(c.report().notes[0]).toContain("No MXN/USD rate on 2024-03-04: used the rate of 2024-03-01");
  });

  it("goes through USD for a cross rate, exactly", () => {
    const book = new RateBook([p("17", "2024-03-01"), p("0.85", "2024-03-01", "USD", "EUR")]);
    const c = new Converter(book, "EUR");
    // 170.00 MXN = 10 USD = 8.50 EUR
    expect(c.total([{ currency: "MXN", minor: 17000n, date: "2024-03-01" }])).toBe(850n);
    expect(c.report().ratesUsed).toHaveLength(2);
  });

  it("lets a manual rate win over the provider's for that day only", () => {
    const book = new RateBook([p("17", "2024-03-01"), p("20", "2024-03-01", "USD", "MXN", "manual"), p("16", "2024-03-02")]);
    const c = new Converter(book, "USD");
    expect(c.total([{ currency: "MXN", minor: 2000n, date: "2024-03-01" }])).toBe(100n);
    expect(c.total([{ currency: "MXN", minor: 1600n, date: "2024-03-02" }])).toBe(100n);
    expect(c.report().ratesUsed.find((u) => u.date === "2024-03-01")!.source).toBe("manual");
  });

  it("lets a manual rate win on its day whichever way round it was entered, and a way through USD that holds one", () => {
    // The provider's USD/MXN 17 and the space's own MXN/USD 0.05 (20 MXN a dollar) on the same day: the space's, both ways.
    const book = new RateBook([p("17", "2024-03-01"), p("0.05", "2024-03-01", "MXN", "USD", "manual")]);
    expect(new Converter(book, "MXN").total([{ currency: "USD", minor: 100n, date: "2024-03-01" }])).toBe(2000n);
    expect(new Converter(book, "USD").total([{ currency: "MXN", minor: 2000n, date: "2024-03-01" }])).toBe(100n);
    // A later provider rate is still the later one.
    const later = new RateBook([p("17", "2024-03-02"), p("0.05", "2024-03-01", "MXN", "USD", "manual")]);
    expect(new Converter(later, "MXN").total([{ currency: "USD", minor: 100n, date: "2024-03-02" }])).toBe(1700n);
    // EUR/MXN direct from the provider, or EUR→USD (the space's own) →MXN, all of one day: the way with the space's rate.
    const cross = new RateBook([p("20", "2024-03-01", "EUR", "MXN"), p("1.25", "2024-03-01", "EUR", "USD", "manual"), p("17", "2024-03-01")]);
    // 10.00 EUR = 12.50 USD (manual) = 212.50 MXN
    expect(new Converter(cross, "MXN").total([{ currency: "EUR", minor: 1000n, date: "2024-03-01" }])).toBe(21250n);
  });

  it("reports a missing rate and leaves that amount out, never counting it as 0 or mixing currencies", () => {
    const c = new Converter(new RateBook([p("17", "2024-01-01")]), "USD");
    // Beyond the 31-day lookback: no rate.
    const total = c.total([
      { currency: "USD", minor: 500n, date: "2024-03-01" },
      { currency: "MXN", minor: 1700n, date: "2024-03-01" },
      { currency: "EUR", minor: 999n, date: "2024-03-01" },
    ]);
    expect(total).toBe(500n);
    const r = c.report();
    expect(r.complete).toBe(false);
    expect(r.unconverted).toEqual([
      { context: "total", currency: "MXN", amount: 17, amountDecimal: "17.00", dates: ["2024-03-01"] },
      { context: "total", currency: "EUR", amount: 9.99, amountDecimal: "9.99", dates: ["2024-03-01"] },
    ]);
    expect(r.notes.join("\n")).toMatch(/Missing rate MXN\/USD on 2024-03-01/);
    expect(r.notes.join("\n")).toMatch(/9\.99 EUR of total is not included in the USD total/);
  });
});
