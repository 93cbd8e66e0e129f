#!/usr/bin/env node
// Seeds the demo user, spaces and categories into the local D1 (fixed ids,
// INSERT OR IGNORE), then, given the URL of the running server, the demo
// accounts and transactions through the API. Running it twice changes nothing.
//   node scripts/seed-local.mjs [baseUrl] [--persist-to dir]
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { demoCategoriesSql, seedDemoData } from "./demo-data.mjs";
import { demoUserSql } from "./demo-user.mjs";
import { persistArgs, wranglerSync } from "./wrangler.mjs";

export async function waitForHealth(baseUrl, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${baseUrl}/v1/health`);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${baseUrl} did not become healthy`);
}

/** The rows that need no server: written straight into the local D1 file. */
export function seedDemoRows({ persistTo } = {}) {
  const file = join(mkdtempSync(join(tmpdir(), "dhanam-seed-")), "demo.sql");
  writeFileSync(file, demoUserSql() + demoCategoriesSql());
  const res = wranglerSync(["d1", "execute", "DB", "--local", ...persistArgs(persistTo), "--file", file], { stdio: ["ignore", "ignore", "inherit"] });
  if (res.status !== 0) throw new Error("wrangler d1 execute failed");
}

export async function seedLocal(baseUrl, { persistTo } = {}) {
  seedDemoRows({ persistTo });
  if (!baseUrl) return;
  await waitForHealth(baseUrl);
  // Money goes through the running API (and so through each space's ledger).
  await seedDemoData(baseUrl);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { "persist-to": { type: "string" } } });
  await seedLocal(positionals[0], { persistTo: values["persist-to"] });
  console.log("Demo data seeded.");
}
