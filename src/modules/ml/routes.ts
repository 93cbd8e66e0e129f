import { MajorAmount } from "../../lib/amount-schema";
import { queryInt } from "../../lib/query-int";
import { createRoute, z } from "@hono/zod-openapi";
import { access, bearer, createRouter, errors, json, jsonBody } from "../../lib/openapi";
import { guards } from "../../middleware/auth";
import * as ml from "./service";

export const mlRoutes = createRouter();
const tags = ["ML"];
const user = { middleware: guards.user, security: bearer };
const bulk = { middleware: guards.bulk, security: bearer };

const Correction = z
  .object({
    id: z.string(), transactionId: z.string(), originalCategoryId: z.string().nullable(), correctedCategoryId: z.string(),
    merchantName: z.string().nullable(), normalizedMerchant: z.string().nullable(), confidence: z.number().nullable(),
    status: z.enum(["pending", "applied", "rejected"]), affectedTransactions: z.number().int(), createdAt: z.string(),
  })
  .openapi("Correction");

mlRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/corrections", tags, summary: "List category corrections",
    request: {
      query: z.object({
        spaceId: z.string().min(1).max(64),
        status: z.enum(["pending", "applied", "rejected"]).optional(),
        limit: queryInt(1, 200).default(50),
        offset: queryInt(0, 1_000_000).default(0),
      }),
    },
    responses: {
      200: json(z.object({ corrections: z.array(Correction), pagination: z.object({ total: z.number(), limit: z.number(), offset: z.number(), hasMore: z.boolean() }) }).openapi("CorrectionList"), "Corrections"),
      ...errors(401, 404, 422, 429),
    },
  }),
  async (c) => c.json(await ml.listCorrections(c.get("services"), c.get("auth"), c.req.valid("query")), 200),
);

mlRoutes.openapi(
  createRoute({
    ...access("member"),
    ...user, method: "post", path: "/corrections", tags, summary: "Correct a transaction's category; the model learns at once",
    request: {
      body: jsonBody(z.object({ transactionId: z.string().min(1).max(64), correctedCategoryId: z.string().min(1).max(64), applyToSimilar: z.boolean().default(false) }).strict().openapi("CorrectionRequest")),
    },
    responses: {
      201: json(z.object({ correctionId: z.string(), affectedTransactions: z.number().int(), message: z.string() }).openapi("CorrectionResult"), "Applied"),
      ...errors(401, 403, 404, 409, 422, 429),
    },
  }),
  async (c) => {
    return c.json(await ml.createCorrection(c.get("services"), c.get("auth"), c.req.valid("json")), 201);
  },
);

mlRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "post", path: "/predict", tags, summary: "Predict a category, with the merchant and tokens that explain it",
    request: {
      body: jsonBody(z.object({
        spaceId: z.string().min(1).max(64),
        description: z.string().trim().min(1).max(500),
        merchantName: z.string().max(200).optional(),
        amount: MajorAmount.optional().openapi({ description: "In the space's currency, as any money input; only its sign (money in or out) weighs in the prediction" }),
      }).strict().openapi("PredictRequest")),
    },
    responses: {
      200: json(z.object({
        categoryId: z.string().nullable(), categoryName: z.string().nullable(), confidence: z.number(), autoApply: z.boolean(),
        explanation: z.object({ normalizedMerchant: z.string().nullable(), matchedMerchant: z.string().nullable(), tokens: z.array(z.object({ token: z.string(), weight: z.number() })) }),
        alternatives: z.array(z.object({ categoryId: z.string(), categoryName: z.string().nullable(), confidence: z.number() })),
      }).openapi("Prediction"), "Prediction"),
      ...errors(401, 404, 422, 429),
    },
  }),
  async (c) => c.json(await ml.predictForUser(c.get("services"), c.get("auth"), c.req.valid("json")), 200),
);

mlRoutes.openapi(
  createRoute({
    ...access("admin", { twoFactor: true }),
    ...bulk, method: "post", path: "/retrain", tags, summary: "Rebuild the space's model from scratch (admin with 2FA); runs as a queued job",
    request: { body: jsonBody(z.object({ spaceId: z.string().min(1).max(64) }).strict().openapi("RetrainRequest")) },
    responses: {
      202: json(z.object({ jobId: z.string(), status: z.literal("queued"), estimatedCompletion: z.string() }).openapi("RetrainAccepted"), "Queued"),
      ...errors(401, 403, 404, 422, 429),
    },
  }),
  async (c) => c.json(await ml.requestRetrain(c.get("services"), c.get("auth"), c.req.valid("json").spaceId), 202),
);

mlRoutes.openapi(
  createRoute({
    ...access("admin", { twoFactor: true }),
    ...bulk, method: "get", path: "/jobs/{jobId}", tags, summary: "Status of a retraining job (admin with 2FA)",
    request: { params: z.object({ jobId: z.string().min(1).max(64).openapi({ param: { name: "jobId", in: "path" } }) }) },
    responses: {
      200: json(z.object({
        jobId: z.string(), spaceId: z.string(), type: z.string(), status: z.enum(["queued", "running", "completed", "failed"]),
        result: z.unknown(), error: z.string().nullable(), createdAt: z.string(), startedAt: z.string().nullable(), finishedAt: z.string().nullable(),
      }).openapi("Job"), "The job"),
      ...errors(401, 403, 404, 429),
    },
  }),
  async (c) => c.json(await ml.getJob(c.get("services"), c.get("auth"), c.req.valid("param").jobId), 200),
);
