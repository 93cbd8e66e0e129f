/**
 * An email address as a request carries it: trimmed and lower-cased before it is checked, so "Ana@Example.com " (a
 * pasted address with a trailing space) is ana@example.com rather than a 422. Every route that takes an address
 * (registering, signing in, invitations, household members) uses this one, so they match the same stored address.
 */
import { z } from "@hono/zod-openapi";

export const EmailAddress = z
  .string()
  .trim()
  .toLowerCase()
  .email({ message: "Must be a valid email address" })
  .max(254)
  .openapi({ example: "user@example.com", format: "email" });
