// License activity in a support engineer's words: each recorded operation (its operationId on the
// wire) as the action a customer's app took, which result codes are successes, and how a device is
// named when the event knows more or less about it.

/**
 * Every operation the service records an event for (middleware/metrics.ts activityDraft), in the
 * order an app meets them; the filter offers these, and unknown ones show as their operationId.
 * @type {[operationId: string, words: string][]}
 */
export const OPERATIONS = [
  ["validateLicense", "Validate"],
  ["verifyLicense", "Verify"],
  ["validateLicenseHardware", "Validate hardware"],
  ["activateDevice", "Activate"],
  ["deactivateDevice", "Deactivate"],
  ["sendHeartbeat", "Heartbeat"],
  ["acquireLease", "Take seat"],
  ["heartbeatLease", "Seat heartbeat"],
  ["releaseLease", "Release seat"],
  ["borrowLease", "Borrow seat"],
  ["checkoutLicense", "License file"],
  ["checkoutMachineFile", "Machine file"],
  ["downloadLicenseFile", "Download license file"],
  ["activateOffline", "Offline activation"],
  ["deactivateOffline", "Offline deactivation"],
  ["introspectLicenseToken", "Introspect token"],
  ["revokeLicenseToken", "Revoke token"],
];

const WORDS = new Map(OPERATIONS);

/** "acquireLease" → "Take seat"; an operation the console does not know yet keeps its id. */
export const operationWords = (/** @type {string} */ operation) => WORDS.get(operation) ?? operation;

/**
 * The codes that mean the request got what it asked for: a validation's VALID, any other
 * operation's OK, an introspection's ACTIVE (src/contract/explanations.ts). Everything else is a
 * refusal, shown with its explanation and next step.
 */
const SUCCESS = new Set(["VALID", "OK", "ACTIVE"]);

export const isRefusal = (/** @type {string} */ code) => !SUCCESS.has(code);

/** @typedef {import("../../lib/api.js").Schema<"ActivityEvent">} ActivityEvent */

/**
 * The device an event concerns, named as well as the event allows: its name now, else its
 * activation id, else the fingerprint prefix the client sent; null when it named no device.
 * `filter` is what GET …/events?device= takes for it (an activation id or a fingerprint prefix).
 * @param {ActivityEvent["device"]} device
 * @returns {{ label: string, detail: string | null, filter: string } | null}
 */
export function deviceOf(device) {
  const { name, activation_id: activation, fingerprint_prefix: prefix } = device;
  const filter = activation ?? prefix;
  if (!filter) return null;
  if (name) return { label: name, detail: activation ?? prefix, filter };
  if (activation) return { label: activation, detail: prefix ? `fingerprint ${prefix}…` : null, filter };
  // No activation named: the fingerprint matched no live device (a refusal), or the operation looks none up.
  return { label: `fingerprint ${prefix}…`, detail: null, filter };
}

/** An instant in the reader's time zone, in full, for a hover title. */
export const fullTime = (/** @type {string} */ iso) => new Date(iso).toLocaleString(undefined, { dateStyle: "full", timeStyle: "medium" });
