// Who is signed in: the credential (an API key, or the 24 h access token a user token was
// exchanged for), held in each console tab's sessionStorage only, and what it may do
// (GET /v1/auth/whoami). A new tab gets it from an open one (lib/tabs.js). Signing out (in any
// tab), closing the tab or a 401 forgets it.
import { ApiError, createApi } from "./api.js";

const STORAGE_KEY = "license-console.session";
const USER_TOKEN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** @typedef {{ token: string, via: "api_key" | "user_token" | "access_token", me: import("./api.js").Schema<"WhoAmI">, tenantName: string | null }} Session */
/** @typedef {Session["me"]["credential"]["permissions"][number]} Permission */

/**
 * A session as stored or as another tab handed it over, if it is one and has not expired.
 * @param {unknown} value
 * @returns {Session | null}
 */
export function usableSession(value) {
  const saved = /** @type {Session | null} */ (value);
  if (!saved || typeof saved !== "object" || typeof saved.token !== "string" || !Array.isArray(saved.me?.credential?.permissions)) return null;
  const expires = saved.me.credential.expires_at;
  if (expires && Date.parse(expires) <= Date.now()) return null;
  return saved;
}

/** @returns {Session | null} */
export function loadSession() {
  try {
    return usableSession(JSON.parse(sessionStorage.getItem(STORAGE_KEY) || "null"));
  } catch {
    return null;
  }
}

export function saveSession(session) {
  if (session) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(STORAGE_KEY);
}

/**
 * Signs in with what the seller pasted: an API key (`sk_`), an access token (`at_`) or a user
 * token (a UUID, exchanged at POST /v1/auth/token). Throws ApiError with the service's message.
 * @returns {Promise<Session>}
 */
export async function signIn(secret) {
  const value = secret.trim();
  if (!value) throw new ApiError(400, { code: "VALIDATION_FAILED", message: "Paste an API key or a user token." });
  let token = value;
  /** @type {Session["via"]} */
  let via = value.startsWith("at_") ? "access_token" : "api_key";
  if (USER_TOKEN.test(value)) {
    const anonymous = createApi(
      () => null,
      () => {},
    );
    const issued = await anonymous.post("/v1/auth/token", { user_token: value });
    token = issued.access_token;
    via = "user_token";
  } else if (!/^(sk|at)_/.test(value)) {
    throw new ApiError(400, { code: "VALIDATION_FAILED", message: "That is not an API key (sk_…), an access token (at_…) or a user token (a UUID)." });
  }
  const api = createApi(
    () => token,
    () => {},
  );
  const me = await api.get("/v1/auth/whoami");
  let tenantName = null;
  if (me.credential.permissions.includes("tenants:read")) tenantName = (await api.get("/v1/tenant")).name;
  return { token, via, me, tenantName };
}

/**
 * Whether the session's credential holds a permission.
 * @param {Session | null} session
 * @param {Permission} permission
 */
export const can = (session, permission) => Boolean(session?.me?.credential?.permissions?.includes(permission));
