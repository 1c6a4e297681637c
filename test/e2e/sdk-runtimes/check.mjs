// The SDK's cross-runtime test: one file, run unchanged on Node, Deno, Bun, Chromium and workerd
// against the packed tarball installed into an empty project (see ../sdk-runtimes.test.ts). It
// imports only the SDK and uses only what every runtime has (fetch, WebCrypto, atob/btoa, JSON),
// so what passes here is what an integrator gets. `fixtures` come from a running service: a real
// token and its JWKS, a forged token, a real webhook delivery as the receiver saw it, and a license
// whose policy requires device keys (DPoP), which each runtime activates with a key of its own.
import {
  ClaimInvalid,
  createDeviceKey,
  createLicenseClient,
  createLicenseVerifier,
  createOfflineLicense,
  DeviceKeyMismatch,
  deviceKeyThumbprint,
  FileDeviceKeyMismatch,
  fileKeyStore,
  indexedDbKeyStore,
  LICENSE_TOKEN_ERROR_CODES,
  LicenseClientError,
  LicenseFileError,
  LicenseTokenError,
  loadOrCreateDeviceKey,
  memoryKeyStore,
  memoryTokenStore,
  NetworkError,
  RequestRefused,
  SignatureInvalid,
  verifyLicenseFile,
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

/** Expects `fn` to be refused by the service with HTTP `status` and the API error `code`. */
async function refusedBy(fn, status, code) {
  try {
    const result = await fn();
    return `accepted: ${JSON.stringify(result).slice(0, 120)}`;
  } catch (err) {
    if (!(err instanceof RequestRefused)) return `wrong error ${err?.name}: ${err?.code} ${err?.message}`;
    return err.status === status && err.code === code ? "ok" : `HTTP ${err.status} ${err.code}, expected ${status} ${code}`;
  }
}

/** `true` when every fact holds, else the facts (what the check reports). */
const all = (facts) => Object.values(facts).every((fact) => fact === true) || facts;

/**
 * Where this runtime keeps a device key, as an app on it would: IndexedDB in a browser (the
 * CryptoKey itself, never exported), memory in a Worker (no disk), a 0600 file on Node, Deno, Bun.
 */
function deviceKeyPlace(id) {
  if (typeof indexedDB !== "undefined") return { kind: "indexeddb", store: () => indexedDbKeyStore(`sdk-check-${id}`) };
  if (globalThis.navigator?.userAgent === "Cloudflare-Workers") {
    const kept = memoryKeyStore();
    return { kind: "memory", store: () => kept };
  }
  const path = `device-key-${id}.json`;
  return { kind: "file", path, store: () => fileKeyStore(path) };
}

// In a variable, so a bundler leaves it alone: only the runtimes with a file system run it.
const NODE_FS = "node:fs/promises";

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
      LICENSE_TOKEN_ERROR_CODES.length === 12 && SignatureInvalid.code === "ERR_SIGNATURE_INVALID" && new SignatureInvalid("x") instanceof LicenseTokenError,
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
  Object.assign(results, await deviceKeyChecks(f, pinned, client));
  return results;
}

/** Device-bound licenses (DPoP, RFC 9449): a key kept as this runtime keeps it, proofs, `cnf.jkt`. */
async function deviceKeyChecks(f, pinned, keyless) {
  const results = {};
  const id = crypto.randomUUID();
  const place = deviceKeyPlace(id);
  // This run's own device: every runtime activates the same license with a key of its own.
  const device = { licenseKey: f.dpop.licenseKey, fingerprint: `device-${id}` };
  let deviceKey;
  let jkt;
  results["device key: created and kept as this runtime keeps it, loaded back the same, its private key not extractable"] = await outcome(async () => {
    const created = await loadOrCreateDeviceKey(place.store());
    deviceKey = await loadOrCreateDeviceKey(place.store());
    jkt = await deviceKeyThumbprint(deviceKey);
    const facts = { sameKey: jkt === (await deviceKeyThumbprint(created)), notExtractable: deviceKey.privateKey.extractable === false };
    if (place.kind === "file") facts.mode0600 = ((await (await import(NODE_FS)).stat(place.path)).mode & 0o777) === 0o600;
    return all(facts);
  });
  const client = createLicenseClient({ baseUrl: f.baseUrl, timeoutMs: 10_000, retries: 1, deviceKey });
  results["device key: activate with a proof binds the activation to the key's thumbprint"] = await outcome(async () => {
    const { activation } = await client.activate({ ...device, name: place.kind });
    return activation.dpop_jkt === jkt || { dpop_jkt: activation.dpop_jkt, jkt };
  });
  let token;
  results["device key: verify with a proof answers a token bound to the key (cnf.jkt), which the verifier given the key accepts"] = await outcome(async () => {
    const answer = await client.verify(device);
    if (!answer.valid) return answer;
    token = answer.license_token;
    const claims = await pinned.verify(token, { fingerprint: device.fingerprint, deviceKey });
    return claims.cnf?.jkt === jkt || { cnf: claims.cnf, jkt };
  });
  results["device key: the token is refused by a verifier given another device's key"] = await refused(
    async () => pinned.verify(token, { fingerprint: device.fingerprint, deviceKey: await createDeviceKey() }),
    DeviceKeyMismatch,
    LicenseTokenError,
  );
  results["device key: the service refuses the device's request without a proof"] = await refusedBy(() => keyless.verify(device), 401, "DPOP_PROOF_MISSING");
  results["device key: the service refuses another key's proof for the same fingerprint"] = await refusedBy(
    async () => createLicenseClient({ baseUrl: f.baseUrl, retries: 0, deviceKey: await createDeviceKey() }).verify(device),
    401,
    "DPOP_KEY_MISMATCH",
  );
  let file;
  const fileOptions = { jwks: f.jwks, issuer: f.issuer, audience: f.applicationId, fingerprint: device.fingerprint };
  results["device key: a machine file checked out with a proof is bound to the key and verifies with it"] = await outcome(async () => {
    file = (await client.checkout(device)).license_file;
    const { claims, machine } = await verifyLicenseFile(file, { ...fileOptions, deviceKey });
    return all({ machine, bound: claims.cnf?.jkt === jkt });
  });
  results["device key: the machine file copied to a device with another key (same fingerprint) is refused"] = await refused(
    async () => verifyLicenseFile(file, { ...fileOptions, deviceKey: await createDeviceKey() }),
    FileDeviceKeyMismatch,
    LicenseFileError,
  );
  return results;
}
