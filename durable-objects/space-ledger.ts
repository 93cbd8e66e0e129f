/**
 * The single writer of one space's ledger. Every balance change of the space
 * goes through this object, which serializes them.
 */
import { DurableObject } from "cloudflare:workers";

export class SpaceLedger extends DurableObject<Env> {}
