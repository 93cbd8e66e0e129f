/**
 * Gaming platforms Dhanam knows. `client: true` platforms are read through
 * the gaming data client (client.ts); the others are listed with
 * `available: false` and never given values.
 */
export interface Platform {
  platform: string;
  label: string;
  chain: string;
  token: string;
  dao: string | null;
  client: boolean;
}

export const PLATFORMS: readonly Platform[] = [
  { platform: "sandbox", label: "The Sandbox", chain: "polygon", token: "SAND", dao: "Sandbox DAO", client: true },
  { platform: "axie", label: "Axie Infinity", chain: "ronin", token: "AXS", dao: "Axie Infinity DAO", client: true },
  { platform: "decentraland", label: "Decentraland", chain: "ethereum", token: "MANA", dao: "Decentraland DAO", client: true },
  { platform: "illuvium", label: "Illuvium", chain: "ethereum", token: "ILV", dao: "Illuvium DAO", client: true },
  { platform: "gala", label: "Gala Games", chain: "ethereum", token: "GALA", dao: "Gala Node Council", client: true },
  { platform: "star-atlas", label: "Star Atlas", chain: "solana", token: "ATLAS", dao: "Star Atlas DAO", client: false },
  { platform: "big-time", label: "Big Time", chain: "ethereum", token: "BIGTIME", dao: null, client: false },
  { platform: "enjin", label: "Enjin", chain: "enjin-relaychain", token: "ENJ", dao: null, client: false },
];

export const platformOf = (id: string) => PLATFORMS.find((p) => p.platform === id);

export const EARNING_SOURCES = ["staking", "rental", "play-to-earn", "scholarship", "trading", "creator"] as const;
export type EarningSource = (typeof EARNING_SOURCES)[number];

/** Chart colors per earning source (seed 000 `earnings[].color`). */
export const SOURCE_COLORS: Record<EarningSource, string> = {
  staking: "#F1C40F",
  rental: "#2ECC71",
  "play-to-earn": "#3498DB",
  scholarship: "#9B59B6",
  trading: "#E67E22",
  creator: "#1ABC9C",
};
