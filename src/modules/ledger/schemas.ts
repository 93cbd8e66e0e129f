import { queryInt } from "../../lib/query-int";
import { z } from "@hono/zod-openapi";
import { Instant, orderedRange } from "../../lib/dates";
import { explained } from "../../lib/explained";
import { ASSET_PATTERN, MAX_MINOR } from "../../lib/money";
import { ADDRESS_PATTERN, AddressFilterError, compileAddressFilter } from "./addresses";
import { MAX_METADATA_KEYS } from "./types";
import { withMetadataFilters } from "../../middleware/strict-query";

export const Address = z.string().max(700).regex(ADDRESS_PATTERN, { message: "Must be segments of letters, digits or _ separated by ':'" })
  .openapi({ example: "accounts:acc_01hx" });
export const Asset = z.string().max(24).regex(ASSET_PATTERN, { message: "Must look like USD/2, BTC/8 or JPY" }).openapi({ example: "USD/2" });

/**
 * Minor units written as a string: digits, without leading zeros, of any length (a linear pattern). A string is how a
 * client sends an amount past what a JSON number holds (wei, "1000000000000000000"): past 2^53 it is the pipe's TOO_BIG,
 * as the same amount as a JSON integer is, not a format error naming the form it was sent in.
 */
const MINOR_DIGITS = /^(?:0|[1-9]\d*)$/;

/**
 * Integer minor units as a JSON integer or a string of digits; never negative. Anything else (1.5, "1.50", true) is
 * refused saying the unit, under the amounts' detail code: zod's union said only "Invalid input". An integer past
 * 2^53 is the pipe's to refuse (TOO_BIG).
 */
export const MinorAmount = explained(z.union([z.number(), z.string().regex(MINOR_DIGITS)]), "INVALID_AMOUNT", (v) =>
  (typeof v === "number" && Number.isInteger(v)) || (typeof v === "string" && MINOR_DIGITS.test(v))
    ? undefined
    : `Must be a whole number of the asset's minor units (150 is 1.50 in USD/2): a JSON integer, or a string of digits without leading zeros such as "150"`,
)
  .transform((v) => Number(v))
  // One detail for a value past 2^53: int() would refuse it too (safe integers only), a second TOO_BIG for one field.
  .pipe(z.number().min(0, { message: "Must not be negative" }).max(MAX_MINOR, { message: "Too large", abort: true }).int())
  .openapi({ type: "integer", example: 2550 });

export const MetadataSchema = z
  .record(
    z.string().min(1).max(128).regex(/^[A-Za-z0-9_.\-]+$/, { message: "Keys are letters, digits, _ . or -" }),
    z.string().max(2048),
  )
  .refine((m) => Object.keys(m).length <= MAX_METADATA_KEYS, { message: `At most ${MAX_METADATA_KEYS} metadata keys`, params: { code: "TOO_BIG" } })
  .openapi("Metadata", { example: { order: "1234" } });

export const PostingSchema = z
  .object({ source: Address, destination: Address, amount: MinorAmount, asset: Asset })
  .strict()
  .refine((p) => p.source !== p.destination, { message: "Source and destination must differ", path: ["destination"], params: { code: "SAME_ACCOUNT" } })
  .openapi("Posting");

export const TransactionBody = z
  .object({
    postings: z.array(PostingSchema).min(1, { message: "At least one posting is required" }).max(500),
    reference: z.string().min(1).max(128).optional(),
    metadata: MetadataSchema.optional(),
    timestamp: Instant.optional().openapi({ example: "2024-01-01T12:00:00Z" }),
  })
  .strict()
  .openapi("TransactionRequest");

export const BatchBody = z
  .object({ transactions: z.array(TransactionBody).min(1).max(100) })
  .strict()
  .openapi("TransactionBatchRequest");

const VolumeSchema = z
  .object({ input: z.number().int(), output: z.number().int(), balance: z.number().int() })
  .openapi("Volume", {
    description:
      "Minor units in and out of the address, and the balance (input - output). Cumulative, except that when a side would pass 2^53 - 1 " +
      "the smaller side is taken off both (the balance unchanged), so traffic never stops an address; only a balance past 2^53 - 1 is refused.",
  });
export const VolumesSchema = z.record(z.string(), z.record(z.string(), VolumeSchema)).openapi("VolumesByAccount");

export const LedgerTransactionSchema = z
  .object({
    txid: z.number().int(),
    postings: z.array(z.object({ source: z.string(), destination: z.string(), amount: z.number().int(), asset: z.string() })),
    reference: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    timestamp: z.string(),
    preCommitVolumes: VolumesSchema,
    postCommitVolumes: VolumesSchema,
    reverted: z.boolean(),
    revertedBy: z.number().int().nullable(),
    reverts: z.number().int().nullable(),
  })
  .openapi("LedgerTransaction");

export const LedgerAccountSchema = z
  .object({
    address: z.string(),
    metadata: z.record(z.string(), z.string()),
    volumes: z.record(z.string(), VolumeSchema),
    balances: z.record(z.string(), z.number().int()),
  })
  .openapi("LedgerAccount");

export const LogSchema = z
  .object({ id: z.number().int(), type: z.string(), data: z.unknown(), hash: z.string(), date: z.string() })
  .openapi("LedgerLog");

export function cursorOf<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      cursor: z.object({
        pageSize: z.number().int(),
        hasMore: z.boolean(),
        next: z.string().optional(),
        previous: z.string().optional(),
        data: z.array(item),
      }),
    })
    .openapi(name);
}

export const dataOf = <T extends z.ZodType>(item: T, name: string) => z.object({ data: item }).openapi(name);

export const SpaceParam = z.object({
  spaceId: z.string().min(1).max(64).openapi({ param: { name: "spaceId", in: "path" } }),
});
export const TxParams = SpaceParam.extend({
  // Digits only: coercion alone would read " " or "0x1f" as numbers.
  txid: z.string().regex(/^\d{1,16}$/, { message: "Must be a transaction number" }).transform(Number)
    .pipe(z.number().int().max(Number.MAX_SAFE_INTEGER))
    .openapi({ param: { name: "txid", in: "path" }, type: "integer" }),
});
export const AddressParams = SpaceParam.extend({
  address: Address.openapi({ param: { name: "address", in: "path" } }),
});

/** A list's page size when none is given (here rather than a schema default: a cursor's own must win over it). */
export const DEFAULT_PAGE_SIZE = 15;
const pageSize = queryInt(1, 1000).optional().openapi({ default: DEFAULT_PAGE_SIZE, description: "A cursor carries its own; one given with it must be the same" });
/**
 * Cursors carry the query's filters, so they need more room than 2 KB; a
 * longer one than this is refused like any oversized input (422).
 */
const cursor = z.string().max(32_768).optional();

/** An address or address filter: strict, so a query's text is known harmless before anything matches it. */
const AddressFilterText = z
  .string()
  .max(700)
  .superRefine((text, ctx) => {
    try {
      compileAddressFilter(text);
    } catch (e) {
      if (!(e instanceof AddressFilterError)) throw e;
      ctx.addIssue({ code: "custom", message: e.message, params: { code: "INVALID_PATTERN" } });
    }
  })
  .openapi({
    description: "An address, or a pattern: * matches within a segment, a last segment ... matches any further segments",
    example: "users:*",
  });

export const METADATA_KEY = /^[A-Za-z0-9_.\-]{1,128}$/;
export const MAX_METADATA_FILTERS = 10;
/** `metadata[key]=value` filters, as read from the query string by `metadataFilters`. */
const MetadataFilters = z.array(z.tuple([z.string().regex(METADATA_KEY), z.string().max(2048)])).max(MAX_METADATA_FILTERS);

export const ListTransactionsQuery = withMetadataFilters(z.object({
  pageSize,
  cursor,
  after: queryInt(0, Number.MAX_SAFE_INTEGER).optional()
    .openapi({ description: "Seed 004's start: the transactions after this txid in the list's (descending) order, i.e. with a lower txid" }),
  account: AddressFilterText.optional(),
  source: AddressFilterText.optional(),
  destination: AddressFilterText.optional(),
  reference: z.string().max(128).optional(),
  startTime: Instant.optional(),
  endTime: Instant.optional(),
}));

/** The list's query as a request may send it: an end before its start is a 422 (it was an empty page). */
export const ListTransactionsRequest = withMetadataFilters(ListTransactionsQuery.superRefine(orderedRange("startTime", "endTime")));

export const ListAccountsQuery = withMetadataFilters(z.object({
  pageSize,
  cursor,
  after: Address.optional()
    .openapi({ description: "Seed 004's start: the accounts after this address in the list's (descending) order" }),
  address: AddressFilterText.optional(),
}));

export const BalancesQuery = z.object({ address: AddressFilterText.optional() });
export const ListLogsQuery = z.object({ pageSize, cursor });
/** `logs/verify`: a previous answer's `next`, to go on from where it stopped. */
export const VerifyLogsQuery = z.object({ cursor });

/*
 * What each list's cursor carries, checked after its signature: the same
 * limits as the query it continues, and nothing else.
 */
const CursorPageSize = z.number().int().min(1).max(1000);
const Seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const TxCursorPayload = z
  .strictObject({
    f: ListTransactionsQuery.pick({ account: true, source: true, destination: true, reference: true, startTime: true, endTime: true })
      .extend({ metadata: MetadataFilters.optional() })
      .strict(),
    /** A page of seqs strictly below `before` (newer to older), or strictly above `after`. */
    before: Seq.optional(),
    after: Seq.optional(),
    n: CursorPageSize,
  })
  .refine((c) => c.before === undefined || c.after === undefined);
export type TxCursor = z.output<typeof TxCursorPayload>;
export type TxFilters = TxCursor["f"];

/** A page of addresses strictly below `below` (the list's descending order), or strictly above `above` (a previous page). */
export const AccountCursorPayload = z.strictObject({
  f: z.strictObject({ address: AddressFilterText.optional(), metadata: MetadataFilters.optional() }),
  below: z.string().regex(ADDRESS_PATTERN).optional(),
  above: z.string().regex(ADDRESS_PATTERN).optional(),
  n: CursorPageSize,
}).refine((c) => c.below === undefined || c.above === undefined);
export type AccountCursor = z.output<typeof AccountCursorPayload>;

/** A page of log ids strictly below `before` (newest first), or strictly above `after` (a previous page). */
export const LogCursorPayload = z.strictObject({ before: Seq.optional(), after: Seq.optional(), n: CursorPageSize })
  .refine((c) => c.before === undefined || c.after === undefined);
export type LogCursor = z.output<typeof LogCursorPayload>;
/** Where a verification of the log stopped: the next log id, the hash before it and how many were checked so far. */
export const VerifyCursorPayload = z.strictObject({
  from: z.number().int().min(1), prevHash: z.string().regex(/^[0-9a-f]{64}$/), checked: z.number().int().min(1),
  /** When it was issued (epoch ms): a verification is continued within VERIFY_CURSOR_TTL_MS, not replayed later. */
  at: z.number().int(),
});

export const PreviewQuery = z.object({
  preview: z.enum(["true", "false"]).optional().transform((v) => v === "true"),
});
