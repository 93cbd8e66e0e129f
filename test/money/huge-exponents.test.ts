/**
 * A provider's number text with a huge exponent ("1e999999999", kept to every digit by the exact JSON reader) threw
 * RangeError (Invalid string length) while plainDecimal wrote its digits out: a price feed answering one failed the
 * whole price read. Past any amount's or price's reach it is now left as it is, which no parser here takes: the price
 * is "not priced", the amount "not a decimal". A JavaScript number's own exponents (±308, 5e-324) still expand exactly.
 */
import { describe, expect, it } from "vitest";
import { parseMajorExact, plainDecimal } from "../../src/lib/money";
import { canonicalDecimal } from "../../src/modules/prices/decimal";

describe("number text with a huge exponent", () => {
  it("is refused as a price or an amount, without throwing", () => {
    for (const text of ["1e999999999", "1E+999999999", "9.5e-999999999", "1e4000"]) {
      expect(() => plainDecimal(text.toLowerCase())).not.toThrow();
      expect(canonicalDecimal(text)).toBeNull();
      expect(parseMajorExact(text, 2, 16)).toMatchObject({ ok: false });
    }
  });

  it("still expands a JavaScript number's exponents exactly", () => {
    expect(plainDecimal("1e-8")).toBe("0.00000001");
    expect(plainDecimal("1.5e+21")).toBe("1500000000000000000000");
    expect(plainDecimal(String(5e-324))).toBe(`0.${"0".repeat(323)}5`);
    expect(plainDecimal(String(1e308)).length).toBe(309);
    expect(canonicalDecimal("6.5e4")).toBe("65000");
  });
});
