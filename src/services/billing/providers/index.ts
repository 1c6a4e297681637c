// A payment provider's webhook payload, already authenticated, turned into one BillingFact
// (contract/billing.ts). Every normaliser answers with a fact or throws MalformedBillingEvent, never
// anything else, so the route has exactly one bad-request path; a well-formed event this service
// has no use for is a fact of kind `ignored`, so the provider gets its 2xx and stops retrying.
import type { BillingFact, BillingProvider } from "../../../contract/billing";
import { normalizeLemonSqueezy } from "./lemonsqueezy";
import { normalizePaddle } from "./paddle";
import { normalizePolar } from "./polar";
import { MalformedBillingEvent, type NormalizeMeta } from "./shared";
import { normalizeStripe } from "./stripe";

export { MalformedBillingEvent, type NormalizeMeta } from "./shared";

/** One provider event, normalised. Throws only MalformedBillingEvent. */
export function normalizeFact(provider: BillingProvider, payload: unknown, meta: NormalizeMeta): BillingFact {
  try {
    switch (provider) {
      case "stripe":
        return normalizeStripe(payload, meta);
      case "paddle":
        return normalizePaddle(payload, meta);
      case "lemonsqueezy":
        return normalizeLemonSqueezy(payload, meta);
      case "polar":
        return normalizePolar(payload, meta);
      default:
        throw new MalformedBillingEvent("Unknown billing provider.");
    }
  } catch (err) {
    if (err instanceof MalformedBillingEvent) throw err;
    // Whatever else a normaliser trips on, the payload caused it: still one typed 400, no 500.
    throw new MalformedBillingEvent("Unreadable billing event.");
  }
}
