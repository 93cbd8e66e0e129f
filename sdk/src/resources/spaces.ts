import type { BodyOf } from "../types.js";
import { Resource, type CallExtras } from "./base.js";

/** Spaces (personal or business books) and their members. */
export class SpacesResource extends Resource {
  list(x: CallExtras = {}) {
    return this.call("get", "/v1/spaces", { ...x });
  }
  create(body: BodyOf<"/v1/spaces", "post">, x: CallExtras = {}) {
    return this.call("post", "/v1/spaces", { body, ...x });
  }
  get(spaceId: string, x: CallExtras = {}) {
    return this.call("get", "/v1/spaces/{spaceId}", { path: { spaceId }, ...x });
  }
  update(spaceId: string, body: BodyOf<"/v1/spaces/{spaceId}", "patch">, x: CallExtras = {}) {
    return this.call("patch", "/v1/spaces/{spaceId}", { path: { spaceId }, body, ...x });
  }
  /** Owner only, with 2FA. */
  delete(spaceId: string, x: CallExtras = {}) {
    return this.call("delete", "/v1/spaces/{spaceId}", { path: { spaceId }, ...x });
  }

  /**
   * Ownership transfer: the owner (2FA on and recently confirmed) offers the space to a member (202, the offer;
   * a new one replaces it); nothing changes hands until that member accepts; the owner may withdraw it.
   */
  readonly owner = {
    offer: (spaceId: string, body: BodyOf<"/v1/spaces/{spaceId}/owner", "post">, x: CallExtras = {}) =>
      this.call("post", "/v1/spaces/{spaceId}/owner", { path: { spaceId }, body, ...x }),
    /** The member named by the offer takes the space: they become its owner, the previous owner an admin. */
    accept: (spaceId: string, x: CallExtras = {}) => this.call("post", "/v1/spaces/{spaceId}/owner/accept", { path: { spaceId }, ...x }),
    withdraw: (spaceId: string, x: CallExtras = {}) => this.call("delete", "/v1/spaces/{spaceId}/owner/offer", { path: { spaceId }, ...x }),
  };

  readonly members = {
    list: (spaceId: string, x: CallExtras = {}) => this.call("get", "/v1/spaces/{spaceId}/members", { path: { spaceId }, ...x }),
    add: (spaceId: string, body: BodyOf<"/v1/spaces/{spaceId}/members", "post">, x: CallExtras = {}) =>
      this.call("post", "/v1/spaces/{spaceId}/members", { path: { spaceId }, body, ...x }),
    update: (spaceId: string, userId: string, body: BodyOf<"/v1/spaces/{spaceId}/members/{userId}", "patch">, x: CallExtras = {}) =>
      this.call("patch", "/v1/spaces/{spaceId}/members/{userId}", { path: { spaceId, userId }, body, ...x }),
    remove: (spaceId: string, userId: string, x: CallExtras = {}) =>
      this.call("delete", "/v1/spaces/{spaceId}/members/{userId}", { path: { spaceId, userId }, ...x }),
  };
}
