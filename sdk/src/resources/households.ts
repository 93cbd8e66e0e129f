import type { BodyOf } from "../types.js";
import { Resource, type CallExtras } from "./base.js";

/** Households: spaces grouped with family members and executors. */
export class HouseholdsResource extends Resource {
  list(x: CallExtras = {}) {
    return this.call("get", "/v1/households", { ...x });
  }
  create(body: BodyOf<"/v1/households", "post">, x: CallExtras = {}) {
    return this.call("post", "/v1/households", { body, ...x });
  }
  get(householdId: string, x: CallExtras = {}) {
    return this.call("get", "/v1/households/{householdId}", { path: { householdId }, ...x });
  }
  /** Accepts an emailed invitation as the signed-in user it was sent to. */
  acceptInvitation(token: string, x: CallExtras = {}) {
    return this.call("post", "/v1/households/invitations/{token}/accept", { path: { token }, ...x });
  }

  readonly members = {
    /** Invites a member or executor by email. */
    add: (householdId: string, body: BodyOf<"/v1/households/{householdId}/members", "post">, x: CallExtras = {}) =>
      this.call("post", "/v1/households/{householdId}/members", { path: { householdId }, body, ...x }),
    remove: (householdId: string, memberId: string, x: CallExtras = {}) =>
      this.call("delete", "/v1/households/{householdId}/members/{memberId}", { path: { householdId, memberId }, ...x }),
  };
}
