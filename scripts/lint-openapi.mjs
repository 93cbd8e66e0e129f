#!/usr/bin/env node
// `npm run lint:openapi`: writes the served OpenAPI document to build/openapi.json and lints
// it with Redocly (redocly.yaml). Any error or warning fails; ignores live in
// .redocly.lint-ignore.yaml, each with its reason beside it.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { openapiDocument } from "./openapi-document.mjs";

mkdirSync("build", { recursive: true });
writeFileSync("build/openapi.json", JSON.stringify(await openapiDocument(), null, 2) + "\n");
const lint = spawnSync("npx", ["redocly", "lint", "build/openapi.json", "--config", "redocly.yaml", "--max-problems", "500", "--format", "stylish"], {
  encoding: "utf8",
  env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
});
const out = `${lint.stdout}${lint.stderr}`;
process.stdout.write(out);
const warned = /You have \d+ warnings?/.test(out);
if (lint.status !== 0 || warned) {
  console.error(warned ? "OpenAPI lint: warnings count as failures." : "OpenAPI lint failed.");
  process.exit(1);
}
