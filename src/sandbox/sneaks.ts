/**
 * Simulator of a Sneaks-API server (providers/sneaks/client.ts): a small,
 * fixed catalog with seed 000's sample sneaker (CW2288-111, Nike Air Jordan 1
 * Retro High OG Chicago, lowest resell price 320 USD). Search matches every
 * word of the query, case-insensitively, against name, brand and style id.
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";

export const sneaksSandbox = new Hono<AppEnv>();

const CATALOG = [
  {
    shoeName: "Nike Air Jordan 1 Retro High OG Chicago", brand: "Nike", silhoutte: "Air Jordan 1 Retro High", styleID: "CW2288-111",
    colorway: "White/Varsity Red-Black", retailPrice: 180, thumbnail: "https://images.sandbox.dhanam.invalid/sneaks/CW2288-111.png",
    lowestResellPrice: { stockX: 320, goat: 335, flightClub: 350, stadiumGoods: 340 },
  },
  {
    shoeName: "Nike Dunk Low Retro White Black Panda", brand: "Nike", silhoutte: "Dunk Low", styleID: "DD1391-100",
    colorway: "White/Black", retailPrice: 110, thumbnail: "https://images.sandbox.dhanam.invalid/sneaks/DD1391-100.png",
    lowestResellPrice: { stockX: 98.5, goat: 105, flightClub: 120 },
  },
  {
    shoeName: "adidas Yeezy Boost 350 V2 Zebra", brand: "adidas", silhoutte: "Yeezy Boost 350 V2", styleID: "CP9654",
    colorway: "White/Core Black/Red", retailPrice: 220, thumbnail: "https://images.sandbox.dhanam.invalid/sneaks/CP9654.png",
    lowestResellPrice: { stockX: 245, goat: 260 },
  },
];

const words = (s: string) => s.toLowerCase().split(" ").filter(Boolean);

sneaksSandbox.get("/search/:query", (c) => {
  const q = words(c.req.param("query"));
  const count = Math.max(1, Math.min(100, Number(c.req.query("count") ?? 40) || 40));
  const hits = CATALOG.filter((s) => {
    const hay = `${s.shoeName} ${s.brand} ${s.styleID}`.toLowerCase();
    return q.every((w) => hay.includes(w));
  });
  return c.json(hits.slice(0, count));
});

sneaksSandbox.get("/id/:styleID/prices", (c) => {
  const s = CATALOG.find((x) => x.styleID === c.req.param("styleID"));
  if (!s) return c.json({ message: "Product not found" }, 404);
  return c.json({ ...s, resellPrices: { stockX: { "10": s.lowestResellPrice.stockX } } });
});
