// The portal session of this tab: the one-time code arrives in the link's fragment (never sent to
// any server by the browser), is taken out of the address bar at once so it lands in no history,
// bookmark or screen share, and is traded for a portal credential. The credential lives in this
// tab's sessionStorage only (no storage that outlives the tab, no cookies): another tab, or the
// tab once closed, has none. When the session ends the credential is dropped but the seller's branding is kept, so
// the "session ended" page can still say whose portal it was and where to go back.
import { exchangeCode, PortalError } from "./api.js";

const STORAGE_KEY = "license-portal.session";

/**
 * @typedef {import("./api.js").Schema<"PortalBranding">} Branding
 * @typedef {{ token: string | null, expires_at: string | null, return_url: string | null, branding: Branding, ended?: Ended }} Stored
 * @typedef {"signed_out" | "expired"} Ended
 * @typedef {{ token: string, expires_at: string, return_url: string | null, branding: Branding }} Session
 */

/**
 * What the page starts with:
 * - `session`: a live credential (the API may still say it has ended);
 * - `used`: the link's code was refused (used already, expired, or revoked);
 * - `ended`: this tab had a session that is over;
 * - `nolink`: opened without a link;
 * - `failed`: the service could not be reached; `retry` tries the same code again.
 * @typedef {{ kind: "session", session: Session }
 *   | { kind: "used" }
 *   | { kind: "ended", reason: Ended, stored: Stored }
 *   | { kind: "nolink" }
 *   | { kind: "failed", error: PortalError, retry: () => Promise<Start> }} Start
 */

/** @returns {Stored | null} */
function load() {
  try {
    const value = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || "null");
    return value && typeof value === "object" && value.branding ? value : null;
  } catch {
    return null;
  }
}

/** @param {Stored | null} value */
function save(value) {
  if (value) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(value));
  else sessionStorage.removeItem(STORAGE_KEY);
}

/** The link's one-time code, taken out of the address bar before anything else happens. */
function takeCode() {
  const match = /^#code=([A-Za-z0-9_-]{1,64})$/.exec(location.hash);
  if (location.hash.startsWith("#code=")) history.replaceState(null, "", location.pathname + location.search);
  return match ? match[1] : null;
}

/** @param {string} code @returns {Promise<Start>} */
async function exchange(code) {
  try {
    const out = await exchangeCode(code);
    /** @type {Session} */
    const session = { token: out.token, expires_at: out.expires_at, return_url: out.return_url, branding: out.branding };
    save(session);
    return { kind: "session", session };
  } catch (err) {
    if (err instanceof PortalError && err.status === 401) return { kind: "used" };
    return { kind: "failed", error: err, retry: () => exchange(code) };
  }
}

/** @returns {Promise<Start>} */
export async function start() {
  const code = takeCode();
  // A new link replaces whatever this tab held: it may be for another customer.
  if (code) {
    save(null);
    return exchange(code);
  }
  const stored = load();
  if (!stored) return { kind: "nolink" };
  if (stored.token && stored.expires_at && Date.parse(stored.expires_at) > Date.now()) {
    return { kind: "session", session: /** @type {Session} */ (stored) };
  }
  const reason = stored.ended ?? "expired";
  save({ ...stored, token: null, ended: reason });
  return { kind: "ended", reason, stored: { ...stored, token: null } };
}

/**
 * Forgets the credential, keeping the branding for the page that says so.
 * @param {Ended} reason
 * @returns {Stored | null}
 */
export function endSession(reason) {
  const stored = load();
  if (!stored) return null;
  const ended = { ...stored, token: null, expires_at: null, ended: reason };
  save(ended);
  return ended;
}
