// `npm run dev`'s Cron Triggers (scripts/dev-crons.mjs): which crons it reads from wrangler.toml, when each is due,
// and that it asks the server for the hourly one at start. Runs in Node with the browser test's config.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cronsOf, due, fieldsKnown, runCrons } from "../../scripts/dev-crons.mjs";

describe("npm run dev's crons", () => {
  it("are wrangler.toml's, each due at its minute (UTC)", () => {
    expect(cronsOf(readFileSync("wrangler.toml", "utf8"))).toEqual(["0 * * * *", "0 3 * * *", "0 4 * * *"]);
    const at = (iso) => new Date(iso);
    expect(due("0 * * * *", at("2026-12-06T21:00:30Z"))).toBe(true);
    expect(due("0 * * * *", at("2026-12-06T21:01:00Z"))).toBe(false);
    expect(due("0 3 * * *", at("2026-12-07T03:00:05Z"))).toBe(true);
    expect(due("0 3 * * *", at("2026-12-07T04:00:05Z"))).toBe(false);
    expect(due("30 4 1 1 *", at("2027-01-01T04:30:00Z"))).toBe(true);
    expect(due("0 0 * * 0", at("2026-12-06T00:00:00Z"))).toBe(true); // a Sunday
    expect(due("0 0 * * 0", at("2026-12-07T00:00:00Z"))).toBe(false);
    // Steps, ranges and lists are not read here: never due, and said so at start.
    expect(fieldsKnown("*/5 * * * *")).toBe(false);
    expect(due("*/5 * * * *", at("2026-12-06T21:05:00Z"))).toBe(false);
    expect(fieldsKnown("0 * * *")).toBe(false);
  });

  it("ask the server for the hourly cron at start, and name a cron they cannot read", async () => {
    const asked = [];
    const server = createServer((req, res) => {
      asked.push(req.url);
      res.end("Ran scheduled event");
    });
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    const logs = [];
    try {
      // A fixed half past: at a real hh:59 the runner rightly leaves the start run to the hour (CI once ran this at 05:59).
      const halfPast = () => new Date("2026-12-06T21:30:00Z");
      const crons = runCrons(`http://127.0.0.1:${server.address().port}`, { log: (l) => logs.push(l), toml: 'crons = ["0 * * * *", "*/5 * * * *"]', now: halfPast });
      expect(crons).toEqual(["0 * * * *", "*/5 * * * *"]);
      for (let i = 0; i < 50 && asked.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(asked).toEqual(["/__scheduled?cron=0%20*%20*%20*%20*"]);
      for (let i = 0; i < 50 && !logs.some((l) => l.endsWith("ran")); i++) await new Promise((r) => setTimeout(r, 20));
      expect(logs).toEqual(['Cron "*/5 * * * *" is not one this runner reads (numbers and * only); run it with /__scheduled?cron=.', 'Cron "0 * * * *": ran']);
      // Started a minute before the hour, it leaves the hourly run to the hour (the two would overlap).
      const before = asked.length;
      runCrons(`http://127.0.0.1:${server.address().port}`, { log: () => {}, toml: 'crons = ["0 * * * *"]', now: () => new Date("2026-12-06T21:59:30Z") });
      await new Promise((r) => setTimeout(r, 200));
      expect(asked.length).toBe(before);
    } finally {
      server.close();
    }
  });
});
