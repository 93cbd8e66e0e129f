#!/usr/bin/env node
// CI check: the drizzle schema (src/db/schema*.ts) and the migrations' latest snapshot agree.
// Migrations are written by hand (parallel branches could not share drizzle-kit's numbering), so
// drizzle-kit's snapshot in migrations/meta must be brought up to date with each one; otherwise the
// next `drizzle-kit generate` would re-create or rebuild tables that exist (on D1 a rebuild can
// cascade-delete child rows). This runs `drizzle-kit generate` on a scratch copy of migrations/ and
// fails if it would write a migration. To refresh the snapshot after a hand-written migration:
// `node scripts/schema-drift-check.mjs --write-snapshot`, then review and commit migrations/meta.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";

const scratch = "node_modules/.cache/schema-drift";
const config = `${scratch}.config.mjs`;
const write = process.argv.includes("--write-snapshot");
rmSync(scratch, { recursive: true, force: true });
mkdirSync(scratch, { recursive: true });
cpSync("migrations/meta", `${scratch}/meta`, { recursive: true });
const journal = JSON.parse(readFileSync(`${scratch}/meta/_journal.json`, "utf8"));
const sqlTags = readdirSync("migrations").filter((f) => f.endsWith(".sql")).map((f) => f.slice(0, -4)).sort();
const missing = sqlTags.filter((t) => !journal.entries.some((e) => e.tag === t));
if (missing.length && !write) {
  console.error(`schema drift: migrations not in migrations/meta/_journal.json: ${missing.join(", ")} (run with --write-snapshot)`);
  process.exit(1);
}
writeFileSync(config, `export default { dialect: "sqlite", schema: "./src/db/schema.ts", out: "./${scratch}" };\n`);
const run = spawnSync("npx", ["drizzle-kit", "generate", "--config", config, "--name", "drift"], { encoding: "utf8", timeout: 120_000, stdio: ["ignore", "pipe", "pipe"] });
rmSync(config, { force: true });
if (run.status !== 0) {
  console.error(run.stdout, run.stderr);
  process.exit(1);
}
const produced = readdirSync(scratch).filter((f) => f.endsWith(".sql"));
if (!produced.length) {
  console.log("schema drift check: src/db/schema*.ts matches the latest migration snapshot");
  process.exit(0);
}
if (!write) {
  console.error(`schema drift: drizzle-kit would write a migration; src/db/schema*.ts and migrations/meta disagree:\n${readFileSync(`${scratch}/${produced[0]}`, "utf8").slice(0, 4000)}`);
  process.exit(1);
}
// --write-snapshot: the latest hand-written migration takes the generated snapshot (review that the
// generated SQL above says what the hand-written migrations already did), and the journal lists it.
const latest = sqlTags[sqlTags.length - 1];
const generatedIdx = produced[0].slice(0, 4);
const snapshot = readFileSync(`${scratch}/meta/${generatedIdx}_snapshot.json`, "utf8");
writeFileSync(`migrations/meta/${latest.slice(0, 4)}_snapshot.json`, snapshot);
const real = JSON.parse(readFileSync("migrations/meta/_journal.json", "utf8"));
let when = real.entries.at(-1).when;
for (const tag of sqlTags) {
  if (!real.entries.some((e) => e.tag === tag)) real.entries.push({ idx: real.entries.length, version: "6", when: (when += 1000), tag, breakpoints: true });
}
writeFileSync("migrations/meta/_journal.json", `${JSON.stringify(real, null, 2)}\n`);
console.log(`wrote migrations/meta/${latest.slice(0, 4)}_snapshot.json; the SQL drizzle-kit generated for the review:\n${readFileSync(`${scratch}/${produced[0]}`, "utf8").slice(0, 4000)}`);
if (existsSync(scratch)) rmSync(scratch, { recursive: true, force: true });
