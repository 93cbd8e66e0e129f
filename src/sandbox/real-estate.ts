/**
 * Simulator of the Zillow-style valuation API (providers/real-estate/client.ts):
 * it checks the bearer key and answers seed 000's sample address, 123 Main
 * Street, San Francisco, CA 94102, with the seed's Zestimate, range, rent
 * estimate and property details. Any other address is not found.
 *
 * As Zillow's own property JSON has them, the zpid is a JSON number (the client reads it as text), the ZIP code a
 * string, and amounts whole dollars as JSON numbers.
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { SANDBOX_REAL_ESTATE_KEY } from "../providers/real-estate/client";

export const realEstateSandbox = new Hono<AppEnv>();

const norm = (s: string | undefined) =>
  (s ?? "").toLowerCase().replace(/[.,#]/g, " ").split(/\s+/).filter(Boolean).map((w) => (w === "st" ? "street" : w === "ave" ? "avenue" : w)).join(" ");

const SAMPLE = {
  zpid: "15056112",
  address: { streetAddress: "123 Main Street", city: "San Francisco", state: "CA", zipcode: "94102" },
  bedrooms: 3, bathrooms: 2, livingArea: 1850, yearBuilt: 2005,
  zestimate: { zestimate: 875000.0, rentZestimate: 4200.0, currency: "USD", valuationRange: { low: 830000.0, high: 920000.0 }, lastUpdated: "2025-01-14T00:00:00Z" },
};

realEstateSandbox.use("*", async (c, next) => {
  if (c.req.header("authorization") !== `Bearer ${SANDBOX_REAL_ESTATE_KEY}`) return c.json({ message: "Invalid access token" }, 401);
  await next();
});

realEstateSandbox.get("/properties/search", (c) => {
  const q = c.req.query();
  const match =
    norm(q.address) === norm(SAMPLE.address.streetAddress) && norm(q.city) === norm(SAMPLE.address.city) &&
    norm(q.state) === norm(SAMPLE.address.state) && (q.postalCode ?? "").trim() === SAMPLE.address.zipcode;
  const { zestimate: _z, ...property } = SAMPLE;
  return c.json({ bundle: match ? [{ ...property, zpid: Number(property.zpid) }] : [], total: match ? 1 : 0 });
});

realEstateSandbox.get("/properties/:zpid/zestimate", (c) => {
  if (c.req.param("zpid") !== SAMPLE.zpid) return c.json({ message: "Property not found" }, 404);
  return c.json({ zpid: SAMPLE.zpid, ...SAMPLE.zestimate });
});
