// The real-browser test: runs in Node (not workerd), against `wrangler dev`, driving Debian's Chromium; and the tests of
// the Node scripts (test/scripts). `npm test` runs them after the workerd suite; `npm run test:browser` runs them alone.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/browser/**/*.e2e.mjs", "test/scripts/**/*.test.mjs"],
    environment: "node",
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
