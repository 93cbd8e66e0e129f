// A V8 CPU profile of one hot path (writes or list pages) of the Worker's isolate, taken over
// wrangler dev's DevTools inspector while the path runs at 16 clients: self time per function and
// per source file, to find what a request's JavaScript spends. The Durable Objects run in the same
// isolate and show here; D1's SQLite does not (it is workerd's C++).
//   node bench/profile-path.mjs [writes|writes8|list|health] [n=1000]   (profiles land in /tmp/prof/)
// writes8 spreads the writes round robin over eight spaces, as the speed scenario's eight-space row does.
import WebSocket from "ws";
import { writeFileSync } from "node:fs";
import { benchUser } from "./lib/api.mjs";
import { run } from "./lib/load.mjs";
import { inspectorPort, startServer } from "./lib/server.mjs";
import { dhanamSpace, dhanamWrite } from "./speed.mjs";

const [, , path = "writes", nArg = "1000"] = process.argv;
const n = Number(nArg);
process.env.BENCH_INSPECTOR = "1";
const server = await startServer({ port: 8791, fromHead: true });
try {
  const api = await benchUser(server.base, "prof");
  const spaces = [];
  for (let k = 0; k < (path === "writes8" ? 8 : 1); k++) spaces.push(await dhanamSpace(api, `prof-${k}`));
  const s = spaces[0];
  const write = (i) => {
    const t = spaces[i % spaces.length];
    return api.post("/v1/transactions", { spaceId: t.id, accountId: t.accountId, ...dhanamWrite(i, "p", t.cats).body });
  };
  // The list is of a space as large as the speed scenario's (3,200 rows); writes need only a warm object.
  await run({ total: path === "list" ? 3200 : 400, concurrency: 16, makeRequest: write });
  const list = (i) => api.get(`/v1/transactions?spaceId=${s.id}&limit=50&offset=${(i % 6) * 50}`);
  const health = () => api.get("/v1/health");
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort()}/json`)).json();
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  let nextId = 1;
  const pending = new Map();
  ws.on("message", (data) => {
    const msg = JSON.parse(String(data));
    if (msg.id) { pending.get(msg.id)?.(msg.result); pending.delete(msg.id); }
  });
  const send = (method, params = {}) => new Promise((resolve) => { const id = nextId++; pending.set(id, resolve); ws.send(JSON.stringify({ id, method, params })); });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 200 });
  await send("Profiler.start");
  const make = path === "list" ? list : path === "health" ? health : (i) => write(1000 + i);
  const t0 = performance.now();
  const r = await run({ total: n, concurrency: 16, makeRequest: make });
  const wall = performance.now() - t0;
  const { profile } = await send("Profiler.stop");
  await send("Debugger.enable");
  const bundleId = profile.nodes.find((x) => /index\.js$/.test(x.callFrame.url))?.callFrame.scriptId;
  const source = bundleId ? (await send("Debugger.getScriptSource", { scriptId: bundleId })).scriptSource : "";
  ws.close();
  writeFileSync(`/tmp/prof/${path}.bundle.js`, source);
  // esbuild marks each input file with a "// path" line: a bundle line belongs to the last marker above it.
  const markers = [];
  source.split("\n").forEach((line, i) => {
    const m = /^\/\/ ((?:node_modules\/(?:@[^/]+\/)?[^/]+)|src\/.+|durable-objects\/.+)$/.exec(line);
    if (m) markers.push([i, m[1].replace(/^node_modules\//, "")]);
  });
  const ownerOf = (line) => {
    let found = "(bundle)";
    for (const [at, name] of markers) { if (at <= line) found = name; else break; }
    return found;
  };
  writeFileSync(`/tmp/prof/${path}.cpuprofile`, JSON.stringify(profile));
  const nodes = new Map(profile.nodes.map((x) => [x.id, x]));
  const self = new Map();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFn = new Map();
  const byFile = new Map();
  let total = 0;
  for (const [id, us] of self) {
    const f = nodes.get(id).callFrame;
    if (f.functionName === "(idle)") continue;
    total += us;
    const file = /index\.js$/.test(f.url) ? ownerOf(f.lineNumber) : f.url || f.functionName;
    const key = `${f.functionName || "(anon)"} ${file}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
    byFile.set(file, (byFile.get(file) ?? 0) + us);
  }
  // Inclusive time of each function (its synchronous slices: an async function's awaits split it).
  const incl = new Map();
  const walk = (id, onStack) => {
    const node = nodes.get(id);
    const f = node.callFrame;
    const file = /index\.js$/.test(f.url) ? ownerOf(f.lineNumber) : f.url || f.functionName;
    const key = `${f.functionName || "(anon)"} ${file}`;
    let us = self.get(id) ?? 0;
    const inner = new Set(onStack).add(key);
    for (const c of node.children ?? []) us += walk(c, inner);
    if (!onStack.has(key) && f.functionName !== "(root)") incl.set(key, (incl.get(key) ?? 0) + us);
    return us;
  };
  walk(profile.nodes[0].id, new Set());
  const top = (m, k) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, us]) => `${(us / 1000 / n).toFixed(3).padStart(7)} ms/req  ${name}`);
  console.log(`${path}: ${n} requests, ${(n / wall * 1000).toFixed(1)}/s, statuses ${JSON.stringify(r.statuses ?? {})}; sampled non-idle ${(total / 1000 / n).toFixed(2)} ms/req`);
  console.log("by file:\n" + top(byFile, 25).join("\n"));
  console.log("by function:\n" + top(byFn, 40).join("\n"));
  console.log("inclusive, our code:\n" + top(new Map([...incl].filter(([k]) => / (src|durable-objects)\//.test(k))), 50).join("\n"));
} finally {
  server.stop();
}
