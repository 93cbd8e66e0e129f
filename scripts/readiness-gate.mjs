// The public port of `npm run dev`. Until `open()` every request, /v1/health
// included, gets 503 `{"status":"starting"}` with Retry-After, so a client that
// waits for a healthy API never reaches it before the demo data is in; after
// `open()` each request is passed unchanged to `wrangler dev` on its internal
// port. Holding the port here keeps readiness out of the Worker: production
// health has no notion of a seed.
import { readFileSync } from "node:fs";
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

// Ports handed out by this process, so two asks in a row (wrangler's port, then its debugger's) never get the same one.
const handedOut = new Set();

/** The low end of the kernel's ephemeral range: ports from there up are what it gives outgoing connections and binds to port 0. */
function ephemeralLow() {
  try {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 11_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

function listenProbe(host, port) {
  return new Promise((resolve, reject) => {
    const probe = http.createServer();
    probe.once("error", reject);
    probe.listen(port, host, () => {
      const { port: bound } = probe.address();
      probe.close(() => resolve(bound));
    });
  });
}

/**
 * A port nothing listens on right now (wrangler dev behind the gate, its debugger): `wanted` if free (it rejects when
 * taken), else one below the kernel's ephemeral range. A port the system picked (port 0) is free only until it is
 * released: the kernel may then give it to any outgoing connection, or to a poll of that very port that connects to
 * itself (TCP simultaneous open), and wrangler dev then fails to bind it ("Address already in use", CI at stop 39).
 * Below the ephemeral range the kernel hands out nothing on its own.
 */
export async function freePort(host = "127.0.0.1", wanted = 0) {
  if (wanted) return listenProbe(host, wanted);
  const low = ephemeralLow();
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = 10_000 + Math.floor(Math.random() * (low - 10_000));
    if (handedOut.has(candidate)) continue;
    const port = await listenProbe(host, candidate).catch(() => null);
    if (port !== null) {
      handedOut.add(port);
      return port;
    }
  }
  const port = await listenProbe(host, 0);
  handedOut.add(port);
  return port;
}
