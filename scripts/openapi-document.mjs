#!/usr/bin/env node
// Prints (or writes) the app's OpenAPI document as the Worker serves it, by
// starting the Worker locally in workerd (no server port, nothing persisted).
// Used by the lint check (`npm run lint:openapi`) and the SDK type generator.
//   node scripts/openapi-document.mjs [out.json]
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

export async function openapiDocument() {
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
  process.env.WRANGLER_SEND_METRICS = "false";
  const { unstable_startWorker } = await import("wrangler");
  const worker = await unstable_startWorker({
    config: "wrangler.toml",
    dev: { server: { port: 0 }, inspector: false, persist: false, logLevel: "error" },
  });
  try {
    const res = await worker.fetch("http://localhost/openapi.json");
    if (!res.ok) throw new Error(`/openapi.json answered ${res.status}`);
    return await res.json();
  } finally {
    await worker.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const doc = await openapiDocument();
  const text = JSON.stringify(doc, null, 2) + "\n";
  if (process.argv[2]) writeFileSync(process.argv[2], text);
  else process.stdout.write(text);
}
