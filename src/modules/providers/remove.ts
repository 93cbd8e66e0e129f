/** Removing a connection at its provider, where the provider supports it. */
import type { Services } from "../../env";
import type { ConnectionRow } from "./connections";
import { removeBelvoLink } from "./belvo";
import { removePlaidItem } from "./plaid";

export async function removeAtProvider(svc: Services, row: ConnectionRow): Promise<void> {
  if (row.provider === "plaid") await removePlaidItem(svc, row);
  if (row.provider === "belvo") await removeBelvoLink(svc, row);
  // Bitso API keys are revoked by the user in Bitso; disconnecting forgets the secret here.
}
