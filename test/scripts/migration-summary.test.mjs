// What `npm run dev` prints of the D1 migrations (scripts/wrangler.mjs): one line for a success, not wrangler's table
// redrawn after every migration; wrangler's whole output for a failure. Runs in Node with the browser test's config.
import { describe, expect, it, vi } from "vitest";
import { applyMigrations, migrationSummary } from "../../scripts/wrangler.mjs";

const table = (names, done) =>
  ["┌──────────────────────┬────────┐", "│ name                 │ status │", ...names.flatMap((n, i) => ["├──────────────────────┼────────┤", `│ ${n.padEnd(20)} │ ${i < done ? "✅" : "🕒️"}     │`]), "└──────────────────────┴────────┘"].join("\n");
const names = ["0000_foundation.sql", "0001_ledger.sql", "0002_budgets.sql"];
const applied = [
  "Migrations to be applied:",
  ["┌──────────────────────┐", "│ name                 │", ...names.flatMap((n) => ["├──────────────────────┤", `│ ${n.padEnd(20)} │`]), "└──────────────────────┘"].join("\n"),
  "? About to apply 3 migration(s)",
  ...names.map((_, i) => `🚣 ${i + 2} commands executed successfully.\n${table(names, i + 1)}`),
].join("\n");

describe("npm run dev's migration output", () => {
  it("is one line for migrations applied, naming how many, the first and the last", () => {
    expect(applied.split("\n").length).toBeGreaterThan(40);
    expect(migrationSummary(applied, 0)).toBe("D1 migrations: applied 3 (0000_foundation.sql to 0002_budgets.sql).");
    expect(migrationSummary("✅ No migrations to apply!\n", 0)).toBe("D1 migrations: none to apply, the local database is up to date.");
  });

  it("is wrangler's whole output when a migration fails", () => {
    const failed = `${applied.split("🚣 3")[0]}✘ [ERROR] Migration 0001_ledger.sql failed: near "TABL": syntax error\n`;
    expect(migrationSummary(failed, 1)).toBe(failed);
  });

  it("runs wrangler with its output captured and returns its status", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const err = vi.spyOn(console, "error").mockImplementation(() => {});
    const calls = [];
    const run = (args, opts) => (calls.push([args, opts]), { status: 0, stdout: applied, stderr: "" });
    expect(applyMigrations("/tmp/state", run)).toBe(0);
    expect(calls[0][0]).toEqual(["d1", "migrations", "apply", "DB", "--local", "--persist-to", "/tmp/state"]);
    expect(calls[0][1].stdio).toEqual(["ignore", "pipe", "pipe"]);
    expect(log).toHaveBeenCalledWith("D1 migrations: applied 3 (0000_foundation.sql to 0002_budgets.sql).");
    expect(applyMigrations(undefined, () => ({ status: 1, stdout: "out\n", stderr: "boom\n" }))).toBe(1);
    expect(err).toHaveBeenCalledWith("out\nboom\n");
    log.mockRestore();
    err.mockRestore();
  });
});
