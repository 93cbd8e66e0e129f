#!/usr/bin/env node
// The SDKs' generated parts, from the app itself (no dev server, no network):
//   npm run sdk:generate   writes sdk/openapi.json, sdk/src/generated/{schema,operations}.ts
//                          and sdk-python/dhanam/_operations.py
//   npm run sdk:check      generates into a temporary folder and fails if that differs from
//                          what is committed (CI runs it: regenerate after routes change)
//   SDK_GENERATE_VIA=wrangler-dev   take the document from a `wrangler dev` on a free port instead
//
// The document is the Worker's own GET /openapi.json, answered by the real app in workerd
// (wrangler's startWorker: local bindings only, nothing persisted); the types come from
// openapi-typescript. Every output is deterministic, so a diff means the routes changed.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
process.env.WRANGLER_SEND_METRICS = "false";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** The generated files, relative to the repository root. */
const OUTPUTS = ["sdk/openapi.json", "sdk/src/generated/schema.ts", "sdk/src/generated/operations.ts", "sdk-python/dhanam/_operations.py"];

/** Runs the app in workerd and asks it for its OpenAPI document. */
export async function fetchOpenApiDocument() {
  if (process.env.SDK_GENERATE_VIA === "wrangler-dev") return await viaWranglerDev();
  try {
    return await viaStartWorker();
  } catch (err) {
    // wrangler's programmatic API is marked unstable: if it changes, fall back to `wrangler dev`.
    console.error(`startWorker failed (${err?.message ?? err}); falling back to wrangler dev`);
    return await viaWranglerDev();
  }
}

async function viaStartWorker() {
  const { unstable_startWorker } = await import("wrangler");
  const worker = await unstable_startWorker({
    config: join(root, "wrangler.toml"),
    // Secrets are not needed to describe the routes; placeholders keep a fresh clone (no .dev.vars) working.
    bindings: {
      JWT_SECRET: { type: "plain_text", value: "openapi-generation-only-0123456789abcdef" },
      ENCRYPTION_KEY: { type: "plain_text", value: "b3BlbmFwaS1nZW5lcmF0aW9uLW9ubHktMzItYnl0ZXM=" },
      LOG_LEVEL: { type: "plain_text", value: "error" },
    },
    dev: { server: { hostname: "127.0.0.1", port: 0 }, inspector: false, persist: false, watch: false, logLevel: "error" },
  });
  try {
    await worker.ready;
    const res = await worker.fetch("http://localhost/openapi.json");
    if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}: ${await res.text()}`);
    return await res.json();
  } finally {
    await worker.dispose();
  }
}

async function viaWranglerDev() {
  const { freePort } = await import("./readiness-gate.mjs");
  const { wranglerSpawn } = await import("./wrangler.mjs");
  const state = mkdtempSync(join(tmpdir(), "dhanam-openapi-"));
  const port = await freePort();
  const server = wranglerSpawn(
    ["dev", "--port", String(port), "--ip", "127.0.0.1", "--inspector-port", String(await freePort()), "--show-interactive-dev-session=false", "--persist-to", state],
    {
      cwd: root,
      stdio: ["ignore", "ignore", "inherit"],
      env: {
        ...process.env,
        JWT_SECRET: "openapi-generation-only-0123456789abcdef",
        ENCRYPTION_KEY: "b3BlbmFwaS1nZW5lcmF0aW9uLW9ubHktMzItYnl0ZXM=",
      },
    },
  );
  try {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline && server.exitCode === null) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/openapi.json`);
        if (res.status === 200) return await res.json();
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error("wrangler dev did not serve /openapi.json");
  } finally {
    if (server.exitCode === null) {
      const exited = new Promise((r) => server.once("exit", r));
      server.kill("SIGTERM");
      await exited;
    }
    rmSync(state, { recursive: true, force: true });
  }
}

/**
 * operationId -> [method, path] for every operation that has an operationId, so that
 * `dhanam.call("listTransactions", ...)` reaches each documented operation by its name
 * (sorted, so the file changes only when operations do).
 */
function operationRows(doc) {
  const rows = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of ["get", "post", "put", "patch", "delete"]) {
      const id = item?.[method]?.operationId;
      if (id) rows.push([id, method, path]);
    }
  }
  return rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function operationsModule(doc) {
  const rows = operationRows(doc);
  const body = rows.map(([id, method, path]) => `  ${JSON.stringify(id)}: [${JSON.stringify(method)}, ${JSON.stringify(path)}],`).join("\n");
  return `export const OPERATIONS = {\n${body}${rows.length ? "\n" : ""}} as const;\n\nexport type OperationId = keyof typeof OPERATIONS;\n`;
}

/** The same table for the Python SDK's `DhanamAPI.call`. */
function pythonOperationsModule(doc) {
  const rows = operationRows(doc);
  const body = rows.map(([id, method, path]) => `    ${JSON.stringify(id)}: (${JSON.stringify(method.toUpperCase())}, ${JSON.stringify(path)}),`).join("\n");
  return [
    '"""operationId -> (method, path) for every documented operation.',
    "",
    "Generated from the app's OpenAPI document by `npm run sdk:generate`. Do not edit by hand:",
    'CI (`npm run sdk:check`) fails when this differs from a fresh generation."""',
    "from typing import Dict, Tuple",
    "",
    `OPERATIONS: Dict[str, Tuple[str, str]] = {${rows.length ? `\n${body}\n` : ""}}`,
    "",
  ].join("\n");
}

/** Writes the generated files under `outDir` (laid out like the repository root). */
export async function generate(outDir) {
  const doc = await fetchOpenApiDocument();
  const { default: openapiTS, astToString } = await import("openapi-typescript");
  // A field with a default is optional to send: without `defaultNonNullable: false` openapi-typescript makes it
  // required in request bodies too (the SDK refused `register({name, email, password})` for want of `locale`).
  const ast = await openapiTS(doc, { alphabetize: false, exportType: false, silent: true, defaultNonNullable: false });
  const header =
    "/**\n * Generated from the app's OpenAPI document by `npm run sdk:generate` (openapi-typescript).\n * Do not edit by hand: CI (`npm run sdk:check`) fails when this differs from a fresh generation.\n */\n\n";
  const files = {
    "sdk/openapi.json": JSON.stringify(doc, null, 2) + "\n",
    "sdk/src/generated/schema.ts": header + astToString(ast),
    "sdk/src/generated/operations.ts": header + operationsModule(doc),
    "sdk-python/dhanam/_operations.py": pythonOperationsModule(doc),
  };
  for (const [rel, text] of Object.entries(files)) {
    const path = join(outDir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
}

async function main() {
  const check = process.argv.includes("--check");
  if (!check) {
    await generate(root);
    console.log(`Wrote ${OUTPUTS.join(", ")}`);
    return;
  }
  const tmp = mkdtempSync(join(tmpdir(), "dhanam-sdk-"));
  try {
    await generate(tmp);
    let drift = false;
    for (const rel of OUTPUTS) {
      const committed = join(root, rel);
      const fresh = join(tmp, rel);
      if (!existsSync(committed)) {
        console.error(`${rel} is missing`);
        drift = true;
        continue;
      }
      if (readFileSync(committed, "utf8") === readFileSync(fresh, "utf8")) continue;
      drift = true;
      let diff = "";
      try {
        execFileSync("diff", ["-u", "--label", `${rel} (committed)`, "--label", `${rel} (generated)`, committed, fresh], { encoding: "utf8" });
      } catch (err) {
        diff = String(err.stdout ?? "");
      }
      const lines = diff.split("\n");
      console.error(lines.slice(0, 80).join("\n") + (lines.length > 80 ? `\n... (${lines.length - 80} more lines)` : ""));
    }
    if (drift) {
      console.error("\nThe SDK's generated files are out of date with the routes: run `npm run sdk:generate` and commit the result.");
      process.exit(1);
    }
    console.log("SDK generated files are up to date.");
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
