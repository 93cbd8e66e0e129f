/**
 * Simulator of a Sneaks-API server (providers/sneaks/client.ts): a small,
 * fixed catalog with seed 000's sample sneaker (CW2288-111, Nike Air Jordan 1
 * Retro High OG Chicago, lowest resell price 320 USD). Search matches every
 * word of the query, case-insensitively, against name, brand and style id.
 *
 * It answers as the real server (github.com/druv5319/Sneaks-API, routes/sneaks.routes.js) does: sneakers as its
 * Mongoose documents serialize them (an `_id`, `imageLinks`, `resellLinks`, prices as JSON numbers of dollars, a
 * site with no offer left out); a miss, a search with no results or an unknown style id alike, as Express's
 * `res.send("Product Not Found")` (HTTP 200, text/html); and `/id/{styleID}/prices` upper-cases the id it is given.
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

/** The server's answer to any miss: `res.send("Product Not Found")`. */
const productNotFound = () => new Response("Product Not Found", { status: 200, headers: { "content-type": "text/html; charset=utf-8" } });

/** A catalog entry as the server's search serializes it (no per-size prices: those come with `/prices`). */
const asFound = (s: (typeof CATALOG)[number]) => ({
  _id: `sandbox${s.styleID.replace(/[^A-Za-z0-9]/g, "").toLowerCase()}`,
  ...s,
  imageLinks: [],
  urlKey: s.shoeName.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
  resellLinks: Object.fromEntries(Object.keys(s.lowestResellPrice).map((site) => [site, `https://${site.toLowerCase()}.sandbox.dhanam.invalid/${s.styleID}`])),
});

sneaksSandbox.get("/search/:query", (c) => {
  const q = words(c.req.param("query"));
  const count = Math.max(1, Math.min(100, Number(c.req.query("count") ?? 40) || 40));
  const hits = CATALOG.filter((s) => {
    const hay = `${s.shoeName} ${s.brand} ${s.styleID}`.toLowerCase();
    return q.every((w) => hay.includes(w));
  });
  if (hits.length === 0) return productNotFound();
  return c.json(hits.slice(0, count).map(asFound));
});

sneaksSandbox.get("/id/:styleID/prices", (c) => {
  const id = c.req.param("styleID").toUpperCase();
  const s = CATALOG.find((x) => x.styleID === id);
  if (!s) return productNotFound();
  // Per-size maps of each site that offers it; its lowest price is the size 10's here.
  const resellPrices = Object.fromEntries(Object.entries(s.lowestResellPrice).map(([site, p]) => [site, { "9.5": p + 15, "10": p, "11": p + 25 }]));
  return c.json({ ...asFound(s), resellPrices });
});
