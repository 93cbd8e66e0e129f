import { iterateList } from "../pagination.js";
import type { Asset, AssetDocument, AssetValuation, BodyOf, QueryOf } from "../types.js";
import { Resource, type CallExtras } from "./base.js";

type ListQuery = NonNullable<QueryOf<"/v1/assets", "get">>;
type ValuationQuery = NonNullable<QueryOf<"/v1/assets/{assetId}/valuations", "get">>;
type DocumentQuery = NonNullable<QueryOf<"/v1/assets/{assetId}/documents", "get">>;

/**
 * Manual assets (real estate, vehicles, collectibles, private holdings) with their
 * valuation history, documents, collectible catalog links and real-estate estimates.
 */
export class AssetsResource extends Resource {
  /** One page: `{ assets, pagination }`. */
  list(query: ListQuery, x: CallExtras = {}) {
    return this.call("get", "/v1/assets", { query, ...x });
  }
  iterate(query: ListQuery, opts: { max?: number } = {}): AsyncGenerator<Asset, void, undefined> {
    return iterateList<Asset, ListQuery>((q) => this.list(q), query, "assets", opts);
  }
  /** Creates an asset with its first valuation (`value` as a decimal string is exact). */
  create(body: BodyOf<"/v1/assets", "post">, x: CallExtras = {}) {
    return this.call("post", "/v1/assets", { body, ...x });
  }
  get(assetId: string, x: CallExtras = {}) {
    return this.call("get", "/v1/assets/{assetId}", { path: { assetId }, ...x });
  }
  update(assetId: string, body: BodyOf<"/v1/assets/{assetId}", "patch">, x: CallExtras = {}) {
    return this.call("patch", "/v1/assets/{assetId}", { path: { assetId }, body, ...x });
  }
  delete(assetId: string, x: CallExtras = {}) {
    return this.call("delete", "/v1/assets/{assetId}", { path: { assetId }, ...x });
  }

  readonly valuations = {
    /** One page of the valuation history: `{ assetId, currency, valuations, pagination }`. */
    list: (assetId: string, query: ValuationQuery = {}, x: CallExtras = {}) =>
      this.call("get", "/v1/assets/{assetId}/valuations", { path: { assetId }, query, ...x }),
    iterate: (assetId: string, query: ValuationQuery = {}, opts: { max?: number } = {}): AsyncGenerator<AssetValuation, void, undefined> =>
      iterateList<AssetValuation, ValuationQuery>((q) => this.valuations.list(assetId, q), query, "valuations", opts),
    create: (assetId: string, body: BodyOf<"/v1/assets/{assetId}/valuations", "post">, x: CallExtras = {}) =>
      this.call("post", "/v1/assets/{assetId}/valuations", { path: { assetId }, body, ...x }),
  };

  readonly documents = {
    /** A short-lived URL to PUT the file's bytes to (`method`, `headers` and `maxBytes` say how). */
    uploadUrl: (assetId: string, body: BodyOf<"/v1/assets/{assetId}/documents/upload-url", "post">, x: CallExtras = {}) =>
      this.call("post", "/v1/assets/{assetId}/documents/upload-url", { path: { assetId }, body, ...x }),
    /**
     * One page of the asset's documents, newest first: `{ documents, pagination }` (the API's default page is 50),
     * each uploaded one with a short-lived `downloadUrl`.
     */
    list: (assetId: string, query: DocumentQuery = {}, x: CallExtras = {}) =>
      this.call("get", "/v1/assets/{assetId}/documents", { path: { assetId }, query, ...x }),
    /** Every document of the asset, fetching pages of `limit` as you iterate. */
    iterate: (assetId: string, query: DocumentQuery = {}, opts: { max?: number } = {}): AsyncGenerator<AssetDocument, void, undefined> =>
      iterateList<AssetDocument, DocumentQuery>((q) => this.documents.list(assetId, q), query, "documents", opts),
    delete: (assetId: string, documentId: string, x: CallExtras = {}) =>
      this.call("delete", "/v1/assets/{assetId}/documents/{documentId}", { path: { assetId, documentId }, ...x }),
  };

  readonly collectibles = {
    categories: (x: CallExtras = {}) => this.call("get", "/v1/collectibles/categories", { ...x }),
    search: (query: NonNullable<QueryOf<"/v1/collectibles/search", "get">>, x: CallExtras = {}) =>
      this.call("get", "/v1/collectibles/search", { query, ...x }),
    /** Links an asset to a catalog item and records its market value as a valuation. */
    link: (assetId: string, body: BodyOf<"/v1/assets/{assetId}/collectible-link", "post">, x: CallExtras = {}) =>
      this.call("post", "/v1/assets/{assetId}/collectible-link", { path: { assetId }, body, ...x }),
    unlink: (assetId: string, x: CallExtras = {}) => this.call("delete", "/v1/assets/{assetId}/collectible-link", { path: { assetId }, ...x }),
    refresh: (assetId: string, x: CallExtras = {}) => this.call("post", "/v1/assets/{assetId}/collectible-refresh", { path: { assetId }, ...x }),
  };

  readonly realEstate = {
    lookup: (body: BodyOf<"/v1/real-estate/lookup", "post">, x: CallExtras = {}) => this.call("post", "/v1/real-estate/lookup", { body, ...x }),
    zestimate: (assetId: string, x: CallExtras = {}) => this.call("get", "/v1/real-estate/{assetId}/zestimate", { path: { assetId }, ...x }),
    /** Records the current estimate as a valuation. */
    sync: (assetId: string, x: CallExtras = {}) => this.call("post", "/v1/real-estate/{assetId}/sync", { path: { assetId }, ...x }),
  };
}
