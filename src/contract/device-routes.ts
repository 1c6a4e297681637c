// The routes installed apps call with a license key, written once: the request scope gives them
// the public database budget (they give up first, so an app at startup is not held up by an
// outage) and the CORS middleware answers `CORS_ORIGINS` on them. Status lists and introspection
// fail fast too. (The operations issue replaces this list with each operation's declared audience.)

/** Public license routes: validate, verify, activation, checkout and the floating-seat routes. */
export const DEVICE_ROUTE =
  /^\/v1\/licenses\/(validate|verify|validate-hardware|activate|deactivate|heartbeat|checkout|leases(\/[^/]+(\/(heartbeat|borrow))?)?)$/;

/** Routes with the public database budget: the device routes, the server hot paths and status lists. */
const FAST_FAIL_ROUTE = /^\/v1\/(licenses\/(introspect|revoke-token)|status-lists\/[^/]+)$/;

export const isDeviceRoute = (path: string) => DEVICE_ROUTE.test(path);
export const usesPublicBudget = (path: string) => DEVICE_ROUTE.test(path) || FAST_FAIL_ROUTE.test(path);
