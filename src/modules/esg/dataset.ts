/**
 * The ESG data set: the crypto assets Dhanam scores, with the factors behind
 * each score and where every figure comes from. Versioned: any change to a
 * figure or a judgment bumps ESG_DATASET.version, and portfolio snapshots
 * record the version they were computed with.
 *
 * What is measured and what is judged:
 * - Measured (with source and date): consensus mechanism; energy per
 *   transaction in Wh/tx as published by the cited source (not re-measured
 *   here); share of renewable/sustainable energy where a source publishes one.
 *   Tokens issued on another chain take that chain's figures (`hostChain`).
 *   A figure no cited source publishes is `null` ("unknown"), never estimated.
 * - Derived: carbon footprint in kgCO2e/tx = energy × the world-average grid
 *   intensity of GRID_INTENSITY (documented, same for every asset).
 * - Judged (analyst scores, 0–25 each, documented in methodology): the four
 *   social and four governance factors. S and G are their sums.
 * The environmental score is computed from the measured factors by
 * scoring.ts; nothing in this file is an overall score.
 */

export type ConsensusClass = "proof-of-work" | "merged-mined-proof-of-work" | "proof-of-stake-family";

export interface SourcedValue {
  /** The figure, or null when no cited source publishes it. */
  value: number | null;
  unit: string;
  source: string;
  /** When the source published the figure (YYYY-MM or YYYY-MM-DD). */
  date: string;
}

export interface EsgAsset {
  symbol: string;
  name: string;
  /** The mechanism as its project names it, e.g. "Nominated Proof-of-Stake". */
  consensus: string;
  consensusClass: ConsensusClass;
  consensusSource: { source: string; date: string };
  /** For tokens: the chain whose consensus and energy figures apply. */
  hostChain: string | null;
  energyPerTransaction: SourcedValue;
  carbonFootprint: SourcedValue;
  renewableShare: SourcedValue;
  /** [financial inclusion, community governance, developer activity, educational resources], 0–25 each. */
  social: [number, number, number, number];
  /** [protocol governance, transparency, regulatory compliance, risk management], 0–25 each. */
  governance: [number, number, number, number];
}

/** kgCO2e per Wh: IEA world-average electricity carbon intensity, 475 gCO2e/kWh. */
export const GRID_INTENSITY = {
  gramsPerKwh: 475,
  source: "IEA, Global Energy & CO2 Status Report 2019 (world-average electricity carbon intensity, 475 gCO2/kWh)",
  date: "2019-03",
} as const;

const S = {
  digiBtc: ["Digiconomist, Bitcoin Energy Consumption Index (single-transaction energy footprint)", "2025-01"],
  digiEth: ["Digiconomist, Ethereum Energy Consumption Index (single-transaction energy footprint)", "2025-01"],
  ccri: ["Crypto Carbon Ratings Institute (CCRI), Energy Efficiency and Carbon Footprint of PoS Blockchain Protocols", "2022-01"],
  ripple: ["Ripple, XRP Ledger sustainability statement (0.0079 kWh per transaction)", "2021-05"],
  sdf: ["Stellar Development Foundation with PwC, Stellar network energy use assessment", "2023-03"],
  ccaf: ["Cambridge Centre for Alternative Finance, Cambridge Digital Mining Industry Report (sustainable energy share)", "2025-04"],
  none: ["No per-transaction figure published by the data set's sources", "2026-12"],
  docs: ["Project documentation (consensus specification)", "2026-12"],
} as const;

type Src = readonly [string, string];

function asset(
  symbol: string,
  name: string,
  consensus: string,
  consensusClass: ConsensusClass,
  hostChain: string | null,
  energyWh: number | null,
  energySrc: Src,
  renewablePct: number | null,
  renewableSrc: Src,
  social: [number, number, number, number],
  governance: [number, number, number, number],
): EsgAsset {
  const carbon = energyWh === null ? null : Number(((energyWh * GRID_INTENSITY.gramsPerKwh) / 1_000_000).toPrecision(4));
  return {
    symbol,
    name,
    consensus,
    consensusClass,
    consensusSource: { source: S.docs[0], date: S.docs[1] },
    hostChain,
    energyPerTransaction: { value: energyWh, unit: "Wh/tx", source: energySrc[0] + (hostChain ? ` (figure of the host chain, ${hostChain})` : ""), date: energySrc[1] },
    carbonFootprint: {
      value: carbon,
      unit: "kgCO2e/tx",
      source: energyWh === null ? "Unknown: no energy figure to derive it from" : `Derived: energy per transaction × ${GRID_INTENSITY.gramsPerKwh} gCO2e/kWh (${GRID_INTENSITY.source})`,
      date: energyWh === null ? S.none[1] : energySrc[1],
    },
    renewableShare: { value: renewablePct, unit: "%", source: renewableSrc[0], date: renewableSrc[1] },
    social,
    governance,
  };
}

const POW: ConsensusClass = "proof-of-work";
const POS: ConsensusClass = "proof-of-stake-family";

/** The 35 assets, in order of market value when the data set was compiled. */
const ASSETS: EsgAsset[] = [
  asset("BTC", "Bitcoin", "Proof-of-Work (SHA-256)", POW, null, 707_000, S.digiBtc, 52.4, S.ccaf, [19, 16, 24, 18], [17, 24, 18, 22]),
  asset("ETH", "Ethereum", "Proof-of-Stake (Gasper)", POS, null, 30, S.digiEth, null, S.none, [20, 20, 25, 20], [20, 22, 19, 20]),
  asset("USDT", "Tether", "Token (TRC-20/ERC-20); consensus of the host chain", POS, "Tron", 1.9, S.ccri, null, S.none, [22, 5, 12, 12], [8, 10, 12, 14]),
  asset("XRP", "XRP", "XRP Ledger Consensus Protocol (federated)", POS, null, 7.9, S.ripple, null, S.none, [18, 12, 18, 17], [14, 18, 17, 16]),
  asset("BNB", "BNB", "Proof-of-Staked-Authority", POS, null, null, S.none, null, S.none, [18, 10, 18, 17], [10, 14, 13, 15]),
  asset("SOL", "Solana", "Proof-of-History with Proof-of-Stake (Tower BFT)", POS, null, 0.166, S.ccri, null, S.none, [18, 16, 23, 19], [15, 18, 16, 15]),
  asset("USDC", "USD Coin", "Token (ERC-20 and others); consensus of the host chain", POS, "Ethereum", 30, S.digiEth, null, S.none, [22, 5, 15, 16], [10, 21, 22, 19]),
  asset("TRX", "TRON", "Delegated Proof-of-Stake", POS, null, 1.9, S.ccri, null, S.none, [15, 10, 15, 13], [10, 12, 10, 13]),
  asset("DOGE", "Dogecoin", "Proof-of-Work (Scrypt, merge-mined with Litecoin)", "merged-mined-proof-of-work", null, null, S.none, null, S.none, [15, 12, 10, 14], [8, 15, 12, 12]),
  asset("ADA", "Cardano", "Ouroboros Proof-of-Stake", POS, null, 51.59, S.ccri, null, S.none, [19, 21, 20, 20], [22, 20, 16, 18]),
  asset("HYPE", "Hyperliquid", "HyperBFT (Proof-of-Stake)", POS, null, null, S.none, null, S.none, [12, 10, 18, 12], [10, 12, 8, 11]),
  asset("LINK", "Chainlink", "Token (ERC-20); consensus of the host chain", POS, "Ethereum", 30, S.digiEth, null, S.none, [14, 15, 22, 19], [14, 18, 15, 18]),
  asset("BCH", "Bitcoin Cash", "Proof-of-Work (SHA-256)", POW, null, null, S.none, null, S.none, [17, 14, 13, 15], [13, 17, 12, 15]),
  asset("XLM", "Stellar", "Stellar Consensus Protocol (federated Byzantine agreement)", POS, null, 0.22, S.sdf, null, S.none, [23, 15, 18, 19], [16, 19, 18, 17]),
  asset("SUI", "Sui", "Mysticeti (delegated Proof-of-Stake)", POS, null, null, S.none, null, S.none, [14, 12, 21, 16], [12, 15, 12, 13]),
  asset("AVAX", "Avalanche", "Snowman consensus (Proof-of-Stake)", POS, null, 4.76, S.ccri, null, S.none, [16, 15, 21, 18], [16, 17, 15, 16]),
  asset("LTC", "Litecoin", "Proof-of-Work (Scrypt)", POW, null, null, S.none, null, S.none, [17, 14, 13, 17], [13, 18, 15, 17]),
  asset("HBAR", "Hedera", "Hashgraph (asynchronous BFT, Proof-of-Stake)", POS, null, null, S.none, null, S.none, [16, 12, 17, 17], [15, 19, 18, 17]),
  asset("SHIB", "Shiba Inu", "Token (ERC-20); consensus of the host chain", POS, "Ethereum", 30, S.digiEth, null, S.none, [12, 12, 10, 10], [7, 10, 10, 9]),
  asset("TON", "Toncoin", "Catchain BFT (Proof-of-Stake)", POS, null, null, S.none, null, S.none, [19, 11, 19, 15], [11, 13, 11, 13]),
  asset("DOT", "Polkadot", "Nominated Proof-of-Stake (BABE/GRANDPA)", POS, null, 17.4, S.ccri, null, S.none, [15, 22, 21, 19], [23, 19, 15, 17]),
  asset("XMR", "Monero", "Proof-of-Work (RandomX)", POW, null, null, S.none, null, S.none, [16, 15, 18, 15], [12, 16, 5, 14]),
  asset("DAI", "Dai", "Token (ERC-20); consensus of the host chain", POS, "Ethereum", 30, S.digiEth, null, S.none, [18, 20, 18, 17], [21, 21, 13, 17]),
  asset("UNI", "Uniswap", "Token (ERC-20); consensus of the host chain", POS, "Ethereum", 30, S.digiEth, null, S.none, [17, 19, 21, 19], [19, 19, 12, 16]),
  asset("CRO", "Cronos", "CometBFT Proof-of-Stake", POS, null, null, S.none, null, S.none, [15, 9, 14, 15], [9, 15, 17, 14]),
  asset("LEO", "UNUS SED LEO", "Token (ERC-20); consensus of the host chain", POS, "Ethereum", 30, S.digiEth, null, S.none, [10, 5, 8, 8], [5, 9, 10, 10]),
  asset("NEAR", "NEAR Protocol", "Nightshade (Proof-of-Stake)", POS, null, null, S.none, null, S.none, [17, 16, 21, 18], [16, 18, 15, 16]),
  asset("APT", "Aptos", "AptosBFT (Proof-of-Stake)", POS, null, null, S.none, null, S.none, [14, 12, 20, 16], [12, 15, 13, 14]),
  asset("ICP", "Internet Computer", "Threshold relay (Proof-of-Stake)", POS, null, null, S.none, null, S.none, [14, 18, 20, 16], [17, 15, 12, 13]),
  asset("ETC", "Ethereum Classic", "Proof-of-Work (Etchash)", POW, null, null, S.none, null, S.none, [14, 12, 10, 13], [11, 15, 11, 12]),
  asset("PEPE", "Pepe", "Token (ERC-20); consensus of the host chain", POS, "Ethereum", 30, S.digiEth, null, S.none, [10, 10, 6, 7], [5, 8, 8, 7]),
  asset("AAVE", "Aave", "Token (ERC-20); consensus of the host chain", POS, "Ethereum", 30, S.digiEth, null, S.none, [16, 20, 21, 20], [21, 21, 14, 19]),
  asset("POL", "Polygon", "Proof-of-Stake (Heimdall/Bor)", POS, null, null, S.none, null, S.none, [17, 15, 21, 18], [15, 17, 15, 16]),
  asset("ALGO", "Algorand", "Pure Proof-of-Stake", POS, null, 2.7, S.ccri, null, S.none, [18, 16, 17, 18], [17, 19, 17, 17]),
  asset("XTZ", "Tezos", "Liquid Proof-of-Stake", POS, null, 30.5, S.ccri, null, S.none, [15, 19, 16, 16], [22, 19, 16, 17]),
];

export const ESG_DATASET = {
  version: "2026.12.0",
  compiledOn: "2026-12-03",
  description:
    "The 35 largest crypto assets by market value at compilation (stablecoins and tokens included), with consensus, energy per transaction, derived carbon footprint and renewable share (each with source and date), and analyst scores for four social and four governance factors.",
  caveats: [
    "Energy figures are those published by the cited sources, not re-measured by Dhanam; per-transaction energy depends on network load and is an allocation, not a marginal cost.",
    "A figure no cited source publishes is null (unknown) and earns no points; it is never estimated.",
    "Social and governance factor scores are analyst judgments recorded in this version of the data set.",
  ],
  assets: ASSETS,
} as const;

const BY_SYMBOL = new Map(ASSETS.map((a) => [a.symbol, a]));

export const esgAsset = (symbol: string): EsgAsset | undefined => BY_SYMBOL.get(symbol);
