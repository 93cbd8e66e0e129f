// The Worker of bench/d1-batch-cost.mjs: one request runs one D1 batch of `k` statements, each
// inserting one row into its own table, as separate statements (`mode=separate`) or as one insert into
// a view whose INSTEAD OF trigger does the k inserts (`mode=trigger`); `k=0` answers without D1.
const COLUMNS = "id, a, b, c, d, e";
const FROM_JSON = "value ->> '$[0]', value ->> '$[1]', value ->> '$[2]', value ->> '$[3]', value ->> '$[4]', value ->> '$[5]'";
const MAX_TABLES = 10;

async function setUp(db) {
  for (let t = 0; t < MAX_TABLES; t++) await db.exec(`CREATE TABLE IF NOT EXISTS t${t} (id TEXT, a INTEGER, b TEXT, c INTEGER, d INTEGER, e TEXT, PRIMARY KEY (id, a))`);
  for (let k = 1; k <= MAX_TABLES; k++) {
    const cols = Array.from({ length: k }, (_, t) => `NULL AS x${t}`).join(", ");
    await db.exec(`CREATE VIEW IF NOT EXISTS intake${k} AS SELECT ${cols}`);
    const body = Array.from({ length: k }, (_, t) => `INSERT INTO t${t} (${COLUMNS}) SELECT ${FROM_JSON} FROM json_each(NEW.x${t}) WHERE true;`).join(" ");
    await db.prepare(`CREATE TRIGGER IF NOT EXISTS intake${k}_rows INSTEAD OF INSERT ON intake${k} BEGIN ${body} END`).run();
  }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/setup") {
      await setUp(env.DB);
      return new Response("ready");
    }
    const k = Math.min(Number(url.searchParams.get("k") ?? 0), MAX_TABLES);
    if (k === 0) return new Response("no batch");
    const id = crypto.randomUUID();
    const row = (t) => JSON.stringify([[id, t, "x".repeat(60), 12345, Date.now(), "{}"]]);
    const statements = url.searchParams.get("mode") === "trigger"
      ? [env.DB.prepare(`INSERT INTO intake${k} (${Array.from({ length: k }, (_, t) => `x${t}`).join(", ")}) VALUES (${Array.from({ length: k }, () => "?").join(", ")})`).bind(...Array.from({ length: k }, (_, t) => row(t)))]
      : Array.from({ length: k }, (_, t) => env.DB.prepare(`INSERT INTO t${t} (${COLUMNS}) SELECT ${FROM_JSON} FROM json_each(?) WHERE true`).bind(row(t)));
    const results = await env.DB.batch(statements);
    return new Response(String(results.length));
  },
};
