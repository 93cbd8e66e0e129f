// What `npm run dev` prints of the D1 migrations (scripts/wrangler.mjs): one line for a success, not wrangler's table
// redrawn after every migration; wrangler's whole output for a failure. Runs in Node with the browser test's config.
import { spawnSync } from "node:child_process";
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

  it("holds wrangler's whole output past 1 MB (its tables grow with the square of the migrations), not stopping it mid-way", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const err = vi.spyOn(console, "error").mockImplementation(() => {});
    // A wrangler of 80 migrations: its list, then the table redrawn after each one (about 1.9 MB), exit 0.
    const many = Array.from({ length: 80 }, (_, i) => `${String(i).padStart(4, "0")}_migration_with_a_long_name.sql`);
    const script = `const names = ${JSON.stringify(many)};
      const row = (n, mark) => "├" + "─".repeat(42) + "┼" + "─".repeat(8) + "┤\\n│ " + n.padEnd(40) + " │ " + mark + "     │\\n";
      let out = "Migrations to be applied:\\n" + names.map((n) => "│ " + n.padEnd(40) + " │\\n").join("") + "? About to apply " + names.length + " migration(s)\\n";
      for (let i = 0; i < names.length; i++) out += "🚣 executed\\n" + names.map((n, j) => row(n, j <= i ? "✅" : "🕒")).join("");
      process.stdout.write(out);`;
    const run = (_args, opts) => spawnSync(process.execPath, ["-e", script], opts);
    expect(applyMigrations(undefined, run)).toBe(0);
    expect(log).toHaveBeenCalledWith(`D1 migrations: applied 80 (${many[0]} to ${many[79]}).`);
    expect(err).not.toHaveBeenCalled();
    log.mockRestore();
    err.mockRestore();
  });
});
