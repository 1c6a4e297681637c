// The portal's plain words for someone who bought a license, not for the seller: statuses, how long
// ago a device was seen, how long until it may free another, what happened in the activity. English
// for now, with dates in the reader's own format.

/** @typedef {import("./api.js").Schema<"PortalLicenseSummary">} LicenseSummary */

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * A duration in whole units, rounded up so a wait is never promised shorter than it is:
 * 59 minutes, 2 hours 5 minutes, 3 days.
 * @param {number} seconds
 */
export function duration(seconds) {
  const minutes = Math.max(1, Math.ceil(seconds / MINUTE));
  if (minutes < 60) return plural(minutes, "minute");
  if (minutes < 48 * 60) {
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    return rest ? `${plural(hours, "hour")} ${plural(rest, "minute")}` : plural(hours, "hour");
  }
  return plural(Math.ceil(seconds / DAY), "day");
}

/** A window as "every hour", "every 24 hours", "every 7 days". */
export function every(seconds) {
  if (seconds % DAY === 0 && seconds >= 2 * DAY) return `every ${plural(seconds / DAY, "day")}`;
  if (seconds === DAY) return "every day";
  if (seconds % HOUR === 0) return seconds === HOUR ? "every hour" : `every ${plural(seconds / HOUR, "hour")}`;
  if (seconds % MINUTE === 0) return seconds === MINUTE ? "every minute" : `every ${plural(seconds / MINUTE, "minute")}`;
  return `every ${plural(seconds, "second")}`;
}

/** "You can free 1 device every hour." */
export const churnWords = (/** @type {NonNullable<LicenseSummary["churn"]>} */ churn) =>
  `You can free ${plural(churn.max_deactivations, "device")} ${every(churn.window_s)}.`;

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "just now", "3 hours ago", "yesterday", "in 2 months" */
export function ago(iso, now = Date.now()) {
  const seconds = (Date.parse(iso) - now) / 1000;
  const abs = Math.abs(seconds);
  if (abs < 45) return "just now";
  if (abs < HOUR) return relative.format(Math.round(seconds / MINUTE), "minute");
  if (abs < DAY) return relative.format(Math.round(seconds / HOUR), "hour");
  if (abs < 30 * DAY) return relative.format(Math.round(seconds / DAY), "day");
  if (abs < 365 * DAY) return relative.format(Math.round(seconds / (30 * DAY)), "month");
  return relative.format(Math.round(seconds / (365 * DAY)), "year");
}

/** A date in the reader's own format: "12 Mar 2027". */
export const day = (iso) => new Date(iso).toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });

/** A date and time in the reader's own format, for exact instants. */
export const instant = (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

/**
 * A license's status in words and a symbol, so it never rests on colour alone.
 * @param {LicenseSummary} license
 * @returns {{ label: string, symbol: string, tone: "ok" | "warn" | "bad", detail: string }}
 */
export function statusWords(license, now = Date.now()) {
  switch (license.status) {
    case "active": {
      const soon = license.expires_at && Date.parse(license.expires_at) - now < 14 * DAY;
      return soon
        ? { label: "Active, ends soon", symbol: "!", tone: "warn", detail: `It ends ${ago(license.expires_at, now)}.` }
        : { label: "Active", symbol: "✓", tone: "ok", detail: "Your license works." };
    }
    case "expired":
      return { label: "Expired", symbol: "✕", tone: "bad", detail: "It has ended. Renew it with the seller to keep using it." };
    case "suspended":
      return { label: "Paused", symbol: "‖", tone: "warn", detail: "The seller has paused it, often over a payment. Contact them to resume it." };
    case "revoked":
      return { label: "Cancelled", symbol: "✕", tone: "bad", detail: "The seller has cancelled it for good." };
    default:
      return { label: String(license.status), symbol: "?", tone: "warn", detail: "" };
  }
}

/** "Never ends", "Ends 12 Mar 2027", "Ended 1 Feb 2026". */
export function expiryWords(license, now = Date.now()) {
  if (!license.expires_at) return "Never ends";
  return Date.parse(license.expires_at) > now ? `Ends ${day(license.expires_at)}` : `Ended ${day(license.expires_at)}`;
}

/** "2 of 3 devices in use", "1 device in use (no limit)". */
export function devicesWords(devices) {
  if (devices.max === null) return `${plural(devices.used, "device")} in use (no limit)`;
  return `${devices.used} of ${plural(devices.max, "device")} in use`;
}

/** "Up to 5 people at a time". */
export function floatingWords(floating) {
  return floating.max === null ? "Any number of people at a time" : `Up to ${plural(floating.max, "person", "people")} at a time`;
}

/** "2 of 5 people", "1 of 1 person", "3 people (no limit)": how many hold a license's named seats. */
export function holdersWords(holders, max) {
  return max === null ? `${plural(holders, "person", "people")} (no limit)` : `${holders} of ${plural(max, "person", "people")}`;
}

/** A user's role as the portal says it: "Admin" or "Member". */
export const roleWords = (/** @type {string} */ role) => (role === "admin" ? "Admin" : "Member");

/** A person as their admin knows them: their name, else their email. */
export const personName = (/** @type {{ name: string | null, email: string }} */ user) => user.name || user.email;

/**
 * People in the order a reader looks for them: by name (the API answers oldest first).
 * @template {{ name: string | null, email: string }} T
 * @param {T[]} users
 * @returns {T[]}
 */
export function byName(users) {
  return [...users].sort((a, b) => personName(a).localeCompare(personName(b), undefined, { sensitivity: "base" }));
}

/** What an app did, by the operation the service recorded (src/contract/activity.ts): done, and refused. */
const OPERATIONS = new Map([
  ["validateLicense", ["Checked the license", "Could not check the license"]],
  ["verifyLicense", ["Checked the license", "Could not check the license"]],
  ["validateLicenseHardware", ["Checked the license on a device", "Could not check the license on a device"]],
  ["activateDevice", ["Activated a device", "Could not activate a device"]],
  ["deactivateDevice", ["Freed a device", "Could not free a device"]],
  ["sendHeartbeat", ["Device checked in", "Device could not check in"]],
  ["acquireLease", ["Took a seat", "Could not take a seat"]],
  ["heartbeatLease", ["Kept a seat", "Could not keep a seat"]],
  ["releaseLease", ["Gave back a seat", "Could not give back a seat"]],
  ["borrowLease", ["Borrowed a seat for offline use", "Could not borrow a seat"]],
  ["checkoutLicense", ["Downloaded a license file", "Could not download a license file"]],
  ["checkoutMachineFile", ["Downloaded a machine file", "Could not download a machine file"]],
  ["downloadLicenseFile", ["Downloaded a license file", "Could not download a license file"]],
  ["activateOffline", ["Activated a device offline", "Could not activate a device offline"]],
  ["deactivateOffline", ["Freed a device offline", "Could not free a device offline"]],
]);

/** The codes that mean the app got what it asked for. */
const SUCCESS = new Set(["VALID", "OK", "ACTIVE"]);

/**
 * One activity entry in words: what the app did, and for a refusal why (the service's explanation).
 * @param {{ operation: string, code: string, explanation: string }} event
 */
export function activityWords(event) {
  const [done, refused] = OPERATIONS.get(event.operation) ?? ["Used the license", "Could not use the license"];
  return SUCCESS.has(event.code) ? { what: done, why: null, refused: false } : { what: refused, why: event.explanation, refused: true };
}
