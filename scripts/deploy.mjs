#!/usr/bin/env node
// `npm run deploy [-- <wrangler deploy args>]`: refuses to upload a configuration that is still the local
// one, then runs `wrangler deploy`. wrangler.toml's [vars] are the sandbox's (so that `npm run dev` and the
// tests work offline): deployed as they are, the public /sandbox routes would serve the simulators' outboxes
// (every "sent" email, invitation tokens included), webhooks could target localhost and fake provider
// tokens would be accepted. The check reads the configuration wrangler would deploy (with `--env <name>`,
// that environment's), so production settings can live in an [env.production] section or in the [vars].
// The docs page's Swagger UI files, copied again here: postinstall may not have run where node_modules came from
// elsewhere (a cache, a link), and /docs would load blank.
import "./docs-assets.mjs";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";

const args = process.argv.slice(2);
// Anything that would make wrangler deploy another configuration than the one checked here is refused:
// another config file, vars given on the command line, or more than one environment.
const overriding = args.filter((a) => /^(-c|--config|--cwd|--env-file|--var|--vars|--define)(=|$)/.test(a));
if (overriding.length > 0) {
  console.error(`Not deploying: ${overriding.join(", ")} would deploy settings this check does not read. Put them in wrangler.toml (or an [env.<name>] section).`);
  process.exit(1);
}
const envNames = args.flatMap((a, i) => (a === "--env" || a === "-e" ? [args[i + 1]] : /^(--env|-e)=/.test(a) ? [a.slice(a.indexOf("=") + 1)] : []));
if (envNames.length > 1) {
  console.error("Not deploying: more than one --env.");
  process.exit(1);
}
// wrangler also reads CLOUDFLARE_ENV from .env files; the check must see the environment it will deploy.
const dotenvEnv = [".env", ".env.local"]
  .filter((f) => existsSync(f))
  .map((f) => /^\s*CLOUDFLARE_ENV\s*=\s*["']?([^"'\s#]*)/m.exec(readFileSync(f, "utf8"))?.[1])
  .find((v) => v !== undefined);
const envName = envNames[0] ?? process.env.CLOUDFLARE_ENV ?? dotenvEnv;

const { unstable_readConfig } = await import("wrangler");
const config = unstable_readConfig({ config: "wrangler.toml", env: envName });

/** What would make this configuration unsafe or broken once deployed. */
function deployProblems(config) {
  const vars = config.vars ?? {};
  const problems = [];
  if (vars.ENVIRONMENT !== "production") problems.push(`ENVIRONMENT is "${vars.ENVIRONMENT}", not "production" (webhooks to localhost are allowed otherwise)`);
  if (vars.PROVIDER_MODE !== "production") problems.push(`PROVIDER_MODE is "${vars.PROVIDER_MODE}", not "production" (the /sandbox simulators and their outboxes would be served)`);
  // SANDBOX_ORIGIN is inert outside sandbox mode (lib/outbound.ts); every other sandbox value is a base URL
  // pointing at the simulators or a simulator's key, which must be the real one (a secret) in production.
  for (const [name, value] of Object.entries(vars)) {
    if (name !== "SANDBOX_ORIGIN" && name !== "PROVIDER_MODE" && typeof value === "string" && /sandbox/i.test(value)) problems.push(`${name} still has its sandbox value`);
  }
  if (vars.SMS_FROM === "+15005550006") problems.push("SMS_FROM is Twilio's test number");
  if (Number(vars.RATE_LIMIT_MULTIPLIER ?? "1") !== 1) problems.push(`RATE_LIMIT_MULTIPLIER is ${vars.RATE_LIMIT_MULTIPLIER} (keep 1 in production)`);
  for (const db of config.d1_databases ?? []) {
    if (!db.database_id || /^[0-]+$/.test(db.database_id)) problems.push(`the D1 database ${db.binding} has no real database_id (wrangler d1 create)`);
  }
  return problems;
}

const problems = deployProblems(config);
if (problems.length > 0) {
  console.error(`Not deploying${envName ? ` (env ${envName})` : ""}: this is still the local configuration.`);
  for (const p of problems) console.error(`  - ${p}`);
  console.error("See README.md, Deploying: set the production values in wrangler.toml (or an [env.production] section and `npm run deploy -- --env production`), and the keys with `wrangler secret put`.");
  process.exit(1);
}
const bin = createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js");
// The file checked is the file deployed (wrangler would prefer a wrangler.json beside it).
const run = spawnSync(process.execPath, [bin, "deploy", "--config", "wrangler.toml", ...args], { stdio: "inherit" });
process.exit(run.status ?? 1);
