// Side-by-side CPU per request of two (or more) commits, for judging one cut at a time: the full
// speed scenario takes minutes and its req/s move with whatever else shares the cores, while the
// server's CPU per request moves much less. Each round serves one commit (`git archive`, no
// inspector) on a fresh state, then drives health checks, Dhanam writes into one space and list
// pages of that space at 16 clients, reading the server's CPU from /proc around each phase. Rounds
// alternate the commits (a, b, a, b, ...) so drift of the machine falls on both alike.
//   node bench/cpu-ab.mjs <ref-a> <ref-b> [rounds=2]   (AB_WRITES=uncategorized: writes without categoryId;
//   AB_SPACES=8: the writes round robin over 8 spaces, as the speed scenario's eight-space row does)
// A ref may carry Worker variables: `HEAD,LOG_LEVEL=error` serves HEAD with LOG_LEVEL set to error.
import { benchUser } from "./lib/api.mjs";
import { run } from "./lib/load.mjs";
import { startServer } from "./lib/server.mjs";
import { groupCpu } from "./scaling.mjs";
import { dhanamSpace, dhanamWrite } from "./speed.mjs";
import { loadavg } from "node:os";

const [, , ...args] = process.argv;
// A short number is the rounds; a ref that happens to be all digits (a short hash) is longer.
const isRounds = (a) => /^\d{1,3}$/.test(a);
const rounds = Number(args.find(isRounds) ?? 2);
const refs = args.filter((a) => !isRounds(a));
const N = { health: 900, writes: 300, list: 300 };
const C = 16;
const SPACES = Number(process.env.AB_SPACES ?? 1);

const out = [];
for (let r = 0; r < rounds; r++) {
  for (const spec of refs) {
    const [ref, ...vars] = spec.split(",");
    process.env.BENCH_REF = ref;
    const server = await startServer({ port: 8790, fromHead: true, vars: Object.fromEntries(vars.map((v) => v.split("="))) });
    try {
      const api = await benchUser(server.base, "ab");
      const cpu = async (n, fn) => {
        const a = groupCpu(server.pgid);
        await fn();
        const b = groupCpu(server.pgid);
        // workerd + the rest of the server's processes (wrangler's Node), as the speed scenario sums them.
        return { total: +((((b.workerd - a.workerd) + (b.other - a.other)) * 1000) / n).toFixed(2), workerd: +(((b.workerd - a.workerd) * 1000) / n).toFixed(2) };
      };
      await run({ total: 300, concurrency: C, makeRequest: () => api.get("/v1/health") });
      const health = await cpu(N.health, () => run({ total: N.health, concurrency: C, makeRequest: () => api.get("/v1/health") }));
      const spaces = [];
      for (let k = 0; k < SPACES; k++) spaces.push(await dhanamSpace(api, `ab-${k}`));
      const s = spaces[0];
      await run({ total: 50, concurrency: C, makeRequest: (i) => { const t = spaces[i % SPACES]; return api.post("/v1/transactions", { spaceId: t.id, accountId: t.accountId, ...dhanamWrite(i, "warm", t.cats).body }); } });
      const statuses = {};
      const writes = await cpu(N.writes, () => run({
        total: N.writes, concurrency: C,
        makeRequest: async (i) => {
          const t = spaces[i % SPACES];
          const body = { spaceId: t.id, accountId: t.accountId, ...dhanamWrite(i, "ab", t.cats).body };
          // AB_WRITES=uncategorized: no write names a category (each is categorized automatically).
          if (process.env.AB_WRITES === "uncategorized") delete body.categoryId;
          const res = await api.post("/v1/transactions", body);
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          return res;
        },
      }));
      const list = await cpu(N.list, () => run({ total: N.list, concurrency: C, makeRequest: (i) => api.get(`/v1/transactions?spaceId=${s.id}&limit=50&offset=${(i % 6) * 50}`) }));
      const row = { round: r + 1, ref: server.source, vars, spaces: SPACES, health, writes, list, writeStatuses: statuses, load: loadavg()[0].toFixed(2) };
      out.push(row);
      console.log(JSON.stringify(row));
    } finally {
      server.stop();
    }
  }
}
