// The console's only way to the service: the public API on this origin, with the signed-in
// credential as a Bearer header (no cookies, so no CSRF surface). Failures become ApiError with
// the envelope's code, message and request id, which every screen shows as they are.

export class ApiError extends Error {
  /**
   * @param {number} status HTTP status, 0 when the service could not be reached
   * @param {{ code?: string, message?: string, request_id?: string, details?: unknown }} error
   */
  constructor(status, error) {
    super(error.message || `The service answered HTTP ${status}.`);
    this.status = status;
    this.code = error.code || (status ? `HTTP_${status}` : "NETWORK_ERROR");
    this.requestId = error.request_id || null;
    this.details = error.details;
  }
}

/** A query string from an object, leaving out empty values. */
export function query(params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

/**
 * @param {() => string | null} token the credential to send
 * @param {(error: ApiError) => void} onUnauthorized called on any 401 (the session is over)
 */
export function createApi(token, onUnauthorized) {
  async function request(method, path, body) {
    const headers = { Accept: "application/json" };
    const credential = token();
    if (credential) headers.Authorization = `Bearer ${credential}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let res;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "omit", cache: "no-store" });
    } catch {
      throw new ApiError(0, { message: "Could not reach the service. Check the connection and try again." });
    }
    if (res.status === 204) return null;
    const text = await res.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (a proxy's error page): reported by status below.
    }
    if (!res.ok) {
      const error = new ApiError(res.status, data?.error || {});
      if (res.status === 401 && credential) onUnauthorized(error);
      throw error;
    }
    return data;
  }
  return {
    get: (path, params) => request("GET", path + query(params)),
    post: (path, body = {}) => request("POST", path, body),
    patch: (path, body) => request("PATCH", path, body),
    put: (path, body) => request("PUT", path, body),
    del: (path) => request("DELETE", path),
  };
}
