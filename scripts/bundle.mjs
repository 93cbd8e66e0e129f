#!/usr/bin/env node
// Builds the bundle `wrangler deploy` would upload (offline, --dry-run) and
// reports its gzipped size. As a command it fails above 1 MiB gzipped (CI).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

export const GZIP_BUDGET_BYTES = 1024 * 1024;

export function buildBundle() {
  const outdir = mkdtempSync(join(tmpdir(), "dhanam-dist-"));
  execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir], {
    stdio: "ignore",
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
  });
  const files = readdirSync(outdir).filter((f) => f.endsWith(".js"));
  return {
    outdir,
    main: join(outdir, "index.js"),
    rawBytes: files.reduce((n, f) => n + statSync(join(outdir, f)).size, 0),
    gzipBytes: files.reduce((n, f) => n + gzipSync(readFileSync(join(outdir, f))).length, 0),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const b = buildBundle();
  console.log(`bundle: ${(b.rawBytes / 1024).toFixed(1)} KiB, ${(b.gzipBytes / 1024).toFixed(1)} KiB gzipped (budget ${GZIP_BUDGET_BYTES / 1024} KiB)`);
  if (b.gzipBytes >= GZIP_BUDGET_BYTES) process.exit(1);
}
