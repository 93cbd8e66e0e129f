import type { BodyOf, QueryOf } from "../types.js";
import { Resource, type CallExtras } from "./base.js";

/** DeFi positions of a space's watched wallets (read-only addresses). */
export class DefiResource extends Resource {
  positions(query: NonNullable<QueryOf<"/v1/defi/positions", "get">>, x: CallExtras = {}) {
    return this.call("get", "/v1/defi/positions", { query, ...x });
  }
  /** Adds a wallet address to watch and syncs it once. */
  addWallet(body: BodyOf<"/v1/defi/wallets", "post">, x: CallExtras = {}) {
    return this.call("post", "/v1/defi/wallets", { body, ...x });
  }
  /** Disconnects a wallet: it and its DeFi and gaming positions are removed (member or above). */
  removeWallet(walletId: string, x: CallExtras = {}) {
    return this.call("delete", "/v1/defi/wallets/{walletId}", { path: { walletId }, ...x });
  }
  /** Syncs the space's wallets (or `walletIds`) now. */
  sync(body: BodyOf<"/v1/defi/sync", "post">, x: CallExtras = {}) {
    return this.call("post", "/v1/defi/sync", { body, ...x });
  }
}
