// Bad input on the activation routes and license metadata: refused with the error envelope, and
// nothing written (activation rows counted in Postgres before and after).

import { count, eq } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { licenses } from "../../src/db/schema";
import { call, createTenant, expectError, json, type TestTenant, withDb } from "../harness";
import { type AdminLicense, activate, createPolicy, licenseRow, newLicense, type SeatState, seatState } from "./helpers";

let tenant: TestTenant;
let license: AdminLicense;
let before: SeatState;

beforeAll(async () => {
  tenant = await createTenant("activations input");
  license = await newLicense(tenant, { max_activations: 100 });
  // One live activation, so deactivate and heartbeat have something a bad request could touch.
  expect((await activate(license.key, "existing-device")).status).toBe(201);
});
beforeEach(async () => {
  before = await seatState(license.id);
});
const nothingWritten = async () => expect(await seatState(license.id)).toEqual(before);

/** Nested objects: depth 1 is `{ k: 1 }`. */
const nested = (depth: number): Record<string, unknown> => (depth <= 1 ? { leaf: 1 } : { level: nested(depth - 1) });
const manyKeys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));

describe("fingerprint size", () => {
  it("513 characters answers 422 on every route that takes one, and nothing is written", async () => {
    const fp = "f".repeat(513);
    await expectError(await activate(license.key, fp), 422, "VALIDATION_FAILED");
    await expectError(await call("/v1/licenses/deactivate", { body: { license_key: license.key, fingerprint: fp } }), 422, "VALIDATION_FAILED");
    await expectError(await call("/v1/licenses/heartbeat", { body: { license_key: license.key, fingerprint: fp } }), 422, "VALIDATION_FAILED");
    await expectError(await call("/v1/licenses/validate", { body: { license_key: license.key, fingerprint: fp } }), 422, "VALIDATION_FAILED");
    await expectError(await call("/v1/licenses/validate-hardware", { body: { license_key: license.key, hwuid: fp } }), 422, "VALIDATION_FAILED");
    await nothingWritten();
  });

  it("512 characters is accepted, however incompressible (the unique index holds it: no 500)", async () => {
    // 512 random characters from U+0800..U+FFFF (3 bytes each in UTF-8, surrogates skipped):
    // 1.5 KB that Postgres cannot compress, the worst case for the live-fingerprint index.
    const codes = Array.from(crypto.getRandomValues(new Uint16Array(512)), (n) => 0x800 + (n % (0xd800 - 0x800)));
    const res = await activate(license.key, String.fromCharCode(...codes));
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await seatState(license.id)).toMatchObject({ live: before.live + 1, stored: before.stored + 1 });
  });
});

describe("metadata limits", () => {
  it("4 levels deep is accepted; 5 is refused (422, nothing written)", async () => {
    const ok = await activate(license.key, "depth-4", { metadata: nested(4) });
    expect(ok.status, await ok.clone().text()).toBe(201);
    expect((await json(ok)).activation.metadata).toEqual(nested(4));
    before = await seatState(license.id);

    await expectError(await activate(license.key, "depth-5", { metadata: nested(5) }), 422, "VALIDATION_FAILED");
    await expectError(await activate(license.key, "depth-5-arrays", { metadata: { a: [[[[1]]]] } }), 422, "VALIDATION_FAILED");
    await expectError(await activate(license.key, "depth-10", { metadata: nested(10) }), 422, "VALIDATION_FAILED");
    await nothingWritten();
  });

  it("64 keys in total is accepted; 65 is refused, top-level or nested (422, nothing written)", async () => {
    const ok = await activate(license.key, "keys-64", { metadata: manyKeys(64) });
    expect(ok.status, await ok.clone().text()).toBe(201);
    before = await seatState(license.id);

    await expectError(await activate(license.key, "keys-65", { metadata: manyKeys(65) }), 422, "VALIDATION_FAILED");
    // 2 top-level keys + 63 nested = 65.
    await expectError(await activate(license.key, "keys-65-nested", { metadata: { a: manyKeys(63), b: 1 } }), 422, "VALIDATION_FAILED");
    await expectError(await activate(license.key, "keys-spread", { metadata: { a: manyKeys(30), b: manyKeys(30), c: manyKeys(5) } }), 422, "VALIDATION_FAILED");
    await nothingWritten();
  });

  it("metadata over 16 KB is refused before parsing by the 16 KB body limit (413, nothing written)", async () => {
    // The whole request body is capped at 16 KB, so oversized metadata never reaches the schema.
    const metadata = { blob: "x".repeat(16 * 1024) };
    await expectError(await activate(license.key, "too-big", { metadata }), 413, "PAYLOAD_TOO_LARGE");
    await nothingWritten();
  });

  it("metadata whose JSON exceeds 16 KB is refused even when the request body is smaller (422)", async () => {
    // `1e21` is 4 bytes in the request but serialises as `1e+21`: the metadata's own size is
    // checked, not just the body's.
    const numbers = Array.from({ length: 2800 }, () => "1e21").join(",");
    const rawBody = `{"license_key":"${license.key}","fingerprint":"sneaky","metadata":{"n":[${numbers}]}}`;
    expect(rawBody.length).toBeLessThan(16 * 1024);
    const res = await call("/v1/licenses/activate", { rawBody, method: "POST", headers: { "Content-Type": "application/json" } });
    await expectError(res, 422, "VALIDATION_FAILED");
    await nothingWritten();
  });

  it("a request with every field at its limit that fits the 16 KB body is accepted (512-char fingerprint, 11 KB metadata, 200-char name)", async () => {
    const res = await activate(license.key, "h".repeat(512), {
      name: "n".repeat(200),
      metadata: { blob: "m".repeat(11 * 1024) },
    });
    expect(res.status, (await res.clone().text()).slice(0, 300)).toBe(201);
  });

  it("refuses metadata keys over 128 characters (422)", async () => {
    await expectError(await activate(license.key, "long-key", { metadata: { ["k".repeat(129)]: 1 } }), 422, "VALIDATION_FAILED");
    await nothingWritten();
  });

  it("applies the same limits to license metadata on create and PATCH", async () => {
    const policy = await createPolicy(tenant);
    const countLicenses = () => withDb(async (db) => (await db.select({ n: count() }).from(licenses).where(eq(licenses.tenantId, tenant.tenantId)))[0]!.n);
    const licensesBefore = await countLicenses();
    for (const metadata of [nested(5), manyKeys(65)]) {
      await expectError(await call("/v1/licenses", { token: tenant.apiKey, body: { policy_id: policy.id, metadata } }), 422, "VALIDATION_FAILED");
    }
    expect(await countLicenses()).toBe(licensesBefore);

    const row = await licenseRow(license.id);
    for (const metadata of [nested(5), manyKeys(65), [1, 2], "text"]) {
      await expectError(await call(`/v1/licenses/${license.id}`, { token: tenant.apiKey, method: "PATCH", body: { metadata } }), 422, "VALIDATION_FAILED");
    }
    expect(await licenseRow(license.id)).toEqual(row);
  });
});

describe("wrong types and shapes", () => {
  const cases: [string, Record<string, unknown>][] = [
    ["fingerprint as a number", { fingerprint: 12345 }],
    ["fingerprint null", { fingerprint: null }],
    ["fingerprint empty", { fingerprint: "" }],
    ["fingerprint as an object", { fingerprint: { id: "x" } }],
    ["license_key as a number", { license_key: 42 }],
    ["license_key missing", { license_key: undefined }],
    ["name as a number", { name: 7 }],
    ["name empty", { name: "" }],
    ["name over 200 characters", { name: "n".repeat(201) }],
    ["domain as a number", { domain: 42 }],
    ["domain over 253 characters", { domain: `${"a".repeat(250)}.com` }],
    ["metadata as an array", { metadata: [1, 2, 3] }],
    ["metadata as a string", { metadata: "{}" }],
    ["metadata null", { metadata: null }],
    ["an unknown field", { seats: 99 }],
  ];

  it.each(cases)("%s answers 422 and writes nothing", async (_name, override) => {
    const body = { license_key: license.key, fingerprint: "typed-device", ...override };
    const res = await call("/v1/licenses/activate", { body });
    const error = await expectError(res, 422, "VALIDATION_FAILED");
    expect(error.details).toEqual(expect.any(Array));
    await nothingWritten();
  });

  it("a JSON array or string body answers 422", async () => {
    for (const body of [[license.key, "x"], "x", 1]) {
      await expectError(await call("/v1/licenses/activate", { body }), 422, "VALIDATION_FAILED");
    }
    await nothingWritten();
  });

  it("malformed JSON answers 400 INVALID_JSON; a non-JSON content type answers 415", async () => {
    await expectError(
      await call("/v1/licenses/activate", {
        method: "POST",
        rawBody: `{"license_key": "${license.key}", "fingerprint": `,
        headers: { "Content-Type": "application/json" },
      }),
      400,
      "INVALID_JSON",
    );
    await expectError(
      await call("/v1/licenses/activate", {
        method: "POST",
        rawBody: JSON.stringify({ license_key: license.key, fingerprint: "x" }),
        headers: { "Content-Type": "text/plain" },
      }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );
    await nothingWritten();
  });

  it("an unknown or malformed license key answers 404 LICENSE_NOT_FOUND alike", async () => {
    const unknown = await expectError(await activate(`lk_${"A".repeat(40)}`, "device"), 404, "LICENSE_NOT_FOUND");
    const malformed = await expectError(await activate("lk_' OR 1=1 --", "device"), 404, "LICENSE_NOT_FOUND");
    expect(unknown.message).toBe(malformed.message);
    await nothingWritten();
  });

  it("a NUL byte in the fingerprint is refused as a client error, never a 500", async () => {
    await expectError(await activate(license.key, "bad\u0000device"), 422, "VALIDATION_FAILED");
    await nothingWritten();
  });

  it("a lone UTF-16 surrogate in the fingerprint is refused (it would collide with U+FFFD)", async () => {
    const error = await expectError(await activate(license.key, "device-\ud800"), 422, "VALIDATION_FAILED");
    expect(error.details).toEqual([{ path: "fingerprint", message: "Contains a lone UTF-16 surrogate; send well-formed Unicode." }]);
    await expectError(await activate(license.key, "device-\udc00"), 422, "VALIDATION_FAILED");
    await nothingWritten();
    // A paired surrogate (an emoji) is well-formed text and is accepted.
    expect((await activate(license.key, "device-\ud83d\ude00")).status).toBe(201);
    before = await seatState(license.id);
  });
});
