// The portal's only way to the service: the customer-portal operations on this origin, with the
// tab's portal credential as a Bearer header (no cookies, so no CSRF surface). Failures become
// PortalError with the envelope's code, message, request id and details. Shapes are the OpenAPI
// document's (packages/admin/src/schema.ts), named in JSDoc only, so the browser loads this as is.

/**
 * A schema of the API by its name in the document: `Schema<"PortalOverview">`.
 * @template {keyof import("../../../packages/admin/src/schema.js").components["schemas"]} Name
 * @typedef {import("../../../packages/admin/src/schema.js").components["schemas"][Name]} Schema
 */

export class PortalError extends Error {
  /**
   * @param {number} status HTTP status, 0 when the service could not be reached
   * @param {{ code?: string, message?: string, request_id?: string, details?: any }} error
   */
  constructor(status, error) {
    super(error.message || `The service answered HTTP ${status}.`);
    this.status = status;
    this.code = error.code || (status ? `HTTP_${status}` : "NETWORK_ERROR");
    this.requestId = error.request_id || null;
    this.details = error.details ?? null;
  }
}

/** `/v1/portal/licenses/{id}` with each parameter percent-encoded (ids come from the API, but still). */
const licensePath = (id, ...rest) => ["/v1/portal/licenses", id, ...rest].map((p, i) => (i === 0 ? p : encodeURIComponent(p))).join("/");

/**
 * @param {string} method
 * @param {string} url
 * @param {{ token?: string | null, body?: unknown, onUnauthorized?: (error: PortalError) => void }} options
 * @returns {Promise<any>} the answer's JSON, null for 204
 */
async function request(method, url, { token = null, body, onUnauthorized } = {}) {
  /** @type {Record<string, string>} */
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "omit", cache: "no-store" });
  } catch {
    throw new PortalError(0, { message: "We could not reach the service. Check your internet connection and try again." });
  }
  if (res.status === 204) return null;
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (a proxy's error page): reported by its status below.
  }
  if (!res.ok) {
    const error = new PortalError(res.status, data?.error || {});
    // A 401 with a credential means the session is over (idle, revoked, signed out elsewhere).
    if (res.status === 401 && token && onUnauthorized) onUnauthorized(error);
    throw error;
  }
  return data;
}

/**
 * Trades a link's one-time code for a portal credential; a used or expired code is a 401.
 * @param {string} code
 * @returns {Promise<Schema<"PortalExchangeResponse">>}
 */
export const exchangeCode = (code) => request("POST", "/v1/portal/exchange", { body: { code } });

/**
 * The portal's calls, each sent with `token()`; any 401 calls `onEnded` (the session is over).
 * @param {() => string | null} token
 * @param {(error: PortalError) => void} onEnded
 */
export function createPortalApi(token, onEnded) {
  const call = (method, url, body = undefined) => request(method, url, { token: token(), body, onUnauthorized: onEnded });
  return {
    /** @returns {Promise<Schema<"PortalOverview">>} */
    me: () => call("GET", "/v1/portal/me"),
    /** @returns {Promise<Schema<"PortalLicense">>} */
    license: (/** @type {string} */ id) => call("GET", licensePath(id)),
    /** @returns {Promise<Schema<"PortalDevice">>} */
    freeDevice: (/** @type {string} */ id, /** @type {string} */ activationId) => call("DELETE", licensePath(id, "activations", activationId)),
    /** @returns {Promise<Schema<"PortalSeat">>} */
    releaseSeat: (/** @type {string} */ id, /** @type {string} */ leaseId) => call("DELETE", licensePath(id, "leases", leaseId)),
    /**
     * A license file, or with an activation id that device's machine file.
     * @param {string} id
     * @param {string} [activationId]
     * @returns {Promise<Schema<"LicenseFile">>}
     */
    checkout: (id, activationId) =>
      call("POST", licensePath(id, "checkout"), /** @type {Schema<"PortalCheckoutRequest">} */ (activationId ? { activation_id: activationId } : {})),
    /** @returns {Promise<Schema<"PortalOfflineActivationResponse">>} */
    offlineActivate: (/** @type {string} */ id, /** @type {string} */ requestText) =>
      call("POST", licensePath(id, "offline-activations"), /** @type {Schema<"PortalOfflineActivationRequest">} */ ({ request: requestText })),
    /** @returns {Promise<Schema<"PortalUsers">>} */
    users: () => call("GET", "/v1/portal/users"),
    /** @returns {Promise<Schema<"PortalUser">>} */
    addUser: (/** @type {Schema<"CreatePortalUserRequest">} */ user) => call("POST", "/v1/portal/users", user),
    /** @returns {Promise<null>} */
    removeUser: (/** @type {string} */ userId) => call("DELETE", ["/v1/portal/users", encodeURIComponent(userId)].join("/")),
    /** @returns {Promise<Schema<"PortalHolders">>} */
    holders: (/** @type {string} */ id) => call("GET", licensePath(id, "users")),
    /** @returns {Promise<Schema<"PortalHolders">>} */
    giveSeat: (/** @type {string} */ id, /** @type {string} */ userId) => call("PUT", licensePath(id, "users", userId)),
    /** @returns {Promise<Schema<"PortalHolders">>} */
    takeSeat: (/** @type {string} */ id, /** @type {string} */ userId) => call("DELETE", licensePath(id, "users", userId)),
    /** A new key for the license, shown once (customer admins). @returns {Promise<Schema<"PortalLicenseKey">>} */
    newKey: (/** @type {string} */ id) => call("POST", licensePath(id, "key")),
    /** @returns {Promise<null>} */
    signOut: () => call("DELETE", "/v1/portal/session"),
  };
}

/** @typedef {ReturnType<typeof createPortalApi>} PortalApi */
