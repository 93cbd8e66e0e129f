// Loads the labelled transaction generator shared with the tests (test/ml/dataset.ts) by stripping its types.
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export async function loadDataset() {
  const ts = readFileSync(new URL("../../test/ml/dataset.ts", import.meta.url), "utf8");
  const { transformSync } = await import("esbuild");
  const js = transformSync(ts, { loader: "ts", format: "esm" }).code;
  const file = join(mkdtempSync(join(tmpdir(), "dhanam-ds-")), "dataset.mjs");
  writeFileSync(file, js);
  return import(pathToFileURL(file).href);
}
