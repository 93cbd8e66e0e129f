import { z } from "@hono/zod-openapi";
import { explained } from "./explained";
import { notDecimalText } from "./money";

/**
 * A major-unit amount as clients send it: a JSON number or a decimal string,
 * checked against the currency's scale by `lib/money.ts` (never rounded). A
 * string that is no decimal at all ("abc") is refused here, with the request's
 * other bad fields, not once they are right. Any
 * other type (true, null, an object) is refused with what is taken, under the
 * amounts' detail code, where zod's union said only "Invalid input". Without
 * the document's example, for a field that describes itself.
 */
export const MajorAmountValue = explained(z.union([z.number(), z.string().max(40)]), "INVALID_AMOUNT", (v) =>
  typeof v === "number" ? undefined : typeof v === "string" ? notDecimalText(v) : 'Must be a decimal number as a string or a JSON number, such as "12.34"',
);

/** A major-unit amount, documented: both forms are accepted; the string is the exact one. */
export const MajorAmount = MajorAmountValue.openapi({
  example: "25.50",
  description: "Major units, as a decimal string (exact) or a JSON number, with no more decimals than the currency allows",
});
