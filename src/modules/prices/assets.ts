/**
 * Ticker symbol -> CoinGecko coin id. The market API is keyed by coin id, not
 * by ticker (tickers collide across chains); a symbol missing here is never
 * guessed and simply has no price. Covers the ESG data set, common DeFi tokens
 * and the gaming platforms' tokens.
 */
export const COINGECKO_IDS: Readonly<Record<string, string>> = {
  BTC: "bitcoin",
  ETH: "ethereum",
  USDT: "tether",
  XRP: "ripple",
  BNB: "binancecoin",
  SOL: "solana",
  USDC: "usd-coin",
  TRX: "tron",
  DOGE: "dogecoin",
  ADA: "cardano",
  HYPE: "hyperliquid",
  LINK: "chainlink",
  BCH: "bitcoin-cash",
  XLM: "stellar",
  SUI: "sui",
  AVAX: "avalanche-2",
  LTC: "litecoin",
  HBAR: "hedera-hashgraph",
  SHIB: "shiba-inu",
  TON: "the-open-network",
  DOT: "polkadot",
  XMR: "monero",
  DAI: "dai",
  UNI: "uniswap",
  CRO: "crypto-com-chain",
  LEO: "leo-token",
  NEAR: "near",
  APT: "aptos",
  ICP: "internet-computer",
  ETC: "ethereum-classic",
  PEPE: "pepe",
  AAVE: "aave",
  POL: "polygon-ecosystem-token",
  MATIC: "matic-network",
  ATOM: "cosmos",
  ALGO: "algorand",
  FIL: "filecoin",
  XTZ: "tezos",
  ARB: "arbitrum",
  OP: "optimism",
  // DeFi
  WETH: "weth",
  STETH: "staked-ether",
  WBTC: "wrapped-bitcoin",
  MKR: "maker",
  COMP: "compound-governance-token",
  CRV: "curve-dao-token",
  LDO: "lido-dao",
  // Gaming
  SAND: "the-sandbox",
  AXS: "axie-infinity",
  SLP: "smooth-love-potion",
  MANA: "decentraland",
  ILV: "illuvium",
  GALA: "gala",
  ENJ: "enjincoin",
  IMX: "immutable-x",
  YGG: "yield-guild-games",
  RON: "ronin",
};

/** Quote currencies the market API prices against (CoinGecko `vs_currencies`). */
export const PRICE_QUOTES = ["USD", "MXN", "EUR", "GBP", "CAD", "BRL", "ARS", "CLP", "JPY", "COP", "PEN"] as const;

export const coinIdOf = (symbol: string): string | undefined =>
  Object.prototype.hasOwnProperty.call(COINGECKO_IDS, symbol) ? COINGECKO_IDS[symbol] : undefined;
