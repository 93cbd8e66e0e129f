// `npm run dev`'s Cron Triggers. wrangler dev runs a cron only when asked (`--test-scheduled`'s `/__scheduled?cron=…`),
// so a local server never ran Life Beat, the rates and prices backfills, the valuations or the queued syncs, and its
// figures drifted from a deployed Worker's: QA saw a past day's net worth change when a rate was first asked for, a
// rate the hourly backfill would have stored. Here each cron of wrangler.toml is asked for at its minute (UTC), as
// Cloudflare runs it, and the hourly one once at start. `DEV_CRONS=off` turns it off.
import { readFileSync } from "node:fs";

/** The `crons = [...]` of wrangler.toml's `[triggers]`. */
export function cronsOf(toml) {
  const list = /^crons\s*=\s*\[([^\]]*)\]/m.exec(toml);
  return list ? [...list[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]) : [];
}

/**
 * Whether `cron` is due at `date`'s minute (UTC). Fields are numbers or `*` (what wrangler.toml uses); a cron with
 * anything else is never due here, and `fieldsKnown` says so at start.
 */
export function due(cron, date) {
  const fields = cron.trim().split(/\s+/);
  const now = [date.getUTCMinutes(), date.getUTCHours(), date.getUTCDate(), date.getUTCMonth() + 1, date.getUTCDay()];
  return fieldsKnown(cron) && fields.every((f, i) => f === "*" || Number(f) === now[i]);
}

export const fieldsKnown = (cron) => {
  const fields = cron.trim().split(/\s+/);
  return fields.length === 5 && fields.every((f) => f === "*" || /^\d{1,2}$/.test(f));
};

/** Runs wrangler.toml's crons against `target` (the server's own address) until the process ends. */
export function runCrons(target, { log = console.log, toml = readFileSync("wrangler.toml", "utf8"), now = () => new Date() } = {}) {
  const crons = cronsOf(toml);
  for (const c of crons) if (!fieldsKnown(c)) log(`Cron "${c}" is not one this runner reads (numbers and * only); run it with /__scheduled?cron=.`);
  const fire = async (cron) => {
    try {
      const res = await fetch(`${target}/__scheduled?cron=${encodeURIComponent(cron)}`);
      log(`Cron "${cron}": ${res.status === 200 ? "ran" : `answered ${res.status}`}`);
    } catch (err) {
      log(`Cron "${cron}" could not run: ${err.message}`);
    }
  };
  // At start, unless the hour's own run is due within the minute (two runs would then overlap).
  const hourly = crons.find((c) => c.trim().startsWith("0 * "));
  if (hourly && now().getUTCMinutes() !== 59) void fire(hourly);
  const tick = () => {
    const at = now();
    for (const c of crons) if (due(c, at)) void fire(c);
    // At the start of the next minute, however long this one's requests take.
    setTimeout(tick, 60_000 - (Date.now() % 60_000) + 50).unref();
  };
  setTimeout(tick, 60_000 - (Date.now() % 60_000) + 50).unref();
  return crons;
}
