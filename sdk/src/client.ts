/**
 * `new Dhanam({ baseUrl, accessToken })` or `await Dhanam.login({ baseUrl, email, password })`,
 * then one namespace per API area: `dhanam.spaces.list()`,
 * `dhanam.transactions.list({ spaceId, limit })`, `dhanam.transactions.iterate({ spaceId })`.
 */
import { HttpClient, type ClientOptions, type TokenSet } from "./http.js";
import { typedCall, type CallOptions } from "./resources/base.js";
import { AccountsResource } from "./resources/accounts.js";
import { AnalyticsResource } from "./resources/analytics.js";
import { AssetsResource } from "./resources/assets.js";
import { AuthResource } from "./resources/auth.js";
import { BudgetsResource, CategoriesResource, MlResource, TradesResource } from "./resources/catalog.js";
import { DefiResource } from "./resources/defi.js";
import { EsgResource } from "./resources/esg.js";
import { GamingResource } from "./resources/gaming.js";
import { HouseholdsResource } from "./resources/households.js";
import { LedgerResource } from "./resources/ledger.js";
import { LifeBeatResource } from "./resources/lifebeat.js";
import { ProjectionsResource } from "./resources/projections.js";
import { ProvidersResource } from "./resources/providers.js";
import { RatesResource } from "./resources/rates.js";
import { SpacesResource } from "./resources/spaces.js";
import { TransactionsResource } from "./resources/transactions.js";
import { WebhooksResource } from "./resources/webhooks.js";
import { OPERATIONS, type OperationId } from "./generated/operations.js";
import type { BodyOf, HttpMethod, paths, PathsWith, ResponseOf } from "./types.js";

type OpMethod<K extends OperationId> = (typeof OPERATIONS)[K] extends readonly [infer M extends HttpMethod, string] ? M : never;
type OpPath<K extends OperationId> = Extract<(typeof OPERATIONS)[K] extends readonly [HttpMethod, infer P] ? P : never, keyof paths & PathsWith<OpMethod<K>>>;

export class Dhanam {
  readonly http: HttpClient;
  readonly auth: AuthResource;
  readonly spaces: SpacesResource;
  readonly accounts: AccountsResource;
  readonly transactions: TransactionsResource;
  readonly categories: CategoriesResource;
  readonly budgets: BudgetsResource;
  readonly ledger: LedgerResource;
  readonly trades: TradesResource;
  readonly ml: MlResource;
  readonly providers: ProvidersResource;
  readonly webhooks: WebhooksResource;
  readonly assets: AssetsResource;
  readonly analytics: AnalyticsResource;
  readonly rates: RatesResource;
  readonly projections: ProjectionsResource;
  readonly esg: EsgResource;
  readonly defi: DefiResource;
  readonly gaming: GamingResource;
  readonly households: HouseholdsResource;
  readonly lifeBeat: LifeBeatResource;

  constructor(options: ClientOptions = {}) {
    this.http = new HttpClient(options);
    this.auth = new AuthResource(this.http);
    this.spaces = new SpacesResource(this.http);
    this.accounts = new AccountsResource(this.http);
    this.transactions = new TransactionsResource(this.http);
    this.categories = new CategoriesResource(this.http);
    this.budgets = new BudgetsResource(this.http);
    this.ledger = new LedgerResource(this.http);
    this.trades = new TradesResource(this.http);
    this.ml = new MlResource(this.http);
    this.providers = new ProvidersResource(this.http);
    this.webhooks = new WebhooksResource(this.http);
    this.assets = new AssetsResource(this.http);
    this.analytics = new AnalyticsResource(this.http);
    this.rates = new RatesResource(this.http);
    this.projections = new ProjectionsResource(this.http);
    this.esg = new EsgResource(this.http);
    this.defi = new DefiResource(this.http);
    this.gaming = new GamingResource(this.http);
    this.households = new HouseholdsResource(this.http);
    this.lifeBeat = new LifeBeatResource(this.http);
  }

  /** A client signed in with email and password (and a 2FA code when enabled). */
  static async login(options: ClientOptions & BodyOf<"/v1/auth/login", "post">): Promise<Dhanam> {
    const { email, password, totpCode, ...clientOptions } = options;
    const client = new Dhanam(clientOptions);
    await client.auth.login(totpCode === undefined ? { email, password } : { email, password, totpCode });
    return client;
  }

  /** The current tokens (they change on every refresh), e.g. to store between runs. */
  get tokens(): TokenSet | undefined {
    return this.http.getTokens();
  }

  /**
   * The `X-D1-Bookmark` of the latest response, which every request sends back (read-your-writes); persist it
   * to keep reading at least that fresh in a later run (`new Dhanam({ bookmark })`). Opaque: store it as is.
   */
  get bookmark(): string | undefined {
    return this.http.getBookmark();
  }

  health() {
    return typedCall(this.http, "get", "/v1/health", { auth: false });
  }

  /**
   * Any documented route, typed from the generated document:
   * `dhanam.request("get", "/v1/accounts/summary", { query: { spaceId } })`.
   * Pass `idempotent: true` on a money-moving POST to get an Idempotency-Key kept across retries.
   */
  request<M extends HttpMethod, P extends PathsWith<M>>(method: M, path: P, options?: CallOptions<P, M>): Promise<ResponseOf<P, M>> {
    return typedCall(this.http, method, path, options);
  }

  /**
   * Any documented operation by its OpenAPI `operationId` (sdk/src/generated/operations.ts),
   * typed like `request`: `dhanam.call("listTransactions", { query: { spaceId, limit: 50 } })`.
   */
  call<K extends OperationId>(operationId: K, options?: CallOptions<OpPath<K>, OpMethod<K>>): Promise<ResponseOf<OpPath<K>, OpMethod<K>>> {
    const entry = (OPERATIONS as Record<string, readonly [HttpMethod, string] | undefined>)[operationId];
    if (!entry) throw new TypeError(`Unknown operationId "${String(operationId)}": run npm run sdk:generate`);
    return typedCall(this.http, entry[0], entry[1] as never, options as never) as never;
  }
}
