// Air-gapped activation: the SDK writes a request on a device that never reaches the service, the
// seller uploads it, the device imports the machine file; seats stay exact under concurrent
// uploads, a re-upload takes no second seat, forged and altered requests are refused, and a
// removal proof frees the seat.
import { createActivationRequest, createDeactivationProof, unarmor, verifyLicenseFile } from "@edge-license/sdk";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, webhookEvents } from "../../src/db/schema";
import { call, createTenant, expectError, insertApiKey, json, type TestTenant, withDb } from "../harness";
import { pinnedJwks, type Sold, sell } from "../license-files/helpers";

let tenant: TestTenant;
let jwks: { keys: Record<string, unknown>[] };

beforeAll(async () => {
  tenant = await createTenant("Air-gapped seller");
  jwks = await pinnedJwks();
});

const upload = (body: Record<string, unknown>, token = tenant.apiKey) => call("/v1/offline/activations", { token, body });
const liveSeats = async (licenseId: string) =>
  (await json(await call(`/v1/licenses/${licenseId}/activations?limit=100`, { token: tenant.apiKey }))).data.length;

describe("an air-gapped activation", () => {
  let sold: Sold;
  beforeAll(async () => {
    sold = await sell(tenant, { max_activations: 2 });
  });

  it("turns the device's request into a machine file it imports offline, taking one seat; re-uploads take none", async () => {
    const request = await createActivationRequest({ licenseKey: sold.licenseKey, fingerprint: "vault-pc-1", name: "Vault PC", metadata: { site: "B2" } });
    expect(request.startsWith("-----BEGIN ACTIVATION REQUEST-----\n")).toBe(true);
    const res = await upload({ request, ttl_s: 90 * 86_400 });
    const body = await json(res);
    expect(res.status).toBe(201);
    expect({ created: body.created, fingerprint: body.activation.fingerprint, name: body.activation.name, metadata: body.activation.metadata }).toEqual({
      created: true,
      fingerprint: "vault-pc-1",
      name: "Vault PC",
      metadata: { site: "B2" },
    });
    const imported = await verifyLicenseFile(body.license_file.license_file, { jwks, fingerprint: "vault-pc-1", audience: sold.applicationId });
    expect({
      machine: imported.machine,
      activation: imported.claims.activation_id,
      ttl: imported.claims.exp! - imported.claims.iat,
      sub: imported.claims.sub,
    }).toEqual({
      machine: true,
      activation: body.activation.id,
      ttl: 90 * 86_400,
      sub: sold.licenseId,
    });

    // The same request again replays its first answer; a new request from the same device finds its seat.
    const again = await upload({ request });
    const replay = await json(again);
    expect({ status: again.status, created: replay.created, id: replay.activation.id }).toEqual({ status: 201, created: true, id: body.activation.id });
    const anew = await upload({ request: await createActivationRequest({ licenseKey: sold.licenseKey, fingerprint: "vault-pc-1" }) });
    const same = await json(anew);
    expect({ status: anew.status, created: same.created, id: same.activation.id }).toEqual({ status: 200, created: false, id: body.activation.id });
    expect(await liveSeats(sold.licenseId)).toBe(1);

    const events = await withDb((db) =>
      db
        .select()
        .from(webhookEvents)
        .where(and(eq(webhookEvents.tenantId, tenant.tenantId), eq(webhookEvents.type, "activation.created"))),
    );
    expect(events.filter((e) => JSON.parse(e.payload).data.id === body.activation.id)).toHaveLength(1);
    const audited = await withDb((db) =>
      db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.tenantId, tenant.tenantId), eq(auditLog.targetId, body.activation.id))),
    );
    expect(audited.map((a) => ({ action: a.action, actor: a.actor }))).toEqual([{ action: "activation.create", actor: tenant.apiKeyId }]);
  });

  it("refuses a request made with another license's key, an altered one, a malformed one, and one for another tenant's license", async () => {
    const other = await sell(tenant);
    const forged = await createActivationRequest({ licenseKey: other.licenseKey, fingerprint: "intruder" });
    const named = await upload({ request: forged, license_id: sold.licenseId });
    expect((await expectError(named, 422, "VALIDATION_FAILED")).message).toBe(
      "The activation request was not made with the key of this license, or it was altered.",
    );

    const genuine = unarmor("ACTIVATION REQUEST", await createActivationRequest({ licenseKey: sold.licenseKey, fingerprint: "vault-pc-9" }))!;
    const [h, p, s] = genuine.split(".");
    const claims = JSON.parse(atob(p!.replace(/-/g, "+").replace(/_/g, "/")));
    const altered = [h, btoa(JSON.stringify({ ...claims, fingerprint: "vault-pc-10" })).replace(/=+$/, ""), s].join(".");
    await expectError(await upload({ request: altered }), 422, "VALIDATION_FAILED");
    await expectError(await upload({ request: "-----BEGIN ACTIVATION REQUEST-----\nnot a jws\n-----END ACTIVATION REQUEST-----" }), 422, "VALIDATION_FAILED");

    const stranger = await createTenant("Another air-gapped seller");
    const theirs = await sell(stranger);
    const theirRequest = await createActivationRequest({ licenseKey: theirs.licenseKey, fingerprint: "x" });
    await expectError(await upload({ request: theirRequest }), 404, "NOT_FOUND");
    await expectError(await upload({ request: theirRequest, license_id: theirs.licenseId }), 404, "NOT_FOUND");
    expect(await liveSeats(sold.licenseId)).toBe(1);
  });

  it("refuses a request older than 90 days, and a key without activations:write", async () => {
    const old = await createActivationRequest({ licenseKey: sold.licenseKey, fingerprint: "old", now: new Date(Date.now() - 91 * 86_400_000) });
    expect((await expectError(await upload({ request: old }), 422, "VALIDATION_FAILED")).message).toBe(
      "The activation request is older than 90 days: make a new one.",
    );
    const reader = await insertApiKey(tenant.tenantId, { permissions: ["activations:read", "licenses:write"] });
    const request = await createActivationRequest({ licenseKey: sold.licenseKey, fingerprint: "reader" });
    await expectError(await upload({ request }, reader.secret), 403, "FORBIDDEN");
  });

  it("frees the seat from the device's removal proof, once", async () => {
    const request = await createActivationRequest({ licenseKey: sold.licenseKey, fingerprint: "vault-pc-2" });
    const activated = await json(await upload({ request }));
    expect(await liveSeats(sold.licenseId)).toBe(2);
    const proof = await createDeactivationProof({ licenseKey: sold.licenseKey, fingerprint: "vault-pc-2", activationId: activated.activation.id });
    const res = await call("/v1/offline/deactivations", { token: tenant.apiKey, body: { proof } });
    const body = await json(res);
    expect({ status: res.status, id: body.activation.id, released: body.activation.deactivated_at !== null }).toEqual({
      status: 200,
      id: activated.activation.id,
      released: true,
    });
    expect(await liveSeats(sold.licenseId)).toBe(1);
    await expectError(await call("/v1/offline/deactivations", { token: tenant.apiKey, body: { proof } }), 404, "ACTIVATION_NOT_FOUND");
    const forgedProof = await createDeactivationProof({
      licenseKey: (await sell(tenant)).licenseKey,
      fingerprint: "vault-pc-1",
      activationId: activated.activation.id,
    });
    await expectError(
      await call("/v1/offline/deactivations", { token: tenant.apiKey, body: { proof: forgedProof, license_id: sold.licenseId } }),
      422,
      "VALIDATION_FAILED",
    );
    expect(await liveSeats(sold.licenseId)).toBe(1);
  });
});

describe("concurrent uploads", () => {
  it("of 20 different requests against 5 seats take exactly 5 seats", async () => {
    const sold = await sell(tenant, { max_activations: 5 });
    const requests = await Promise.all(
      Array.from({ length: 20 }, (_, i) => createActivationRequest({ licenseKey: sold.licenseKey, fingerprint: `floor-${i}` })),
    );
    const answers = await Promise.all(requests.map(async (request) => (await upload({ request })).status));
    expect(answers.filter((s) => s === 201)).toHaveLength(5);
    expect(answers.filter((s) => s === 409)).toHaveLength(15);
    expect(await liveSeats(sold.licenseId)).toBe(5);
  });
});
