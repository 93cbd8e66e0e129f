// The public port of `npm run dev`. Until `open()` every request, /v1/health
// included, gets 503 `{"status":"starting"}` with Retry-After, so a client that
// waits for a healthy API never reaches it before the demo data is in; after
// `open()` each request is passed unchanged to `wrangler dev` on its internal
// port. Holding the port here keeps readiness out of the Worker: production
// health has no notion of a seed.
import http from "node:http";

const agent = new http.Agent({ keepAlive: true });

/** Listens on `host:port` (rejecting if it is taken) and forwards to `target` once opened. */
export function readinessGate({ port, host = "127.0.0.1", target }) {
  const upstream = new URL(target);
  let ready = false;
  const server = http.createServer((req, res) => {
    if (!ready) {
      res.writeHead(503, { "content-type": "application/json", "retry-after": "1", "cache-control": "no-store" });
      res.end(JSON.stringify({ status: "starting", message: "Applying migrations and seeding demo data", timestamp: new Date().toISOString() }));
      return;
    }
    const forward = http.request(
      { agent, hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    forward.on("error", (err) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "unavailable", message: `wrangler dev did not answer: ${err.message}` }));
    });
    req.pipe(forward);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(Number(port), host, () =>
      resolve({
        open: () => void (ready = true),
        close: () => new Promise((done) => server.close(() => done())),
      }),
    );
  });
}

/** A port nothing listens on right now (wrangler dev behind the gate, its debugger): `wanted` if free (it rejects when taken), else one the system picks. */
export function freePort(host = "127.0.0.1", wanted = 0) {
  return new Promise((resolve, reject) => {
    const probe = http.createServer();
    probe.once("error", reject);
    probe.listen(wanted, host, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
