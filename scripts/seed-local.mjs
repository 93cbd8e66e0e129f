#!/usr/bin/env node
// Seeds the demo user, spaces and categories into the local D1 (fixed ids,
// INSERT OR IGNORE), then, given the URL of the running server, the demo
// accounts and transactions through the API. Running it twice changes nothing.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { demoCategoriesSql, seedDemoData } from "./demo-data.mjs";
import { demoUserSql } from "./demo-user.mjs";

async function waitForHealth(baseUrl, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${baseUrl}/v1/health`);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${baseUrl} did not become healthy`);
}

export async function seedLocal(baseUrl) {
  if (baseUrl) await waitForHealth(baseUrl);
  const file = join(mkdtempSync(join(tmpdir(), "dhanam-seed-")), "demo.sql");
  writeFileSync(file, demoUserSql() + demoCategoriesSql());
  const res = spawnSync("npx", ["wrangler", "d1", "execute", "DB", "--local", "--file", file], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "true" },
  });
  if (res.status !== 0) throw new Error("wrangler d1 execute failed");
  // Money goes through the running API (and so through each space's ledger).
  if (baseUrl) await seedDemoData(baseUrl);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await seedLocal(process.argv[2]);
  console.log("Demo data seeded.");
}
