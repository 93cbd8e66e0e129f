/** Category checks other modules need before they reference a category. */
import { and, eq } from "drizzle-orm";
import type { Services } from "../../env";
import { categories } from "../../db/schema";
import { validationFailed } from "../../lib/errors";
import { inJsonList } from "../../lib/sql";

/** The category if it belongs to the space; otherwise a 422 naming `field`. */
export async function requireCategory(svc: Services, spaceId: string, categoryId: string, field = "categoryId") {
  const row = await svc.db.select().from(categories).where(and(eq(categories.id, categoryId), eq(categories.spaceId, spaceId))).get();
  if (!row) throw validationFailed([{ field, message: "No such category in this space", code: "UNKNOWN_CATEGORY" }]);
  return row;
}

/**
 * The categories with these ids, in any space (callers check the space). The
 * ids are one JSON parameter: pages and budgets can name hundreds, past D1's
 * 100-parameter cap.
 */
export async function categoriesById(svc: Services, ids: string[]) {
  if (ids.length === 0) return new Map<string, typeof categories.$inferSelect>();
  const rows = await svc.db.select().from(categories).where(inJsonList(categories.id, [...new Set(ids)]));
  return new Map(rows.map((r) => [r.id, r]));
}
