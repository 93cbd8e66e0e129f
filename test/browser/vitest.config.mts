// The real-browser test: runs in Node (not workerd), against `wrangler dev`, driving Debian's Chromium.
// `npm test` runs it after the workerd suite; `npm run test:browser` runs it alone.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/browser/**/*.e2e.mjs"],
    environment: "node",
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
