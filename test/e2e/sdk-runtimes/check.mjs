// The SDK's cross-runtime test: one file, run unchanged on Node, Deno, Bun, Chromium and workerd
// against the packed tarball installed into an empty project (see ../sdk-runtimes.test.ts). It
// imports only the SDK and uses only what every runtime has (fetch, WebCrypto, atob/btoa, JSON),
// so what passes here is what an integrator gets. `fixtures` come from a running service: a real
// token and its JWKS, a forged token, and a real webhook delivery as the receiver saw it.
import {
  ClaimInvalid,
  createLicenseClient,
  createLicenseVerifier,
  createOfflineLicense,
  LICENSE_TOKEN_ERROR_CODES,
  LicenseClientError,
  LicenseTokenError,
  memoryTokenStore,
  NetworkError,
  SignatureInvalid,
  verifyWebhook,
  WebhookSignatureInvalid,
  WebhookVerificationError,
} from "@edge-license/sdk";

/** Runs `fn`; "ok" when it returns true, else what went wrong (a result, or the thrown error). */
async function outcome(fn) {
  try {
    const result = await fn();
    return result === true ? "ok" : `unexpected: ${JSON.stringify(result)}`;
  } catch (err) {
    return `threw ${err?.name}: ${err?.code ?? ""} ${err?.message}`;
  }
}

/** Expects `fn` to throw an instance of `Class` whose `code` is the class's own static `code`. */
async function refused(fn, Class, Base) {
  try {
    const result = await fn();
    return `accepted: ${JSON.stringify(result).slice(0, 120)}`;
  } catch (err) {
    if (!(err instanceof Class) || !(err instanceof Base)) return `wrong error ${err?.name}: ${err?.code} ${err?.message}`;
    return err.code === Class.code ? "ok" : `code ${err.code}, expected ${Class.code}`;
  }
}

const b64url = {
  decode: (s) => atob(s.replace(/-/g, "+").replace(/_/g, "/")),
  encode: (s) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""),
};

/** The real token with one claim changed and its signature kept: what a cracker tries first. */
function withPayload(token, change) {
  const [header, payload, signature] = token.split(".");
  const claims = JSON.parse(b64url.decode(payload));
  return [header, b64url.encode(JSON.stringify(change(claims))), signature].join(".");
}

/** Every check, by name, with its outcome ("ok" or why not). */
export async function check(f) {
  const pinned = createLicenseVerifier({ issuer: f.issuer, jwks: f.jwks, audience: f.applicationId });
  const remote = createLicenseVerifier({ issuer: f.issuer, jwksUri: f.jwksUri, audience: f.applicationId });
  const client = createLicenseClient({ baseUrl: f.baseUrl, timeoutMs: 10_000, retries: 1 });
  const request = { licenseKey: f.licenseKey, fingerprint: f.fingerprint };
  const results = {};

  results["pinned keys: the service's token verifies, with its claims"] = await outcome(async () => {
    const claims = await pinned.verify(f.token, { fingerprint: f.fingerprint });
    return claims.sub === f.licenseId && claims.aud === f.applicationId && claims.features.join() === f.features.join() && claims.hw_bound === true;
  });
  results["pinned keys: a token forged with another key under a published kid is refused"] = await refused(
    () => pinned.verify(f.forged),
    SignatureInvalid,
    LicenseTokenError,
  );
  results["pinned keys: the real token with a changed claim is refused"] = await refused(
    () => pinned.verify(withPayload(f.token, (c) => ({ ...c, features: [...c.features, "everything"] }))),
    SignatureInvalid,
    LicenseTokenError,
  );
  results["pinned keys: the token is refused on another device"] = await refused(
    () => pinned.verify(f.token, { fingerprint: "someone-elses-machine" }),
    ClaimInvalid,
    LicenseTokenError,
  );
  results["error codes: one class per code, all listed"] = await outcome(
    () =>
      LICENSE_TOKEN_ERROR_CODES.length === 11 && SignatureInvalid.code === "ERR_SIGNATURE_INVALID" && new SignatureInvalid("x") instanceof LicenseTokenError,
  );
  results["remote keys: the token verifies with the key set fetched from the service"] = await outcome(
    async () => (await remote.verify(f.token)).jti === f.tokenId,
  );
  results["remote keys: a token for another application is refused"] = await refused(
    () => createLicenseVerifier({ issuer: f.issuer, jwksUri: f.jwksUri, audience: "app_someone_else" }).verify(f.token),
    ClaimInvalid,
    LicenseTokenError,
  );
  results["audience: a verifier without one is a TypeError (every seller's tokens share the keys)"] = await outcome(async () => {
    try {
      createLicenseVerifier({ issuer: f.issuer, jwks: f.jwks });
      return "created";
    } catch (err) {
      return err instanceof TypeError && /audience/.test(err.message);
    }
  });
  results["webhook: the service's delivery verifies"] = await outcome(async () => {
    const event = await verifyWebhook(f.webhook.secret, f.webhook.headers, f.webhook.body, { now: new Date(f.webhook.receivedAt) });
    return event.type === f.webhook.type && event.data.id === f.licenseId;
  });
  results["webhook: the delivery with an altered body is refused"] = await refused(
    () => verifyWebhook(f.webhook.secret, f.webhook.headers, f.webhook.body.replace(f.licenseId, "lic_other"), { now: new Date(f.webhook.receivedAt) }),
    WebhookSignatureInvalid,
    WebhookVerificationError,
  );
  results["client: verify answers a token that verifies here"] = await outcome(async () => {
    const answer = await client.verify(request);
    if (!answer.valid || answer.code !== "VALID") return answer;
    return (await pinned.verify(answer.license_token, { fingerprint: f.fingerprint })).sub === f.licenseId;
  });
  results["client: an unknown key is not valid"] = await outcome(async () => {
    const answer = await client.validate({ licenseKey: f.unknownKey });
    return answer.valid === false && answer.code === "NOT_FOUND";
  });
  // Introspection takes an API key: server-side only. A page's origin may call the public routes
  // (CORS_ORIGINS) but not this one, so a browser refuses to send it.
  const inBrowser = typeof document !== "undefined";
  results["server side: introspection says the token is live (a browser may not call it)"] = inBrowser
    ? await refused(() => createLicenseClient({ baseUrl: f.baseUrl, apiKey: f.apiKey, retries: 0 }).introspect(f.token), NetworkError, LicenseClientError)
    : await outcome(async () => {
        const answer = await createLicenseClient({ baseUrl: f.baseUrl, apiKey: f.apiKey }).introspect(f.token);
        return answer.active === true && answer.sub === f.licenseId && answer.status === "active";
      });
  results["offline-first: with the service unreachable the kept token is accepted until exp"] = await outcome(async () => {
    const store = memoryTokenStore();
    const online = createOfflineLicense({ client, verifier: pinned, store, request });
    const first = await online.check();
    if (!first.valid || first.source !== "online") return first;
    const unreachable = createLicenseClient({ baseUrl: f.unreachableUrl, timeoutMs: 2_000, retries: 0 });
    const offline = createOfflineLicense({ client: unreachable, verifier: pinned, store, request });
    const kept = await offline.check();
    const afterExp = await offline.check(new Date((first.claims.exp + 120) * 1000));
    return kept.valid === true && kept.source === "cached" && afterExp.valid === false && afterExp.code === "UNREACHABLE_NO_VALID_TOKEN";
  });
  return results;
}
