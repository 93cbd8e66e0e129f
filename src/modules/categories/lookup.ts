/** Category checks other modules need before they reference a category. */
import { and, eq } from "drizzle-orm";
import type { AuthContext, Services } from "../../env";
import { categories } from "../../db/schema";
import { validationFailed } from "../../lib/errors";
import { inJsonList } from "../../lib/sql";
import { ACCESS_GUARD_SQL, membershipParams } from "../spaces/access";

/** The category if it belongs to the space; otherwise a 422 naming `field`. */
export async function requireCategory(svc: Services, spaceId: string, categoryId: string, field = "categoryId") {
  const row = await svc.db.select().from(categories).where(and(eq(categories.id, categoryId), eq(categories.spaceId, spaceId))).get();
  if (!row) throw unknownCategory(field);
  return row;
}

/**
 * requireCategory's read as a statement for a batch that checks the caller's
 * access in the same round trip: it reads the space's category only if the
 * caller may see the space (ACCESS_GUARD_SQL). Its result goes to `categoryFrom`
 * once the batch's access checks have passed.
 */
export function categoryStatement(svc: Services, auth: AuthContext, spaceId: string, categoryId: string): D1PreparedStatement {
  return svc.env.DB.prepare(`SELECT id, name, color FROM categories WHERE id = ? AND space_id = ? AND ${ACCESS_GUARD_SQL}`)
    .bind(categoryId, spaceId, ...membershipParams(spaceId, auth.userId, svc.clock.now()));
}

/** The category `categoryStatement` found; otherwise requireCategory's 422 naming `field`. */
export function categoryFrom(result: D1Result, field = "categoryId"): { id: string; name: string; color: string | null } {
  const row = result.results[0] as { id: string; name: string; color: string | null } | undefined;
  if (!row) throw unknownCategory(field);
  return row;
}

/** "an income category", "an expense category", "a transfer category": for messages that name a category's type. */
export const typedCategory = (type: string) => `${/^[aeiou]/.test(type) ? "an" : "a"} ${type} category`;

const unknownCategory = (field: string) => validationFailed([{ field, message: "No such category in this space", code: "UNKNOWN_CATEGORY" }]);

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
