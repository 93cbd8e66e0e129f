import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    plugins: [
      cloudflareTest({
        main: "./src/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            LOG_LEVEL: "error",
            JWT_SECRET: "test-jwt-secret-0123456789abcdefghijklmnop",
            ENCRYPTION_KEY: "dGVzdC1lbmNyeXB0aW9uLWtleS0zMi1ieXRlcyEhISE=",
            // TEST_CLOCK_AT=2027-03-01T00:05:00Z npx vitest run <file>: the file runs as if started then (test/setup.ts).
            TEST_CLOCK_AT: process.env.TEST_CLOCK_AT ?? "",
          },
        },
      }),
    ],
    // The same zod the deployed bundle gets (wrangler.toml [alias]).
    resolve: { alias: [{ find: /^zod$/, replacement: `${process.cwd()}/src/lib/zod-lean.ts` }] },
    test: {
      include: ["test/**/*.test.ts"],
      setupFiles: ["./test/setup.ts"],
      testTimeout: 30_000,
      hookTimeout: 30_000,
    },
  };
});
