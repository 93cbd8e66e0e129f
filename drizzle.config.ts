import { defineConfig } from "drizzle-kit";

// Generates the D1 migrations in migrations/ from the one schema file.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations",
});
