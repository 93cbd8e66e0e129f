/**
 * What a test (or a demo) changes in the Zapper and gaming simulators' answer for one wallet, so that a later
 * sync sees a position shrink or close as a real provider would report it: per simulator and address, kept
 * in `sandbox_wallet_settings` (migration 0039) and set through each simulator's control route
 * (`POST /sandbox/zapper/sandbox/wallets/{address}`, `POST /sandbox/gaming/sandbox/wallets/{address}`).
 */
import type { Context } from "hono";
import type { AppEnv } from "../env";

export interface WalletSettings {
  /** Size of what an app (Zapper: appId) or platform (gaming) holds, in percent of its usual size (0..1000). */
  percent: Record<string, number>;
  /** Apps (Zapper) or platforms (gaming) the wallet no longer holds anything on. */
  closed: string[];
  /** Zapper: each position repeated this many times under its own keys (1..200), for wallets of many positions. */
  copies: number;
}

const DEFAULTS: WalletSettings = { percent: {}, closed: [], copies: 1 };

export async function walletSettings(env: Env, simulator: "zapper" | "gaming", address: string): Promise<WalletSettings> {
  const row = await env.DB.prepare("SELECT settings FROM sandbox_wallet_settings WHERE simulator = ? AND address = ?")
    .bind(simulator, address.toLowerCase())
    .first<{ settings: string }>();
  return row ? { ...DEFAULTS, ...(JSON.parse(row.settings) as Partial<WalletSettings>) } : DEFAULTS;
}

const int = (v: unknown, lo: number, hi: number) => (typeof v === "number" && Number.isInteger(v) && v >= lo && v <= hi ? v : null);

/** The control route's handler: replaces the wallet's settings with the body's (`{ percent?, closed?, copies? }`). */
export async function setWalletSettings(c: Context<AppEnv>, simulator: "zapper" | "gaming") {
  const address = c.req.param("address")!.toLowerCase();
  let body: Record<string, unknown>;
  try {
    body = (await c.req.json()) as Record<string, unknown>;
  } catch {
    return c.json({ error: "invalid_json" }, 400);
  }
  const percent: Record<string, number> = {};
  for (const [k, v] of Object.entries((body?.percent ?? {}) as Record<string, unknown>)) {
    const n = int(v, 0, 1000);
    if (n === null) return c.json({ error: "percent values are integers 0..1000" }, 400);
    percent[k] = n;
  }
  const closed = Array.isArray(body?.closed) ? body.closed.filter((x): x is string => typeof x === "string") : [];
  const copies = body?.copies === undefined ? 1 : int(body.copies, 1, 200);
  if (!/^0x[0-9a-f]{40}$/.test(address) || copies === null) return c.json({ error: "invalid_settings" }, 400);
  const settings: WalletSettings = { percent, closed, copies };
  await c.env.DB.prepare(
    "INSERT INTO sandbox_wallet_settings (simulator, address, settings) VALUES (?, ?, ?) ON CONFLICT (simulator, address) DO UPDATE SET settings = excluded.settings",
  ).bind(simulator, address, JSON.stringify(settings)).run();
  return c.json(settings);
}
