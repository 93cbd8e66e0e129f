/** Tables of the projections module (migration 0012). */
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { spaces } from "./schema";

/** A saved long-term projection: resolved inputs (JSON) and seed re-run to the same figures; `summary` is the saved run's headline. */
export const projectionScenarios = sqliteTable(
  "projection_scenarios",
  {
    id: text("id").primaryKey(),
    spaceId: text("space_id")
      .notNull()
      .references(() => spaces.id),
    name: text("name").notNull(),
    createdBy: text("created_by").notNull(),
    currency: text("currency").notNull(),
    seed: integer("seed").notNull(),
    inputs: text("inputs").notNull(),
    summary: text("summary").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("projection_scenarios_space_idx").on(t.spaceId, t.createdAt)],
);
