/** Calendar dates (`YYYY-MM-DD`) and timestamps at the API's edge. */
import { z } from "@hono/zod-openapi";

/** A date or a date-time; dates mean midnight UTC. Output: epoch ms. */
export const DateOrDateTime = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .transform((s) => Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s))
  .openapi({ type: "string", example: "2024-01-01T14:30:00Z" });

/** Epoch ms of the start of the day after `YYYY-MM-DD`: the exclusive end of an inclusive date range. */
export const endOfDateExclusive = (date: string) => Date.parse(`${date}T00:00:00Z`) + 86_400_000;

export const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
