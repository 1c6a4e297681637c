// Every result a licensing request can have, in plain words for the seller answering a support
// ticket, and the next step. One place: the activity API answers these beside each event, the
// console shows them, the docs page lists them, and validation messages are the first sentence.
import type { ValidationCode } from "./licenses";

export interface Explanation {
  /** What happened, for the seller. */
  explanation: string;
  /** What the seller (or their customer) can do about it. */
  next_step: string;
}

const VALIDATION: Record<ValidationCode, Explanation> = {
  VALID: { explanation: "The license was valid for this request.", next_step: "Nothing to do." },
  NOT_FOUND: {
    explanation: "No license matches the key the app sent: it was mistyped, truncated, or belongs to another seller.",
    next_step: "Ask the customer to paste the key again from their purchase email; if it was lost, reissue the key.",
  },
  EXPIRED: {
    explanation: "The license's expiry date has passed.",
    next_step: "Renew the license (or extend its expiry) if the customer has paid; otherwise point them to renewal.",
  },
  SUSPENDED: {
    explanation: "The license is suspended (for example after a failed payment or a dispute).",
    next_step: "Reinstate the license once the reason is settled.",
  },
  REVOKED: { explanation: "The license was revoked and can never be used again.", next_step: "Issue a new license if the customer is entitled to one." },
  PRODUCT_MISMATCH: {
    explanation: "The key is for a different application than the one that asked.",
    next_step: "Check that the customer installed the product the license was sold for, or move the license to that application.",
  },
  NOT_ACTIVATED: {
    explanation: "The license has no activated device yet, and this policy needs one before it answers valid.",
    next_step: "The app should activate the device first; if it did, check that it sends the same fingerprint.",
  },
  FINGERPRINT_MISMATCH: {
    explanation: "This device is not one of the license's activations: its fingerprint matches no live device.",
    next_step: "If the customer reinstalled or replaced the computer, free the old seat (deactivate the old device) so this one can activate.",
  },
  DOMAIN_MISMATCH: {
    explanation: "The site's domain is not one the license is activated for.",
    next_step: "Activate the new domain, or deactivate the old one if the customer moved their site.",
  },
  IP_NOT_ALLOWED: {
    explanation: "The request came from an address outside the license's allowed networks.",
    next_step: "Add the customer's network to the license's allowed CIDRs if this address is legitimate.",
  },
  HEARTBEAT_DEAD: {
    explanation: "The device stopped sending heartbeats for longer than the policy allows, so its seat was released.",
    next_step: "The app activates again; if it keeps happening, lengthen the policy's heartbeat grace.",
  },
  TOO_MANY_ACTIVATIONS: {
    explanation: "Every device seat of the license is taken.",
    next_step: "Deactivate a device the customer no longer uses, or raise the license's activation limit.",
  },
  LEASE_REQUIRED: {
    explanation: "The license is floating: the app asked for a token or file without taking a seat first.",
    next_step: "Update the app to take a floating seat (a lease) first; the SDK's seats do this.",
  },
};

/** Outcomes other than validation codes: error codes of the public and server routes. */
const OUTCOMES: Record<string, Explanation> = {
  OK: { explanation: "The request succeeded.", next_step: "Nothing to do." },
  LICENSE_NOT_FOUND: VALIDATION.NOT_FOUND,
  LICENSE_EXPIRED: VALIDATION.EXPIRED,
  LICENSE_SUSPENDED: VALIDATION.SUSPENDED,
  LICENSE_REVOKED: VALIDATION.REVOKED,
  ACTIVATION_NOT_FOUND: {
    explanation: "The device the app named holds no live activation of this license.",
    next_step: "The app should activate the device again; check that the device's fingerprint did not change.",
  },
  DEACTIVATION_LIMIT_REACHED: {
    explanation: "The customer freed more devices than the policy allows in its window (the churn budget).",
    next_step: "Wait until the window passes (the answer says how long), or deactivate the device yourself from the console.",
  },
  LEASES_NOT_ENABLED: {
    explanation: "The app asked for a floating seat, but the license's policy has no floating seats.",
    next_step: "Use activation for this license, or move it to a policy with floating seats.",
  },
  NO_LEASES_AVAILABLE: {
    explanation: "Every floating seat of the license was in use at that moment.",
    next_step: "Release a stuck seat (the seats tab shows who holds them) or raise the license's seat count.",
  },
  LEASE_NOT_FOUND: { explanation: "The floating seat the app named does not exist for this license.", next_step: "The app takes a new seat." },
  LEASE_EXPIRED: {
    explanation: "The floating seat ended (its time ran out, or it was released) before the app renewed it.",
    next_step: "The app takes a new seat; if it happens often, lengthen the policy's lease time or send heartbeats more often.",
  },
  LEASE_BORROWED: {
    explanation: "The seat is borrowed for offline use and is held by its file until the borrow ends.",
    next_step: "Wait for the borrow to end, or release the seat from the console.",
  },
  TOO_MANY_USERS: {
    explanation: "Every named seat of the license is assigned.",
    next_step: "Unassign a user who left, or raise the policy's user limit.",
  },
  USER_NOT_FOUND: {
    explanation: "The app named a user that is not one of the license's customer's users.",
    next_step: "Create the user under the customer, or check the email or id the app sends.",
  },
  USER_NOT_ASSIGNED: {
    explanation: "The user exists but does not hold this license (directly or through a group).",
    next_step: "Assign the license to the user, or to a group they belong to.",
  },
  DPOP_PROOF_MISSING: {
    explanation: "The device is bound to a key (the policy's proof of possession), but the app sent no proof made with it.",
    next_step: "Update the app to an SDK version that keeps a device key and pass the key to its client.",
  },
  DPOP_PROOF_INVALID: {
    explanation: "The app's proof of its device key was malformed or its signature did not verify.",
    next_step: "Check the app's integration; a tampered or home-made client sends these.",
  },
  DPOP_PROOF_STALE: {
    explanation: "The app's proof of its device key was too old (or made in the future): the device's clock is off by more than a minute.",
    next_step: "Ask the customer to set the computer's clock automatically.",
  },
  DPOP_METHOD_MISMATCH: {
    explanation: "The app's proof of its device key was made for another kind of request.",
    next_step: "Check the app's integration: each request needs its own proof.",
  },
  DPOP_URL_MISMATCH: {
    explanation: "The app's proof of its device key was made for another address (a proxy or another deployment).",
    next_step: "Check the base URL the app uses; the proof must name the URL the service receives.",
  },
  DPOP_PROOF_REPLAYED: {
    explanation: "A proof of the device key was sent twice: a copied request, or an app retrying with an old proof.",
    next_step: "If it keeps happening from one device, someone may be replaying its traffic; otherwise update the app.",
  },
  DPOP_KEY_MISMATCH: {
    explanation: "The request was signed with another key than the one the device was activated with: a copied license or token on another computer.",
    next_step: "If the customer really moved to a new computer, free the old device's seat so the new one can activate.",
  },
  IDEMPOTENCY_KEY_REUSED: {
    explanation: "The app reused an Idempotency-Key for a different request.",
    next_step: "This is an app bug: each distinct request needs its own key.",
  },
  CONFLICT: { explanation: "The request conflicted with a change made at the same moment.", next_step: "The app retries." },
  VALIDATION_FAILED: {
    explanation: "The app sent a request the API could not accept (a missing or malformed field).",
    next_step: "Check the app's integration; the error's details name the field.",
  },
  BAD_REQUEST: {
    explanation: "The request could not be used as sent (for example a token or file that is not one of this service's).",
    next_step: "Check the app's integration; the error's message says what was wrong.",
  },
  UNSUPPORTED_MEDIA_TYPE: { explanation: "The app sent a body that is not JSON (wrong Content-Type).", next_step: "Check the app's integration." },
  PAYLOAD_TOO_LARGE: { explanation: "The app sent a body over the size limit.", next_step: "Check what the app sends: metadata is bounded to 16 KB." },
  UNAUTHORIZED: {
    explanation: "Your backend called with a missing, expired or revoked API key.",
    next_step: "Check the key your backend uses; create a new one if it was revoked.",
  },
  FORBIDDEN: {
    explanation: "Your backend's API key lacks the permission this call needs.",
    next_step: "Give the key the permission (tokens:introspect, tokens:revoke, ...) or use another key.",
  },
  INVALID_JSON: { explanation: "The app sent a body that is not JSON.", next_step: "Check the app's integration." },
  RATE_LIMITED: {
    explanation: "The app sent more requests than the limits allow.",
    next_step: "Check for a retry loop in the app; it should follow Retry-After.",
  },
  ACTIVE: { explanation: "Your backend introspected a license token and it was active.", next_step: "Nothing to do." },
  TOKEN_REVOKED: {
    explanation: "Your backend introspected a license token that was revoked.",
    next_step: "The app gets a fresh token by verifying again, if the license still allows it.",
  },
  LEASE_ENDED: {
    explanation: "Your backend introspected a lease token whose floating seat had ended.",
    next_step: "The app takes a new seat.",
  },
  ACTIVATION_RELEASED: {
    explanation: "Your backend introspected a token whose device had been deactivated.",
    next_step: "The app activates the device again, if a seat is free.",
  },
  INVALID_SIGNATURE: {
    explanation: "Your backend introspected a token this service did not sign (forged, altered, or from another deployment).",
    next_step: "Check where the token came from; a client sending forged tokens may be tampered with.",
  },
  SERVICE_UNAVAILABLE: {
    explanation: "The service could not reach its database in time and answered 503.",
    next_step: "The app retries after Retry-After; check the service's status if it persists.",
  },
};

const FALLBACK: Explanation = { explanation: "The request was refused with this code.", next_step: "See the API reference for this code." };

/** Every code with its own explanation (the docs page lists these). */
export const EXPLANATIONS: Readonly<Record<string, Explanation>> = { ...VALIDATION, ...OUTCOMES };

/** The explanation of a result code; every code has one. */
export const explain = (code: string): Explanation => (Object.hasOwn(EXPLANATIONS, code) ? EXPLANATIONS[code]! : FALLBACK);
