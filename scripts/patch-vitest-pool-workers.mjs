#!/usr/bin/env node
// Backports the fix of cloudflare/workers-sdk#15092 (PR #15106) to the pinned
// @cloudflare/vitest-pool-workers 0.15.1: its `createProxyPrototypeClass` wrapped
// the class's prototype in a NEW Proxy on every construction of a Durable Object,
// so each construction nested one more `get` trap. Property reads grew linear in
// the number of objects made so far, and a long test file (the fuzz makes
// thousands of objects) ended in "RangeError: Maximum call stack size exceeded".
// Fixed versions need a newer wrangler than Node 20 allows. The patch installs the
// proxy once per class, as the upstream fix does. Runs on postinstall; idempotent;
// fails loudly if the code it patches is not there (a version bump: drop this script).
import { readFileSync, writeFileSync } from "node:fs";

// npm runs postinstall in the project's root (the package exports no package.json to resolve).
const file = "node_modules/@cloudflare/vitest-pool-workers/dist/worker/lib/cloudflare/test-internal.mjs";
const src = readFileSync(file, "utf8");
const before = "\tfunction Class(...args) {\n\t\tClass.prototype = new Proxy(Class.prototype, {";
const after = "\tlet proxied = false;\n\tfunction Class(...args) {\n\t\tif (!proxied && (proxied = true)) Class.prototype = new Proxy(Class.prototype, {";
if (src.includes(after)) process.exit(0);
if (!src.includes(before)) {
  console.error(`patch-vitest-pool-workers: the code to patch is not in ${file}; is the pinned version still 0.15.1?`);
  process.exit(1);
}
writeFileSync(file, src.replace(before, after));
console.log("patch-vitest-pool-workers: the prototype proxy is installed once per class (workers-sdk#15092)");
