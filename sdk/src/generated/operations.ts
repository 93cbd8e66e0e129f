/**
 * Generated from the app's OpenAPI document by `npm run sdk:generate` (openapi-typescript).
 * Do not edit by hand: CI (`npm run sdk:check`) fails when this differs from a fresh generation.
 */

export const OPERATIONS = {
} as const;

export type OperationId = keyof typeof OPERATIONS;
