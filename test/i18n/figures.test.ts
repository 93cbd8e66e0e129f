/**
 * Figures in Spanish and Portuguese prose (lib/i18n.ts figureIn) take the region's decimal mark and no group mark: the
 * group mark of es-MX (",") is the decimal mark of Spanish readers in Chile, Argentina or Colombia, so "1,234 CLP"
 * (a currency without decimals) read there as a peso and a quarter: a thousandfold misreading.
 */
import { describe, expect, it } from "vitest";
import { figureIn } from "../../src/lib/i18n";

describe("figures in prose", () => {
  it("are ungrouped, with the language's decimal mark; English as the answers' decimals", () => {
    expect(["en", "es", "pt"].map((l) => figureIn(l as "en", "1234"))).toEqual(["1234", "1234", "1234"]);
    expect(["en", "es", "pt"].map((l) => figureIn(l as "en", "-12000.50"))).toEqual(["-12000.50", "-12000.50", "-12000,50"]);
    expect(figureIn("pt", "9007199254740993.12345678")).toBe("9007199254740993,12345678");
    // Not a plain decimal: as it came.
    expect(figureIn("es", "1e+14")).toBe("1e+14");
  });
});
