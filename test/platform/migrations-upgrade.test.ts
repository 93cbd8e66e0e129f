/**
 * The schema's upgrade path on a database that holds data. Production applied migrations/ one at a time, months apart,
 * to tables full of rows; every other test file applies them all to an empty database (test/setup.ts). Here, for each
 * stop N: a fresh database gets the first N migrations, every table that exists then gets rows (generated from
 * PRAGMA table_info and foreign_key_list, parents before children, foreign keys pointing at real parent rows, so that
 * a table added later is covered without a change here), the remaining migrations are applied, and then:
 * - every table of stop N still exists and holds exactly the rows it held, over the columns it had (a table rebuild
 *   that loses rows, a DROP TABLE that cascades into children under D1's always-on foreign keys, an ON DELETE SET NULL
 *   fired by a rebuild, a column rewritten by mistake: each shows as a row that differs);
 * - PRAGMA foreign_key_check is clean;
 * - the backfills of migrations applied after the stop filled what they are meant to (checked on rows shaped for them).
 * The stops are the points just before each migration that can touch existing rows or constraints (found in its SQL:
 * DROP, RENAME, UPDATE, INSERT, DELETE, a trigger, a unique index, a constrained column added), so a new such
 * migration gets its own stop. Besides: no trigger of the final schema names a table that is gone, and the check itself
 * is shown to catch a drizzle-kit rebuild of `households` (its children cascade away on the DROP).
 */
import { applyD1Migrations, reset } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const MIGRATIONS = env.TEST_MIGRATIONS;
// Rows 0 and 1 fill every column; the last leaves each nullable column NULL (a NOT NULL or a backfill added later
// meets both).
const ROWS = 3;
const NULL_ROW = ROWS - 1;
const DAY_MS = 86_400_000;
const BASE_MS = Date.UTC(2026, 0, 1);

/** Position of migration `prefix` (e.g. "0032") in the list: the number of migrations before it. */
function indexOf(prefix: string): number {
  const i = MIGRATIONS.findIndex((m) => m.name.startsWith(`${prefix}_`));
  if (i < 0) throw new Error(`migration ${prefix} not found`);
  return i;
}

const withoutComments = (sql: string) => sql.replace(/--[^\n]*/g, "");
// Statements that act on rows already there or constrain them (not ON UPDATE/ON DELETE of a key, not a unique index
// on a table the same migration creates).
const ROW_TOUCHING = /\b(DROP|RENAME|(?<!ON\s)UPDATE|INSERT|(?<!ON\s)DELETE|TRIGGER)\b|\bALTER\s+TABLE\b[^;]*\bADD\b[^;]*\b(NOT\s+NULL|CHECK|REFERENCES|UNIQUE)\b/i;
function touchesRows(sql: string): boolean {
  if (ROW_TOUCHING.test(sql.replace(/`[^`]*`|"[^"]*"/g, "_"))) return true; // not a column named `trigger`
  const created = new Set([...sql.matchAll(/CREATE\s+TABLE\s+[`"]?(\w+)/gi)].map((m) => m[1]));
  return [...sql.matchAll(/CREATE\s+UNIQUE\s+INDEX\s+[^;]*?\bON\s+[`"]?(\w+)/gi)].some((m) => !created.has(m[1]));
}
/** Stops: N = the number of migrations applied before the data goes in; one before each migration that touches rows. */
const STOPS = MIGRATIONS.flatMap((m, i) => (i > 0 && touchesRows(withoutComments(m.queries.join(";\n"))) ? [i] : []));

interface Column { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }
interface ForeignKey { table: string; from: string; to: string | null }
interface Table { name: string; sql: string; columns: Column[]; fks: ForeignKey[] }

async function readSchema(): Promise<Map<string, Table>> {
  const { results } = await env.DB.prepare(
    "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name <> 'd1_migrations' ORDER BY name",
  ).all<{ name: string; sql: string }>();
  const stmts = results.flatMap((t) => [env.DB.prepare(`PRAGMA table_info(\`${t.name}\`)`), env.DB.prepare(`PRAGMA foreign_key_list(\`${t.name}\`)`)]);
  const answers = await env.DB.batch(stmts);
  return new Map(results.map((t, i) => [t.name, {
    name: t.name, sql: t.sql,
    columns: answers[2 * i]!.results as unknown as Column[],
    fks: (answers[2 * i + 1]!.results as unknown as ForeignKey[]).map((f) => ({ table: f.table, from: f.from, to: f.to })),
  }]));
}

/** Parents before children (foreign keys as declared). */
function topological(schema: Map<string, Table>): Table[] {
  const done = new Set<string>();
  const out: Table[] = [];
  const visit = (t: Table, path: Set<string>) => {
    if (done.has(t.name) || path.has(t.name)) return;
    path.add(t.name);
    for (const fk of t.fks) { const p = schema.get(fk.table); if (p && p !== t) visit(p, path); }
    done.add(t.name);
    out.push(t);
  };
  for (const t of schema.values()) visit(t, new Set());
  return out;
}

// Columns named `<x>_id` (or a user's) hold the id of row i of the table they name, so logical links hold too
// (a transaction's account_id is accounts-0's id), whether or not a foreign key declares them.
const ALIASES: Record<string, string> = {
  wallet: "defi_wallets", asset: "manual_assets", connection: "provider_connections", subscription: "webhook_subscriptions",
  delivery: "webhook_deliveries", grant: "emergency_grants", position: "defi_positions", member: "household_members",
  executor_member: "household_members", owner: "users", created_by: "users", updated_by: "users", set_by: "users",
  granted_by: "users", offered_by: "users", resolved_by: "users", job: "jobs",
};
function linkedTable(column: string, schema: Map<string, Table>): string | null {
  const stem = column.endsWith("_id") ? column.slice(0, -3) : column;
  if (ALIASES[column]) return ALIASES[column]!;
  if (!column.endsWith("_id")) return null;
  if (ALIASES[stem]) return ALIASES[stem]!;
  for (const name of [`${stem}s`, `${stem}es`, stem.replace(/y$/, "ies")]) if (schema.has(name)) return name;
  return null;
}

// Values shaped for the later migrations' backfills (checked after the upgrade), and for CHECKs the generic rules
// below do not read.
const MANUAL_TRADE = JSON.stringify({ symbol: "AAPL", side: "buy", quantity: "2.00000000", unitPrice: "10.00000000", fees: "1.50", gross: "20.00" });
const SYNCED_TRADE = JSON.stringify({ symbol: "BTC", side: "buy", quantity: "0.10000000", unitPrice: "100.00", fees: "0.25", quote: "MXN", feesCurrency: "MXN" });
const NEXT_ESCALATION = (i: number) => BASE_MS + 40 * DAY_MS + i;
// A function's undefined leaves the column to the generic rules.
const OVERRIDES: Record<string, Record<string, (i: number) => unknown>> = {
  transactions: {
    type: () => "trade",
    trade: (i) => [MANUAL_TRADE, SYNCED_TRADE][i],
    // Row 1 holds format characters (U+200B, U+00AD) that 0045 clears; row 0 plain text that it keeps.
    description_folded: (i) => ["cafe", "ca\u200Bfe"][i],
    merchant_folded: (i) => ["shop", "sh\u00ADop"][i],
  },
  // Both at level 0 of a single-level schedule (0038 sets their warning).
  life_beat: { enabled: () => 1, current_level: () => 0, escalation_days: (i) => ["[30]", "[10]"][i], next_escalation_at: (i) => (i === NULL_ROW ? undefined : NEXT_ESCALATION(i)) },
  household_members: { status: () => "active" },
  defi_wallets: { address: (i) => `0x${String(i).padStart(40, "a")}` },
  market_prices: { price_decimal: (i) => `12${i}.50` },
  write_guards: { refused: () => 0 },
};

function valueFor(schema: Map<string, Table>, table: Table, column: Column, i: number): unknown {
  const override = OVERRIDES[table.name]?.[column.name]?.(i);
  if (override !== undefined) return override;
  const fk = table.fks.find((f) => f.from === column.name);
  if (fk) {
    const parent = schema.get(fk.table);
    if (parent) {
      const to = fk.to ?? parent.columns.find((c) => c.pk === 1)?.name ?? "id";
      const parentColumn = parent.columns.find((c) => c.name === to);
      if (parentColumn) return valueFor(schema, parent, parentColumn, i);
    }
  }
  if (i === NULL_ROW && column.notnull === 0 && column.pk === 0) return null;
  const quoted = `[\`"]${column.name}[\`"]`;
  const inList = new RegExp(`${quoted}\\s+IN\\s*\\(\\s*('([^']*)'|-?\\d+)`, "i").exec(table.sql);
  if (inList) return inList[2] ?? Number(inList[1]);
  const equals = new RegExp(`${quoted}\\s*=\\s*'([^']*)'`, "i").exec(table.sql);
  if (equals) return equals[1];
  if (new RegExp(`json_valid\\(\\s*${quoted}\\s*\\)`, "i").test(table.sql)) return "{}";
  if (column.dflt_value && /^'[[{]/.test(column.dflt_value)) return column.dflt_value.slice(1, -1).replace(/''/g, "'");
  const type = column.type.toLowerCase();
  if (type.includes("int")) {
    return /(_at|^at|_until|^date|^timestamp)$/.test(column.name) ? BASE_MS + i * DAY_MS : i + 1;
  }
  if (type.includes("real")) return i + 1.5;
  if (/(^day|^date|_day|_date)$/.test(column.name)) return `2026-01-0${i + 1}`;
  if (column.name === "id") return `${table.name}-${i}`;
  const linked = linkedTable(column.name, schema);
  if (linked) return `${linked}-${i}`;
  return `${table.name}.${column.name}.${i}`;
}

async function seed(schema: Map<string, Table>) {
  const stmts = topological(schema).flatMap((t) =>
    Array.from({ length: ROWS }, (_, i) => {
      const cols = t.columns.filter((c) => !(c.pk === 1 && c.type.toLowerCase() === "integer" && /AUTOINCREMENT/i.test(t.sql)));
      const values = cols.map((c) => valueFor(schema, t, c, i));
      // Triggers may have written a row already (categorizer_versions): that one stays.
      return { table: t.name, stmt: env.DB.prepare(`INSERT INTO \`${t.name}\` (${cols.map((c) => `\`${c.name}\``).join(", ")}) VALUES (${cols.map(() => "?").join(", ")}) ON CONFLICT DO NOTHING`).bind(...values) };
    }));
  try {
    await env.DB.batch(stmts.map((s) => s.stmt));
  } catch {
    // Say which table refused its row (a CHECK the generic values do not meet: add an OVERRIDES entry).
    for (const s of stmts) {
      try { await s.stmt.run(); } catch (e) { throw new Error(`seeding ${s.table}: ${(e as Error).message}`); }
    }
    throw new Error("the seed batch failed, yet every statement alone passed");
  }
}

/** Each table's rows over the given columns, as sorted JSON lines (a rebuild may reorder rowids). */
async function snapshot(tables: { name: string; columns: string[] }[]): Promise<Map<string, string[]>> {
  const answers = await env.DB.batch(tables.map((t) => env.DB.prepare(`SELECT ${t.columns.map((c) => `\`${c}\``).join(", ")} FROM \`${t.name}\``)));
  return new Map(tables.map((t, i) => [t.name, answers[i]!.results.map((r) => JSON.stringify(t.columns.map((c) => (r as Record<string, unknown>)[c]))).sort()]));
}


/** Stop `n`: the first n of `migrations`, rows in every table, the rest; what changed in the rows seeded, as messages. */
async function upgradeWithData(n: number, migrations: typeof MIGRATIONS) {
  await reset();
  await applyD1Migrations(env.DB, migrations.slice(0, n));
  const before = await readSchema();
  await seed(before);
  const has = (table: string, column: string) => before.get(table)?.columns.some((c) => c.name === column) ?? false;

  // Columns a later migration rewrites on purpose: checked by what it is meant to write, not as equal.
  const rewritten = new Set<string>();
  if (n <= indexOf("0045")) for (const c of ["description_folded", "merchant_folded"]) if (has("transactions", c)) rewritten.add(`transactions.${c}`);

  const tables = [...before.values()].map((t) => ({ name: t.name, columns: t.columns.map((c) => c.name).filter((c) => !rewritten.has(`${t.name}.${c}`)) }));
  const seeded = await snapshot(tables);
  const losses: string[] = [];
  for (const t of tables) {
    // write_guards never holds a row (0018).
    if (t.name !== "write_guards" && seeded.get(t.name)!.length === 0) losses.push(`${t.name}: no row seeded at stop ${n}`);
  }

  await applyD1Migrations(env.DB, migrations);
  const after = await readSchema();
  const kept = tables.filter((t) => after.has(t.name));
  for (const t of tables) if (!after.has(t.name)) losses.push(`${t.name}: table dropped`);
  const upgraded = await snapshot(kept);
  for (const t of kept) {
    const was = seeded.get(t.name)!;
    const now = upgraded.get(t.name)!;
    const gone = was.filter((r) => !now.includes(r));
    const added = now.filter((r) => !was.includes(r));
    if (gone.length > 0 || added.length > 0) losses.push(`${t.name}: ${was.length} rows before, ${now.length} after; lost ${JSON.stringify(gone)}, new ${JSON.stringify(added)}`);
  }
  return { before, has, rewritten, losses };
}

async function rows<T>(sql: string): Promise<T[]> {
  return (await env.DB.prepare(sql).all<T>()).results;
}

describe("migrations on a database with data", () => {
  it("has stops before the migrations that rebuild, backfill or constrain", () => {
    for (const m of ["0004", "0005", "0019", "0031", "0032", "0038", "0039", "0042", "0045", "0049"]) expect(STOPS).toContain(indexOf(m));
  });

  it("leaves no trigger writing to or reading from a table that is gone (a rebuild drops its table's triggers too)", async () => {
    await reset();
    await applyD1Migrations(env.DB, MIGRATIONS);
    const tables = new Set((await rows<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")).map((t) => t.name));
    const triggers = await rows<{ name: string; tbl_name: string; sql: string }>("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'");
    expect(triggers.length).toBeGreaterThan(0);
    for (const t of triggers) {
      expect(tables.has(t.tbl_name), t.name).toBe(true);
      const body = t.sql.slice(t.sql.search(/\bBEGIN\b/i));
      for (const m of body.matchAll(/\b(?:INSERT\s+INTO|(?<!DO\s)UPDATE|FROM|JOIN)\s+[`"]?(\w+)/gi)) expect(tables.has(m[1]!), `${t.name} names ${m[1]}`).toBe(true);
    }
  });

  it("sees the rows a drizzle-kit table rebuild takes with it (the check itself)", async () => {
    // What drizzle-kit writes to change a column of `households`: new table, copy, DROP, RENAME. On D1 foreign keys
    // are on, so the DROP deletes the old table's rows first, and their ON DELETE CASCADE children go with them.
    const rebuild = {
      name: "9999_households_rebuild.sql",
      queries: [
        "CREATE TABLE `__new_households` (`id` text PRIMARY KEY NOT NULL, `name` text NOT NULL, `owner_id` text NOT NULL REFERENCES `users`(`id`), `created_at` integer NOT NULL, `updated_at` integer NOT NULL)",
        "INSERT INTO `__new_households` SELECT `id`, `name`, `owner_id`, `created_at`, `updated_at` FROM `households`",
        "DROP TABLE `households`",
        "ALTER TABLE `__new_households` RENAME TO `households`",
      ],
    };
    const { losses } = await upgradeWithData(MIGRATIONS.length, [...MIGRATIONS, rebuild]);
    const tables = losses.map((l) => l.split(":")[0]);
    expect(tables).toEqual(expect.arrayContaining(["household_members", "household_spaces", "life_beat", "emergency_grants", "life_beat_notifications"]));
    expect(tables).not.toContain("households");
  });

  it.each(STOPS.map((n) => [MIGRATIONS[n]!.name, n] as const))("rows written before %s survive the rest of the migrations", async (_name, n) => {
    const { before, has, rewritten, losses } = await upgradeWithData(n, MIGRATIONS);
    expect(losses).toEqual([]);
    expect(await rows("PRAGMA foreign_key_check")).toEqual([]);
    const pending = (prefix: string) => n <= indexOf(prefix);

    // The backfills of the migrations applied after the stop.
    if (pending("0004") && before.has("transactions")) {
      const accounts = await rows<{ id: string; transaction_count: number; n: number }>(
        "SELECT id, transaction_count, (SELECT COUNT(*) FROM transactions t WHERE t.account_id = accounts.id) AS n FROM accounts");
      for (const a of accounts) expect(a.transaction_count, a.id).toBe(a.n);
      expect(accounts.some((a) => a.n > 0)).toBe(true);
      const spaces = await rows<{ id: string; transaction_count: number; n: number }>(
        "SELECT id, transaction_count, (SELECT COUNT(*) FROM transactions t WHERE t.space_id = spaces.id) AS n FROM spaces");
      for (const s of spaces) expect(s.transaction_count, s.id).toBe(s.n);
    }
    if (pending("0005")) {
      expect(await rows("SELECT space_id, shard FROM space_shards ORDER BY space_id")).toEqual(
        Array.from({ length: ROWS }, (_, i) => ({ space_id: `spaces-${i}`, shard: "DB" })));
    }
    if (pending("0032") && before.has("transactions")) {
      const fees = await rows<{ trade: string; fee_amount: number | null }>("SELECT trade, fee_amount FROM transactions ORDER BY id");
      expect(fees).toEqual([{ trade: MANUAL_TRADE, fee_amount: 150 }, { trade: SYNCED_TRADE, fee_amount: null }, { trade: null, fee_amount: null }]);
    }
    if (pending("0038") && before.has("life_beat")) {
      // Leads: 30 days → min(30 d, max(7 d, 15 d)) = 15 d; 10 days → min(10 d, max(7 d, 5 d)) = 7 d.
      expect(await rows("SELECT warning_at FROM life_beat ORDER BY household_id")).toEqual([
        { warning_at: NEXT_ESCALATION(0) - 15 * DAY_MS }, { warning_at: NEXT_ESCALATION(1) - 7 * DAY_MS }, { warning_at: null }]);
    }
    if (pending("0039") && before.has("defi_positions")) {
      expect(await rows("SELECT COUNT(*) AS n FROM defi_positions p WHERE NOT EXISTS (SELECT 1 FROM defi_position_values v WHERE v.position_id = p.id AND v.synced_at = p.first_seen_at AND v.value_usd = p.total_value_usd)"))
        .toEqual([{ n: 0 }]);
      expect(await rows("SELECT COUNT(*) AS n FROM gaming_positions p WHERE NOT EXISTS (SELECT 1 FROM gaming_position_values v WHERE v.wallet_id = p.wallet_id AND v.platform = p.platform AND v.synced_at = p.first_seen_at AND v.value_usd = p.total_value_usd)"))
        .toEqual([{ n: 0 }]);
    }
    if (rewritten.size > 0) {
      // 0045 clears only the folded copies holding a format character.
      expect(await rows("SELECT description_folded, merchant_folded FROM transactions ORDER BY id")).toEqual([
        { description_folded: "cafe", merchant_folded: has("transactions", "merchant_folded") ? "shop" : null },
        { description_folded: null, merchant_folded: null }, { description_folded: null, merchant_folded: null }]);
    }
  });
});
