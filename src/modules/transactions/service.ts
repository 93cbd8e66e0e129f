/**
 * Dhanam-shaped transactions: an account's view of a ledger transaction.
 * Creating, transferring and voiding move money, so they go through the
 * space's SpaceLedger in one batch with their rows; categorizing, tagging and
 * notes change only the Dhanam row.
 */
import { and, eq } from "drizzle-orm";
import type { AuthContext, Services } from "../../env";
import { transactions } from "../../db/schema";
import { d1Statement } from "../../db/client";
import { iso } from "../../lib/clock";
import { instantIn } from "../../lib/dates";
import { IN_JSON_LIST, inJsonList, jsonList } from "../../lib/sql";
import { TRANSACTION_COLUMNS, transactionOfRow } from "./columns";
import { isoInZone } from "../../lib/zoned-time";
import { ApiError, conflict, notFound, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { assetOf, type Currency, CURRENCY_SCALES, FIAT_CURRENCIES, formatMinor, moneyFields } from "../../lib/money";
import { accountFor, accountInSpaceStatement, type AccountRow, accountsIn } from "../accounts/service";
import { checkBudgetAlerts, watchingBudgetsRead } from "../budgets/alerts";
import { queueAnnounced, storedEventsRead, transactionCreatedEvent } from "../webhooks/transaction-events";
import { acceptsAsset } from "../ledger/account-rules";
import { type AutoCategory, type Categorizer, categorizerFrom, categorizerReads, featuresOf } from "../categories/auto";
import { categoriesById, categoryFrom, categoryStatement, requireCategory } from "../categories/lookup";
import { normalizeMerchant } from "../ml/normalize";
import { bumpForecastEpoch } from "../analytics/forecast-epoch";
import { accountAddress } from "../ledger/addresses";
import { runGuardedLedger, runLedger } from "../ledger/client";
import type { Idempotency } from "../ledger/operations";
import { recordedAnswerOr } from "../ledger/recorded-answer";
import {
  accessGuard, accessGuardOf, asMemberServices, asResource, batchAsMember, membershipOf, membershipParams, type MembershipRow, requireRole, requireRoleOver, requireSpaceRole,
  TRANSACTION_MEMBERSHIP_SQL, withSessionCheck,
} from "../spaces/access";
import { cashflowPostings, parseAmountField, priceTrade, securityAsset, type TradeTerms } from "./postings";
import { recategorize } from "./recategorize";
import { forgetWriter, recallWriter, rememberWriter, type WriterFacts } from "./remembered-writers";
import { forgetCategorizer, recallCategorizer, rememberCategorizer, UndecidedCategory } from "../categories/remembered-categorizers";
import { type GuardedWrite, type GuardedWriteRow, guardedWriteRead, writeGuard } from "./write-guard";
import { contextOf, type SessionRow, sessionStatement } from "../auth/tokens";
import type { Posting } from "../ledger/types";
import { SUBTYPES } from "./schemas";
import { foldForSearch } from "../../lib/search-text";

/** A transaction as the app works with it; its folded search copies are storage, written where the texts are (search-text.ts). */
export type TransactionRow = Omit<typeof transactions.$inferSelect, "descriptionFolded" | "merchantFolded">;

type CategoryRef = { id: string; name: string; color: string | null };

/**
 * Renders rows in the seed 000 shape; `known` categories, accounts and the
 * space's time zone save their look-ups. Dates are shown in the space's zone
 * with its offset, so the date part is the day the user wrote.
 */
export async function presentTransactions(
  svc: Services,
  rows: TransactionRow[],
  known: { categories?: CategoryRef[]; accounts?: { id: string; name: string }[]; timezone?: string } = {},
) {
  const zones = new Map<string, string>();
  if (known.timezone) for (const r of rows) zones.set(r.spaceId, known.timezone);
  const spaceIds = [...new Set(rows.map((r) => r.spaceId).filter((id) => !zones.has(id)))];
  if (spaceIds.length) {
    const found = await svc.env.DB.prepare(`SELECT id, timezone FROM spaces WHERE id ${IN_JSON_LIST}`)
      .bind(jsonList(spaceIds))
      .all<{ id: string; timezone: string }>();
    for (const s of found.results) zones.set(s.id, s.timezone);
  }
  const cats = new Map<string, CategoryRef>((known.categories ?? []).map((c) => [c.id, c]));
  const missingCats = rows.map((r) => r.categoryId).filter((x): x is string => !!x && !cats.has(x));
  for (const [id, c] of await categoriesById(svc, missingCats)) cats.set(id, c);
  const accs = new Map((known.accounts ?? []).map((a) => [a.id, a]));
  const missingAccs = [...new Set(rows.map((r) => r.accountId).filter((id) => !accs.has(id)))];
  if (missingAccs.length) {
    const found = await svc.env.DB.prepare(`SELECT id, name FROM accounts WHERE id ${IN_JSON_LIST}`)
      .bind(jsonList(missingAccs))
      .all<{ id: string; name: string }>();
    for (const a of found.results) accs.set(a.id, a);
  }
  return rows.map((r) => {
    const cat = r.categoryId ? cats.get(r.categoryId) : undefined;
    const scale = CURRENCY_SCALES[r.currency as Currency];
    return {
      id: r.id,
      spaceId: r.spaceId,
      accountId: r.accountId,
      ...moneyFields("amount", r.amount, scale),
      currency: r.currency,
      description: r.description,
      merchantName: r.merchantName,
      date: isoInZone(r.date, zones.get(r.spaceId) ?? "UTC"),
      type: r.type,
      subtype: r.subtype,
      status: r.status,
      category: cat ? { id: cat.id, name: cat.name, color: cat.color } : null,
      categorySource: r.categorySource as "manual" | "rule" | "ml" | null,
      account: { id: r.accountId, name: accs.get(r.accountId)?.name ?? "" },
      location: r.location ? JSON.parse(r.location) : null,
      // Most rows have no tags: skip the parser for the stored empty list.
      tags: r.tags === "[]" ? [] : (JSON.parse(r.tags) as string[]),
      notes: r.notes,
      transferAccountId: r.counterpartyAccountId,
      trade: r.trade ? JSON.parse(r.trade) : null,
      ledgerTxid: r.ledgerSeq,
      createdAt: iso(r.createdAt),
      updatedAt: iso(r.updatedAt),
    };
  });
}

async function presentOne(svc: Services, row: TransactionRow) {
  return (await presentTransactions(svc, [row]))[0]!;
}

async function rowsByIds(svc: Services, ids: string[]) {
  return svc.db.select().from(transactions).where(inJsonList(transactions.id, ids));
}

function requireActive(account: AccountRow) {
  if (!account.isActive) throw conflict(`Account ${account.id} is disconnected or inactive; it accepts no new entries`);
}

function requireInSpace(account: AccountRow, spaceId: string, field: string) {
  if (account.spaceId !== spaceId) throw validationFailed([{ field, message: "Account is not in this space", code: "WRONG_SPACE" }]);
  requireActive(account);
}

/** A `currency` sent with a money movement must be the account's: it is never converted or ignored. */
function requireCurrency(account: AccountRow, currency: string | undefined) {
  if (currency !== undefined && currency !== account.currency) {
    throw validationFailed([{ field: "currency", message: `The account holds ${account.currency}; amounts are in the account's currency`, code: "CURRENCY_MISMATCH" }]);
  }
}

export interface CreateTransactionInput {
  spaceId: string;
  accountId: string;
  amount?: number | string;
  currency?: string;
  description: string;
  merchantName?: string;
  /** A day in the space's time zone, or an ISO instant. */
  date: string;
  categoryId?: string;
  tags?: string[];
  notes?: string;
  location?: unknown;
  type?: "income" | "expense" | "fee" | "other";
  subtype?: string;
  status?: "pending" | "posted";
  trade?: TradeTerms;
}

/** What a write records, before its ids and dates: its postings, amount and kind, and any category chosen for it. */
interface Draft {
  postings: Posting[];
  amount: number;
  type: TransactionRow["type"];
  subtype: string | null;
  trade: string | null;
  /** A trade's fee (the row's `feeAmount`): cash flow counts it as spending, the rest of the trade not. */
  feeAmount: number | null;
  auto: AutoCategory | null;
}

function draftTrade(input: CreateTransactionInput & { trade: TradeTerms }, account: AccountRow): Draft {
  const currency = account.currency as Currency;
  // A trade's type is `trade` and its subtype its side: a type or subtype sent with it was dropped without a word.
  const named = (["type", "subtype"] as const).filter((f) => input[f] !== undefined);
  if (named.length) {
    throw validationFailed(named.map((field) => ({ field, message: `A trade's ${field} is set by the trade (type trade, subtype its side); omit ${field}`, code: "NOT_ALLOWED" })));
  }
  // A currency code is cash, never units of a security (an account could not hold it either way).
  if ((FIAT_CURRENCIES as readonly string[]).includes(input.trade.symbol)) {
    throw validationFailed([{ field: "trade.symbol", message: `${input.trade.symbol} is a currency, not a security or coin: a trade buys or sells units of one`, code: "INVALID_SYMBOL" }]);
  }
  if (!acceptsAsset(account, securityAsset(input.trade.symbol))) {
    throw validationFailed([{ field: "trade", message: `A ${account.type} account holds no securities; trade in an investment account`, code: "INVALID_ACCOUNT_TYPE" }]);
  }
  const priced = priceTrade(account.id, currency, input.trade);
  if (input.amount !== undefined && parseAmountField("amount", input.amount, CURRENCY_SCALES[currency]) !== priced.cash) {
    // In the unit `amount` is sent in (major units): minor units here read as a hundred times the cash.
    const cash = formatMinor(priced.cash, CURRENCY_SCALES[currency]);
    throw validationFailed([{ field: "amount", message: `A ${input.trade.side} of these terms moves ${cash} ${currency} of cash; omit amount or send "${cash}"`, code: "AMOUNT_MISMATCH" }]);
  }
  return { postings: priced.postings, amount: priced.cash, type: "trade", subtype: input.trade.side, trade: JSON.stringify(priced.record), feeAmount: priced.fee, auto: null };
}

/** An expense, income or fee of `accountId`; with no category, `choose` (rules, then the model) may pick one. */
function draftCashflow(input: CreateTransactionInput, accountId: string, currency: Currency, category: CategoryRef | null, choose: Categorizer | null): Draft {
  const scale = CURRENCY_SCALES[currency];
  if (input.amount === undefined) throw validationFailed([{ field: "amount", message: "Required", code: "REQUIRED" }]);
  const amount = parseAmountField("amount", input.amount, scale);
  if (amount === 0) throw validationFailed([{ field: "amount", message: "Must not be zero", code: "INVALID_AMOUNT" }]);
  const type = input.type ?? (amount < 0 ? "expense" : "income");
  if ((type === "expense" || type === "fee") && amount > 0) {
    throw validationFailed([{ field: "amount", message: `A ${type} must be negative`, code: "INVALID_AMOUNT" }]);
  }
  if (type === "income" && amount < 0) throw validationFailed([{ field: "amount", message: "Income must be positive", code: "INVALID_AMOUNT" }]);
  const subject = { merchantName: input.merchantName ?? null, description: input.description };
  const auto = category || !choose ? null : choose({ ...subject, amountMinor: Math.abs(amount), scale, accountId }, amount);
  const postings = cashflowPostings(accountId, currency, amount, category?.id ?? auto?.categoryId ?? null, type === "fee");
  return { postings, amount, type, subtype: input.subtype ?? null, trade: null, feeAmount: null, auto };
}

/** The Dhanam row of a draft, dated `date` (an instant); refuses a subtype its type does not have. */
function rowOf(svc: Services, input: CreateTransactionInput, accountId: string, currency: Currency, date: number, d: Draft, category: CategoryRef | null) {
  if (d.subtype === "opening_balance") {
    throw validationFailed([{ field: "subtype", message: "Opening balances are set when an account is created (openingBalance)", code: "INVALID_VALUE" }]);
  }
  // Adjustments are a provider sync's, to the balance the provider reports, and no cash flow counts them:
  // written by a client into a category, they would hide its spending from budgets and analytics.
  if (d.subtype === "adjustment") {
    throw validationFailed([{ field: "subtype", message: "Balance adjustments are made by provider syncs; record a correction as income or an expense", code: "INVALID_VALUE" }]);
  }
  if (d.subtype !== null && !SUBTYPES[d.type].includes(d.subtype) && d.type !== "trade") {
    throw validationFailed([{ field: "subtype", message: `Must be one of: ${SUBTYPES[d.type].join(", ") || "(none for this type)"}`, code: "INVALID_VALUE" }]);
  }
  const now = svc.clock.now();
  const row: Omit<TransactionRow, "ledgerSeq"> = {
    id: newId("txn", now), spaceId: input.spaceId, accountId, amount: d.amount, currency, description: input.description,
    merchantName: input.merchantName ?? null, normalizedMerchant: normalizeMerchant(input.merchantName), date,
    type: d.type, subtype: d.subtype, status: input.status ?? "posted",
    categoryId: category?.id ?? d.auto?.categoryId ?? null, categorySource: category ? "manual" : (d.auto?.source ?? null),
    tags: JSON.stringify(input.tags ?? []), notes: input.notes ?? null, location: input.location ? JSON.stringify(input.location) : null,
    counterpartyAccountId: null, trade: d.trade, feeAmount: d.feeAmount, providerTransactionId: null, providerDay: null, createdAt: now, updatedAt: now,
  };
  return row;
}

/**
 * The ledger operation that records `row` with its postings and its `transaction.created` event (stored
 * when the space has a subscriber: transaction-events.ts); whether the event was stored, and the budgets
 * its category feeds, are read in the same batch, in that order.
 */
function commitOf(input: CreateTransactionInput, row: Omit<TransactionRow, "ledgerSeq">, postings: Posting[], idempotency: Idempotency | undefined, timezone: string) {
  const watching = watchingBudgetsRead(input.spaceId, [row.categoryId]);
  const event = transactionCreatedEvent(row, null, timezone, row.createdAt);
  return {
    kind: "commit" as const,
    spaceId: input.spaceId,
    txs: [{ postings, timestamp: row.date, metadata: { dhanamTransactionId: row.id } }],
    idempotency,
    returns: { transactionId: row.id },
    effects: [{ kind: "insertTransaction" as const, txIndex: 0, row }, { kind: "insertEvent" as const, row: event, onlyIfSubscribed: true }],
    readAfter: [storedEventsRead([event]), ...(watching ? [watching] : [])],
    event,
  };
}

export async function createTransaction(svc: Services, auth: AuthContext, input: CreateTransactionInput, idempotency?: Idempotency) {
  const subject = { merchantName: input.merchantName ?? null, description: input.description };
  const choosing = !input.categoryId && !input.trade;
  // A writer this isolate has seen pass the checks below sends a write straight to the ledger, with the
  // checks as its batch's guard, when its category is named or can be chosen from a remembered
  // categorizer; if the ledger could not verify it, nothing landed.
  const facts = !input.trade ? recallWriter(auth.userId, input.accountId, input.spaceId) : null;
  const chooser = facts && choosing ? recallCategorizer(input.spaceId) : null;
  if (facts && (!choosing || chooser)) {
    const created = await createRemembered(svc, auth, input, facts, chooser, idempotency);
    if (typeof created === "object") return created;
    // Not committed: whatever the reason (the ledger does not say), the remembered facts are not trusted again.
    if (created === NOT_COMMITTED) {
      forgetWriter(auth.userId, input.accountId);
      if (chooser) forgetCategorizer(input.spaceId);
    }
  }
  // The session, the account, the role, and the category named or what choosing one needs (the rules and
  // the model, read only for a caller who may see the space), in one round trip; checked in that order.
  const db = svc.env.DB;
  const { account, membership, extra } = await accountFor(svc, auth, input.accountId, "member",
    input.categoryId ? [categoryStatement(svc, auth, input.spaceId, input.categoryId)]
      : choosing ? categorizerReads(db, input.spaceId, featuresOf(subject), accessGuard(input.spaceId, auth.userId, svc.clock.now()))
      : []);
  const timezone = membership.space.timezone;
  const currency = account.currency as Currency;
  let built;
  try {
    requireInSpace(account, input.spaceId, "accountId");
    requireCurrency(account, input.currency);
    const category = input.categoryId ? categoryFrom(extra[0]!) : null;
    const draft = input.trade
      ? draftTrade(input as CreateTransactionInput & { trade: TradeTerms }, account)
      : draftCashflow(input, account.id, currency, category, choosing ? categorizerFrom(extra) : null);
    const row = rowOf(svc, input, account.id, currency, instantIn(input.date, timezone), draft, category);
    built = { category, draft, row };
  } catch (refusal) {
    // The retry of a write that committed, refused now (its category deleted, its account deactivated): replayed.
    const recorded = await recordedAnswerOr(svc, account.spaceId, idempotency, refusal);
    return { transaction: await getTransactionRow(svc, recorded.transactionId as string), replayed: true };
  }
  const { category, draft, row } = built;
  const { event, ...op } = commitOf(input, row, draft.postings, idempotency, timezone);
  // Committed only while the caller may still write in the live space (asMemberServices): the space's deletion, or the
  // caller's removal, after the checks above lands nothing, and is answered as a request made after it.
  const { returns, replayed, transactions: committed, reads } = await runLedger(asMemberServices(svc, auth, input.spaceId, "member"), op);
  // A replay shows the first request's transaction as it is now.
  if (replayed) return { transaction: await getTransactionRow(svc, returns.transactionId as string), replayed };
  const [stored, watching] = reads ?? [];
  await queueAnnounced(svc, [event], stored);
  // Seen to pass every check and commit: the writer's next write may carry its checks to the ledger.
  rememberWriter(auth.userId, account.id, { spaceId: account.spaceId, currency: account.currency, timezone });
  if (choosing) rememberCategorizer(input.spaceId, extra, featuresOf(subject));
  const [transaction] = await presentTransactions(svc, [{ ...row, ledgerSeq: committed[0]!.txid }], {
    categories: [category, draft.auto?.category].filter((c): c is CategoryRef => !!c),
    accounts: [account],
    timezone,
  });
  await checkBudgetAlerts(svc, input.spaceId, [row.categoryId], watching);
  return { transaction: transaction!, replayed };
}

/** Why createRemembered left a write to the ordinary path: it was never sent, or the ledger did not commit it. */
const NOT_SENT = "not sent";
const NOT_COMMITTED = "not committed";

/**
 * A write built from remembered facts and committed under its guard (write-guard.ts), its category named
 * or chosen by `chooser`: the Worker makes no D1 round trip of its own. NOT_COMMITTED when the guard
 * failed, or the ledger refused or replayed it; NOT_SENT when the request has a fault or its category
 * needs words not read yet. The ordinary path then answers it, its access checked first.
 */
async function createRemembered(
  svc: Services,
  auth: AuthContext,
  input: CreateTransactionInput,
  facts: WriterFacts,
  chooser: { version: number; choose: Categorizer } | null,
  idempotency?: Idempotency,
) {
  if (input.currency !== undefined && input.currency !== facts.currency) return NOT_SENT;
  const currency = facts.currency as Currency;
  // Only the category's id goes into the row; its name and colour for the response come from the batch's read.
  const named = input.categoryId ? { id: input.categoryId, name: "", color: null } : null;
  let row;
  let draft;
  try {
    draft = draftCashflow(input, input.accountId, currency, named, chooser?.choose ?? null);
    row = rowOf(svc, input, input.accountId, currency, instantIn(input.date, facts.timezone), draft, named);
  } catch (e) {
    if (e instanceof ApiError || e instanceof UndecidedCategory) return NOT_SENT;
    throw e;
  }
  const who = { userId: auth.userId, sessionId: auth.sessionId, accountId: input.accountId, facts };
  const guarded: GuardedWrite = chooser ? { ...who, categoryId: row.categoryId, chosenAt: chooser.version } : { ...who, categoryId: input.categoryId! };
  const { event, ...op } = commitOf(input, row, draft.postings, idempotency, facts.timezone);
  const answer = await runGuardedLedger(svc, { ...op, guard: writeGuard(svc, guarded), readAfter: [guardedWriteRead(guarded), ...op.readAfter] });
  if (!answer) return NOT_COMMITTED;
  const [names, stored, watching] = answer.reads ?? [];
  await queueAnnounced(svc, [event], answer.reads ? stored : undefined);
  // Without its reads when the batch's outcome had to be confirmed afterwards: the session and names are read now.
  const seen = (names?.[0] as GuardedWriteRow | undefined) ?? null;
  // The guard saw the session live as the batch ran: the context is completed without a second look at the clock.
  const session = seen ?? (auth.unverified ? await sessionStatement(svc, auth).first<SessionRow>() : null);
  if (auth.unverified) Object.assign(auth, session ? contextOf(auth, session) : {}, { unverified: false });
  const shownCategory = seen && row.categoryId && seen.category_name !== null ? [{ id: row.categoryId, name: seen.category_name, color: seen.category_color }] : [];
  const [transaction] = await presentTransactions(svc, [{ ...row, ledgerSeq: answer.transactions[0]!.txid }], {
    ...(seen ? { categories: shownCategory, accounts: [{ id: input.accountId, name: seen.account_name }] } : {}),
    timezone: facts.timezone,
  });
  await checkBudgetAlerts(svc, input.spaceId, [row.categoryId], watching);
  return { transaction: transaction!, replayed: false };
}

async function getTransactionRow(svc: Services, id: string) {
  const row = await svc.db.select().from(transactions).where(eq(transactions.id, id)).get();
  if (!row) throw notFound("Transaction");
  return presentOne(svc, row);
}

export async function createTransfer(
  svc: Services,
  auth: AuthContext,
  input: {
    spaceId: string; fromAccountId: string; toAccountId: string; amount: number | string; toAmount?: number | string; currency?: string; date: string; description: string;
  },
  idempotency?: Idempotency,
) {
  if (input.fromAccountId === input.toAccountId) {
    throw validationFailed([{ field: "toAccountId", message: "Must differ from fromAccountId", code: "SAME_ACCOUNT" }]);
  }
  // The destination is read in the same round trip when it is in the space: the source's checks then
  // stand for it (the same space, the same role). Otherwise its own checks answer, as they always did.
  const { account: from, membership, extra } = await accountFor(svc, auth, input.fromAccountId, "member",
    [accountInSpaceStatement(svc, auth, input.spaceId, input.toAccountId)]);
  const sameSpace = from.spaceId === input.spaceId ? (accountsIn(extra[0]!)[0] ?? null) : null;
  const to = sameSpace ?? (await accountFor(svc, auth, input.toAccountId, "member")).account;
  let amount;
  let toAmount;
  try {
    requireInSpace(from, input.spaceId, "fromAccountId");
    requireInSpace(to, input.spaceId, "toAccountId");
    requireCurrency(from, input.currency);
    amount = parseAmountField("amount", input.amount, CURRENCY_SCALES[from.currency as Currency]);
    if (amount <= 0) throw validationFailed([{ field: "amount", message: "Must be positive", code: "INVALID_AMOUNT" }]);
    toAmount = arrivingAmount(from, to, amount, input.toAmount);
  } catch (refusal) {
    // The retry of a transfer that committed, refused now (an account deactivated since): replayed.
    const recorded = await recordedAnswerOr(svc, from.spaceId, idempotency, refusal);
    const replayedRows = await presentTransactions(svc, await rowsByIds(svc, recorded.transactionIds as string[]));
    return transferAnswer(replayedRows, true);
  }
  const date = instantIn(input.date, membership.space.timezone);
  const currency = from.currency as Currency;
  const toCurrency = to.currency as Currency;
  const now = svc.clock.now();
  const outId = newId("txn", now);
  const inId = newId("txn", now);
  // Every column set, so that what is shown is what is stored.
  const base = {
    spaceId: input.spaceId, description: input.description, merchantName: null, normalizedMerchant: null, date,
    type: "transfer" as const, status: "posted" as const, categoryId: null, categorySource: null, tags: "[]", notes: null,
    location: null, trade: null, feeAmount: null, providerTransactionId: null, providerDay: null, createdAt: now, updatedAt: now,
  };
  // Each leg is in its own account's currency: between two currencies, what left and what arrived.
  const outRow = { ...base, id: outId, accountId: from.id, amount: -amount, currency, subtype: "transfer_out", counterpartyAccountId: to.id };
  const inRow = { ...base, id: inId, accountId: to.id, amount: toAmount, currency: toCurrency, subtype: "transfer_in", counterpartyAccountId: from.id };
  // Each leg is a transaction a subscriber hears of (transaction-events.ts).
  const events = [outRow, inRow].map((r) => transactionCreatedEvent(r, null, membership.space.timezone, now));
  // Committed only while the caller may still write in the live space (asMemberServices, as createTransaction).
  const { returns, replayed, transactions: committed, reads } = await runLedger(asMemberServices(svc, auth, input.spaceId, "member"), {
    kind: "commit",
    spaceId: input.spaceId,
    txs: [{ postings: transferPostings(from.id, currency, amount, to.id, toCurrency, toAmount), timestamp: date, metadata: { transfer: `${outId},${inId}` } }],
    idempotency,
    returns: { transactionIds: [outId, inId] },
    effects: [
      { kind: "insertTransaction", txIndex: 0, row: outRow }, { kind: "insertTransaction", txIndex: 0, row: inRow },
      ...events.map((row) => ({ kind: "insertEvent" as const, row, onlyIfSubscribed: true })),
    ],
    readAfter: [storedEventsRead(events)],
  });
  if (!replayed) await queueAnnounced(svc, events, reads?.[0]);
  // A replay shows the first request's rows as they are now; a new transfer, the rows just committed.
  const presented = replayed
    ? await presentTransactions(svc, await rowsByIds(svc, returns.transactionIds as string[]))
    : await presentTransactions(svc, [outRow, inRow].map((r) => ({ ...r, ledgerSeq: committed[0]!.txid })), { categories: [], accounts: [from, to], timezone: membership.space.timezone });
  return transferAnswer(presented, replayed);
}

/**
 * What a transfer brings into `to`, in its currency (minor units): `amount` between accounts of one currency (a
 * `toAmount` sent then must say the same), and the `toAmount` sent between two currencies, which the API never
 * converts (the rate is the one the person got, fees and all).
 */
function arrivingAmount(from: AccountRow, to: AccountRow, amount: number, sent: number | string | undefined): number {
  const toCurrency = to.currency as Currency;
  // A coin for money (or money for a coin) is a purchase or a sale: a trade, whose gain or loss counts. As a transfer
  // the coin would leave with no price and no gain.
  const coin = from.currency === to.currency ? undefined : [from.currency, to.currency].find((c) => !FIAT_CURRENCIES.includes(c as Currency));
  if (coin) {
    throw validationFailed([{ field: "toAccountId", message: `${coin} is a coin: exchanging it for another currency is a trade (its gain or loss counts), not a transfer`, code: "CURRENCY_MISMATCH" }]);
  }
  if (sent === undefined) {
    if (from.currency === to.currency) return amount;
    throw validationFailed([{ field: "toAmount", message: `The accounts hold ${from.currency} and ${to.currency}: send toAmount, the ${to.currency} that arrived`, code: "REQUIRED" }]);
  }
  const toAmount = parseAmountField("toAmount", sent, CURRENCY_SCALES[toCurrency]);
  if (toAmount <= 0) throw validationFailed([{ field: "toAmount", message: "Must be positive", code: "INVALID_AMOUNT" }]);
  if (from.currency === to.currency && toAmount !== amount) {
    throw validationFailed([{ field: "toAmount", message: `Both accounts hold ${to.currency}: toAmount, if sent, must equal amount`, code: "AMOUNT_MISMATCH" }]);
  }
  return toAmount;
}

/**
 * A transfer's postings, in one ledger transaction: one posting between the two accounts when they hold one
 * currency; between two currencies, the source's money goes to `world` and the destination's comes from it
 * (each asset still sums to zero; a void reverts both).
 */
function transferPostings(fromId: string, currency: Currency, amount: number, toId: string, toCurrency: Currency, toAmount: number): Posting[] {
  if (currency === toCurrency) return [{ source: accountAddress(fromId), destination: accountAddress(toId), amount, asset: assetOf(currency) }];
  return [
    { source: accountAddress(fromId), destination: "world", amount, asset: assetOf(currency) },
    { source: "world", destination: accountAddress(toId), amount: toAmount, asset: assetOf(toCurrency) },
  ];
}

/** A transfer's two legs as its answer shows them: by the exact decimal, since `amount` is for writing only (money.ts toMajorNumber). */
function transferAnswer<T extends { amountDecimal: string }>(legs: T[], replayed: boolean) {
  return { from: legs.find((t) => t.amountDecimal.startsWith("-"))!, to: legs.find((t) => !t.amountDecimal.startsWith("-"))!, replayed };
}

/** The transaction and the caller's role check, hiding other spaces' rows as 404. */
async function transactionFor(svc: Services, auth: AuthContext, id: string, min: "viewer" | "member") {
  const row = await svc.db.select().from(transactions).where(eq(transactions.id, id)).get();
  if (!row) throw notFound("Transaction");
  await requireRoleOver(svc, auth, row.spaceId, min, "Transaction");
  return row;
}

/**
 * A transaction with what its response shows (its space's zone, its account's and category's names),
 * read only for a caller who may see its space: a stranger's read finds no row.
 */
const TRANSACTION_VIEW_SQL = `SELECT ${TRANSACTION_COLUMNS}, sp.timezone AS view_timezone, a.name AS view_account_name, c.name AS view_category_name, c.color AS view_category_color
  FROM transactions t JOIN spaces sp ON sp.id = t.space_id LEFT JOIN accounts a ON a.id = t.account_id LEFT JOIN categories c ON c.id = t.category_id
 WHERE t.id = ? AND ${accessGuardOf("t.space_id")}`;

type TransactionView = Record<string, unknown> & { space_id: string; view_timezone: string; view_account_name: string | null; view_category_name: string | null; view_category_color: string | null };

/** The session, the caller's role in the transaction's space and the transaction as shown, in one round trip. */
export async function getTransaction(svc: Services, auth: AuthContext, id: string) {
  const db = svc.env.DB;
  const now = svc.clock.now();
  const [found, member] = await withSessionCheck(svc, auth, [
    db.prepare(TRANSACTION_VIEW_SQL).bind(id, auth.userId, auth.userId, now),
    db.prepare(TRANSACTION_MEMBERSHIP_SQL).bind(...membershipParams(id, auth.userId, now)),
  ]);
  const view = found!.results[0] as TransactionView | undefined;
  if (!view) throw notFound("Transaction");
  await asResource(requireRole(svc, auth, membershipOf(view.space_id, member!.results[0] as MembershipRow | undefined), "viewer"), "Transaction");
  const row = transactionOfRow(view);
  const [shown] = await presentTransactions(svc, [row], {
    timezone: view.view_timezone,
    accounts: view.view_account_name === null ? [] : [{ id: row.accountId, name: view.view_account_name }],
    categories: row.categoryId && view.view_category_name !== null ? [{ id: row.categoryId, name: view.view_category_name, color: view.view_category_color }] : [],
  });
  return shown!;
}

export async function updateTransaction(
  svc: Services,
  auth: AuthContext,
  id: string,
  patch: { categoryId?: string | null; tags?: string[]; notes?: string | null; description?: string; merchantName?: string | null; status?: "posted" },
) {
  const row = await transactionFor(svc, auth, id, "member");
  if (patch.status !== undefined) requirePostable(row);
  const { categoryId, ...rest } = patch;
  // Whether a part of this PATCH has landed behind the caller's guard: its other part then lands too (not a 404 for a
  // category that stands).
  let landed = false;
  if (categoryId !== undefined) {
    if (categoryId !== null) await requireCategory(svc, row.spaceId, categoryId);
    // Only while the caller may still write in the live space (asMemberServices, as createTransaction).
    const moved = await recategorize(asMemberServices(svc, auth, row.spaceId, "member", "Transaction"), row.spaceId, [{ transactionId: id, categoryId, categorySource: categoryId === null ? null : "manual" }]);
    landed = moved.length > 0;
  }
  const set: Partial<typeof transactions.$inferInsert> = { updatedAt: svc.clock.now() };
  if (rest.status !== undefined && row.status === "pending") set.status = "posted";
  if (rest.tags !== undefined) set.tags = JSON.stringify(rest.tags);
  if (rest.notes !== undefined) set.notes = rest.notes;
  // Each text's folded copy is written with it (one column each, so two edits at once cannot mix them).
  if (rest.description !== undefined) Object.assign(set, { description: rest.description, descriptionFolded: foldForSearch(rest.description) });
  if (rest.merchantName !== undefined) {
    set.merchantName = rest.merchantName;
    set.merchantFolded = rest.merchantName === null ? null : foldForSearch(rest.merchantName);
    // A manual row's merchant key (what recurring detection and the categorizer match on) follows its merchant, as
    // at creation. A provider row keeps the provider's: the sync matches its posted version to it by that key.
    if (row.providerTransactionId === null) set.normalizedMerchant = normalizeMerchant(rest.merchantName);
  }
  if (Object.keys(set).length > 1) {
    // Posting is written only while the row is still pending: a void that landed since this request read it
    // must not be undone (the row would count again while the ledger has reversed it).
    const update = svc.db.update(transactions).set(set).where(set.status ? and(eq(transactions.id, id), eq(transactions.status, "pending")) : eq(transactions.id, id));
    // The forecast's recurring series are found by description and merchant: one cached before is not served after.
    const moved = rest.description !== undefined || rest.merchantName !== undefined;
    // Only while the caller may still write in the live space (batchAsMember: a deletion or removal meanwhile is the
    // transaction's 404, a demotion the 403, as a request after it would be).
    const statements = [d1Statement(svc.env.DB, update), ...(moved ? [bumpForecastEpoch(svc.env.DB, row.spaceId)] : [])];
    const [written] = landed ? await svc.env.DB.batch(statements) : await batchAsMember(svc, auth, row.spaceId, "member", statements, { resource: "Transaction" });
    if (set.status && written!.meta.changes === 0) requirePostable(await transactionFor(svc, auth, id, "member"));
  }
  return getTransactionRow(svc, id);
}

/**
 * Only a manual row may be posted by hand (a provider's pending row is replaced by its posted version at the
 * sync), and not once voided; posting a posted row changes nothing.
 */
function requirePostable(row: TransactionRow) {
  if (row.providerTransactionId !== null && row.status === "pending") {
    throw validationFailed([{ field: "status", message: "A provider's pending transaction is posted by its sync", code: "PROVIDER_MANAGED" }]);
  }
  if (row.status !== "pending" && row.status !== "posted") throw conflict(`A ${row.status} transaction cannot be posted`);
}

/**
 * Voids by reversal: the ledger posts the compensating transaction on the
 * original's date (so statements net it out where it happened) and the rows
 * become `cancelled`. Voiding a refund raises spending, so alerts are checked.
 */
export async function voidTransaction(svc: Services, auth: AuthContext, id: string, idempotency?: Idempotency) {
  const row = await transactionFor(svc, auth, id, "member");
  // With an Idempotency-Key, a retry of the void replays it instead of reporting the void as a conflict.
  if (row.status === "cancelled" && !idempotency) throw conflict("Transaction is already voided", "ALREADY_REVERTED");
  // Only while the caller may still write in the live space (asMemberServices, as createTransaction).
  const { transactions: reversal, replayed } = await runLedger(asMemberServices(svc, auth, row.spaceId, "member", "Transaction"), {
    kind: "revert",
    spaceId: row.spaceId,
    seq: row.ledgerSeq,
    idempotency,
    atEffectiveDate: true,
    // A provider's pending row says so: a sync that matches its posting by guess (Belvo) keeps the void (apply.ts).
    metadata: { voidOf: id, ...(row.status === "pending" && row.providerTransactionId !== null ? { voidedPending: row.providerTransactionId } : {}) },
    effects: [{ kind: "voidTransactionsOf", seq: row.ledgerSeq }],
  });
  const after = await svc.db.select().from(transactions).where(eq(transactions.id, id)).get();
  await checkBudgetAlerts(svc, row.spaceId, [after?.categoryId]);
  return { transaction: await presentOne(svc, after!), reversalLedgerTxid: reversal[0]!.txid, replayed };
}

export async function bulkCategorize(svc: Services, auth: AuthContext, input: { spaceId: string; transactionIds: string[]; categoryId: string }) {
  await requireSpaceRole(svc, auth, input.spaceId, "member");
  await requireCategory(svc, input.spaceId, input.categoryId);
  const ids = [...new Set(input.transactionIds)];
  const found = await svc.env.DB.prepare(`SELECT COUNT(*) AS n FROM transactions WHERE space_id = ? AND id ${IN_JSON_LIST}`)
    .bind(input.spaceId, jsonList(ids))
    .first<{ n: number }>();
  // Only while the caller may still write in the live space (asMemberServices): a deletion, removal or demotion
  // meanwhile moves nothing and is answered as a request after it.
  await recategorize(asMemberServices(svc, auth, input.spaceId, "member"), input.spaceId, ids.map((transactionId) => ({ transactionId, categoryId: input.categoryId, categorySource: "manual" as const })));
  // Every row found now has the category by hand, whether or not it had it before.
  const updated = found?.n ?? 0;
  return { updated, notFound: ids.length - updated };
}
