// The console's only way to the service: the public API on this origin, with the signed-in
// credential as a Bearer header (no cookies, so no CSRF surface). Failures become ApiError with
// the envelope's code, message and request id, which every screen shows as they are.
//
// Calls are typed by the service's OpenAPI document (packages/admin/src/schema.ts, generated from
// it and kept equal to it by a test), in JSDoc only, so the browser still loads this file as it is:
// `api.get("/v1/licenses", { status })` and `api.post(path("/v1/licenses/{id}/renew", { id }), body)`
// name an operation's path template, and the compiler checks its path parameters, query, request
// body and the answer's fields against the document.

/** @typedef {import("../../../packages/admin/src/schema.js").paths} Paths */
/** @typedef {"get" | "post" | "patch" | "put" | "delete"} Method */

/**
 * A schema of the API by its name in the document: `Schema<"License">`.
 * @template {keyof import("../../../packages/admin/src/schema.js").components["schemas"]} Name
 * @typedef {import("../../../packages/admin/src/schema.js").components["schemas"][Name]} Schema
 */

/**
 * The path templates (`/v1/licenses/{id}`) that have an operation for method `M`.
 * @template {Method} M
 * @typedef {{ [P in keyof Paths]: Paths[P] extends Record<M, object> ? P : never }[keyof Paths]} Template
 */

/**
 * The templates without path parameters: a call names them as they are.
 * @typedef {Exclude<keyof Paths, `${string}{${string}`>} PlainTemplate
 */

/**
 * The path parameters a template names: `{ id: string, activation_id: string }`.
 * @template {string} T
 * @typedef {T extends `${string}{${infer Name}}${infer Rest}` ? Record<Name, string> & PathParams<Rest> : {}} PathParams
 */

/**
 * A URL made by path(): a string that carries its template in its type only (there is no such
 * property at run time), so a call knows the operation it is for.
 * @template {keyof Paths} P
 * @typedef {string & { readonly template: P }} Path
 */

/**
 * What a call takes as its URL: a template without parameters as it is, any other through path().
 * @template {keyof Paths} P
 * @typedef {Path<P> | (P & PlainTemplate)} Target
 */

/**
 * The operation at template `P` for method `M`, as the document declares it.
 * @template {keyof Paths} P
 * @template {Method} M
 * @typedef {Paths[P][M]} Operation
 */

/**
 * The JSON body of the operation's 2xx answer; null for 204, as request() answers then.
 * @template {keyof Paths} P
 * @template {Method} M
 * @typedef {Operation<P, M> extends { responses: infer R }
 *   ? { [S in keyof R]: `${S & number}` extends `2${string}` ? (R[S] extends { content: { "application/json": infer B } } ? B : null) : never }[keyof R]
 *   : never} Answer
 */

/**
 * The operation's query parameters (never when it takes none).
 * @template {keyof Paths} P
 * @template {Method} M
 * @typedef {Operation<P, M> extends { parameters: { query?: infer Q } } ? Q : never} Query
 */

/**
 * The operation's JSON request body (never when it takes none).
 * @template {keyof Paths} P
 * @template {Method} M
 * @typedef {Operation<P, M> extends { requestBody?: infer R } ? (R extends { content: { "application/json": infer B } } ? B : never) : never} Body
 */

/**
 * The body argument: required when the operation requires a body, else optional.
 * @template {keyof Paths} P
 * @template {Method} M
 * @typedef {Operation<P, M> extends { requestBody: unknown } ? [body: Body<P, M>] : [body?: Body<P, M>]} BodyArgs
 */

/**
 * The client createApi() makes, as screens get it from the app context.
 * @typedef {ReturnType<typeof createApi>} Api
 */

/**
 * A URL from a path template, each parameter percent-encoded:
 * `path("/v1/licenses/{id}/activations/{activation_id}", { id, activation_id })`.
 * @template {keyof Paths} P
 * @param {P} template
 * @param {PathParams<P>} params
 * @returns {Path<P>}
 */
export function path(template, params) {
  return /** @type {Path<P>} */ (template.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(params[name])));
}

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
  /** @returns {Promise<any>} the answer's JSON, null for 204 */
  async function request(method, url, body) {
    const headers = { Accept: "application/json" };
    const credential = token();
    if (credential) headers.Authorization = `Bearer ${credential}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let res;
    try {
      res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "omit", cache: "no-store" });
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
    /** @type {<P extends Template<"get">>(url: Target<P>, params?: Query<P, "get">) => Promise<Answer<P, "get">>} */
    get: (url, params) => request("GET", url + query(params)),
    /** @type {<P extends Template<"post">>(url: Target<P>, ...body: BodyArgs<P, "post">) => Promise<Answer<P, "post">>} */
    post: (url, body = {}) => request("POST", url, body),
    /** @type {<P extends Template<"patch">>(url: Target<P>, body: Body<P, "patch">) => Promise<Answer<P, "patch">>} */
    patch: (url, body) => request("PATCH", url, body),
    /** @type {<P extends Template<"put">>(url: Target<P>, body: Body<P, "put">) => Promise<Answer<P, "put">>} */
    put: (url, body) => request("PUT", url, body),
    /** @type {<P extends Template<"delete">>(url: Target<P>) => Promise<Answer<P, "delete">>} */
    del: (url) => request("DELETE", url),
  };
}
