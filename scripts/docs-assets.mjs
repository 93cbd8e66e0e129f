#!/usr/bin/env node
// Copies Swagger UI's browser files from the swagger-ui-dist package into
// public/docs/vendor/, which the Worker serves as static assets for /docs.
// Runs on `npm ci`/`npm install` (postinstall), so a fresh clone has them.
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const dist = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
const out = "public/docs/vendor";
mkdirSync(out, { recursive: true });
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "LICENSE"]) {
  copyFileSync(join(dist, file), join(out, file));
}
