import type { BodyOf } from "../types.js";
import { Resource, type CallExtras } from "./base.js";

/** ESG scores of a space's crypto holdings, the methodology, and daily score snapshots. */
export class EsgResource extends Resource {
  scores(spaceId: string, x: CallExtras = {}) {
    return this.call("get", "/v1/esg/scores", { query: { spaceId }, ...x });
  }
  methodology(x: CallExtras = {}) {
    return this.call("get", "/v1/esg/methodology", { ...x });
  }
  /** Snapshots today's score and backfills missing days; answers with the trend. */
  snapshot(body: BodyOf<"/v1/esg/snapshots", "post">, x: CallExtras = {}) {
    return this.call("post", "/v1/esg/snapshots", { body, ...x });
  }
}
