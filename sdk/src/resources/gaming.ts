import type { QueryOf } from "../types.js";
import { Resource, type CallExtras } from "./base.js";

/** Blockchain gaming holdings (tokens, staking, land, NFTs, earnings) found in a space's wallets. */
export class GamingResource extends Resource {
  portfolio(spaceId: string, x: CallExtras = {}) {
    return this.call("get", "/v1/gaming/portfolio", { query: { spaceId }, ...x });
  }
  platforms(x: CallExtras = {}) {
    return this.call("get", "/v1/gaming/platforms", { ...x });
  }
  positions(platform: string, spaceId: string, x: CallExtras = {}) {
    return this.call("get", "/v1/gaming/platforms/{platform}/positions", { path: { platform }, query: { spaceId }, ...x });
  }
  earnings(query: NonNullable<QueryOf<"/v1/gaming/earnings", "get">>, x: CallExtras = {}) {
    return this.call("get", "/v1/gaming/earnings", { query, ...x });
  }
  nfts(spaceId: string, x: CallExtras = {}) {
    return this.call("get", "/v1/gaming/nfts", { query: { spaceId }, ...x });
  }
}
