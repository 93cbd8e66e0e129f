import { CalendarDay, orderedRange } from "../../lib/dates";
import { z } from "@hono/zod-openapi";
import { CURRENCIES } from "../../lib/money";

const Code = z.string().min(3).max(8).openapi({ example: "USD" });

export const RateQuery = z.object({
  base: Code.openapi({ example: "USD", param: { name: "base", in: "query" } }),
  quote: Code.openapi({ example: "MXN", param: { name: "quote", in: "query" } }),
  date: CalendarDay.optional().openapi({ example: "2024-01-15", description: "Default: today (UTC)" }),
});

const RateUsedSchema = z.object({ base: z.string(), quote: z.string(), date: z.string(), rate: z.string(), source: z.string() }).openapi("RateUsed");

export const RateSchema = z
  .object({
    base: z.string(),
    quote: z.string(),
    date: z.string(),
    rate: z.string().nullable().openapi({ example: "17.125000", description: "1 base in quote: exact decimal when `exact`; a derived (inverse or cross) rate shown to 12 decimals, or to 12 significant digits when below 0.1 (0.00000000254317178429), half-even" }),
    rateDate: z.string().nullable().openapi({ description: "The day the rate is for: earlier than `date` when that day had none" }),
    exact: z.boolean(),
    derivation: z.string().nullable(),
    ratesUsed: z.array(RateUsedSchema),
    notes: z.array(z.string()).openapi({ description: "Sentences for a reader (no rate that day, or none at all), in the request's language" }),
  })
  .openapi("ExchangeRate");

/** How a total in one currency was made of amounts in others: the rates used, the fallbacks, what had no rate. */
export const ConversionSchema = z
  .object({
    currency: z.string(),
    complete: z.boolean().openapi({ description: "False when some amounts had no rate: they are listed in `unconverted`, not counted" }),
    rounding: z.string(),
    ratesUsed: z.array(z.object({ base: z.string(), quote: z.string(), date: z.string(), rate: z.string(), source: z.string() })),
    ratesUsedCount: z.number().int(),
    fallbacks: z.number().int().openapi({ description: "Amounts converted at the nearest earlier day's rate (see notes)" }),
    unconverted: z.array(z.object({
      context: z.string().openapi({ description: "What the amounts were part of, in English whatever the request's language (\"expenses\", \"net worth on 2026-03-01\"); the notes say it in the reader's" }),
      currency: z.string(), amount: z.number(), amountDecimal: z.string(), dates: z.array(z.string()),
    })),
    notes: z.array(z.string()).openapi({
      description: "Sentences for a reader (an amount converted at an earlier day's rate, one with no rate), in the request's language on analytics and projection answers",
    }),
  })
  .openapi("Conversion");

export const SpaceParam = z.object({ spaceId: z.string().min(1).max(64).openapi({ param: { name: "spaceId", in: "path" } }) });
export const SpaceRatesQuery = z.object({ from: CalendarDay.optional(), to: CalendarDay.optional() }).superRefine(orderedRange("from", "to"));

export const SpaceRatesSchema = z
  .object({
    spaceId: z.string(),
    rates: z.array(z.object({ base: z.string(), quote: z.string(), date: z.string(), rate: z.string(), source: z.literal("manual"), setBy: z.string(), updatedAt: z.string() })),
    hasMore: z.boolean(),
  })
  .openapi("SpaceRates");

export const PutSpaceRatesBody = z
  .object({
    rates: z
      .array(
        z.object({
          base: z.enum(CURRENCIES).openapi({ example: "USD" }),
          quote: z.enum(CURRENCIES).openapi({ example: "MXN" }),
          date: CalendarDay.openapi({ example: "2024-01-15", description: "The day (in the space's zone) this rate is for" }),
          rate: z
            .union([z.string().max(40), z.number(), z.null()])
            .openapi({ example: "17.05", description: "1 base in quote as an exact decimal string (or an exact JSON number); null removes the manual rate" }),
        }).strict(),
      )
      .min(1)
      .max(100),
  })
  .strict()
  .openapi("PutSpaceRatesRequest");

export const PutSpaceRatesResult = z.object({ spaceId: z.string(), updated: z.number().int(), removed: z.number().int() }).openapi("PutSpaceRatesResult");
