import { z } from "@hono/zod-openapi";

/**
 * A major-unit amount as clients send it: a JSON number or a decimal string,
 * checked against the currency's scale by `lib/money.ts` (never rounded). The
 * document says both forms are accepted; the string is the exact one.
 */
export const MajorAmount = z.union([z.number(), z.string().max(40)]).openapi({
  example: "25.50",
  description: "Major units, as a decimal string (exact) or a JSON number, with no more decimals than the currency allows",
});
