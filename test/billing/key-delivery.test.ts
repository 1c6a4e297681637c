// From payment to a working key with no glue code: a purchase makes the license and, in
// `license.created`, a one-time portal link for the seller's mailer; the buyer opens it and takes
// their key (POST /v1/portal/licenses/{id}/key), which then validates. A member's session may not
// take a key; the link works once.
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createUser, send } from "../customers/helpers";
import { call, createTenant, expectError, json, type TestTenant, withDb } from "../harness";
import { connect, deliver } from "./helpers";
import { stripeOneTimeScenario } from "./payloads/stripe";

let tenant: TestTenant;
beforeAll(async () => {
  tenant = await createTenant("billing key delivery");
});

const codeOf = (url: string) => new URL(url).hash.replace(/^#code=/, "");

describe("reissuePortalLicenseKey: a billing purchase's buyer takes their key in the portal", () => {
  it("hands the mailer a one-time portal link in license.created; the buyer's new key validates; the old one never did", async () => {
    const { connector } = await connect(tenant, "stripe");
    const [purchase] = stripeOneTimeScenario({
      customer: { id: "cus_key_1", email: "keys@example.com", name: "Key Buyer" },
      priceId: "price_lifetime",
      productId: "prod_x",
      quantity: 1,
      start: Date.now(),
      seed: "keydelivery",
    });
    const received = await json(await deliver(connector.id, purchase!));
    const licenseId = received.event.license_id as string;
    const [created] = await withDb(
      async (db) =>
        (
          await db.execute(
            sql`select payload from webhook_events where tenant_id = ${tenant.tenantId} and type = 'license.created' and payload like ${`%${licenseId}%`}`,
          )
        ).rows as { payload: string }[],
    );
    const data = JSON.parse(created!.payload).data;
    expect(data).toMatchObject({ id: licenseId, source: "billing", billing: { connector_id: connector.id } });
    expect(JSON.stringify(data)).not.toMatch(/lk_[1-9A-HJ-NP-Za-km-z]{20,}/);

    const exchanged = await json(await call("/v1/portal/exchange", { body: { code: codeOf(data.portal_url) } }));
    expect(exchanged.token).toMatch(/^pt_/);
    await expectError(await call("/v1/portal/exchange", { body: { code: codeOf(data.portal_url) } }), 401, "UNAUTHORIZED");
    const me = await json(await call("/v1/portal/me", { token: exchanged.token }));
    expect(me.licenses.map((l: any) => l.id)).toEqual([licenseId]);

    const res = await call(`/v1/portal/licenses/${licenseId}/key`, { token: exchanged.token, method: "POST" });
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const { key } = await json(res);
    const valid = await json(await call("/v1/licenses/validate", { body: { license_key: key } }));
    expect(valid.valid ?? valid.code).toBeTruthy();
    expect(valid.code).toBe("VALID");
    const audit = await send(tenant, "GET", "/v1/audit-log?action=license.reissue_key", undefined, 200);
    expect(audit.data.find((e: any) => e.target_id === licenseId)?.actor).toBe(me.customer.id);

    // A member of the customer may not take the key.
    const member = await createUser(tenant, me.customer.id, "member@example.com");
    const session = await send(tenant, "POST", "/v1/portal/sessions", { customer_id: me.customer.id, user_id: member.id }, 201);
    const memberToken = (await json(await call("/v1/portal/exchange", { body: { code: codeOf(session.url) } }))).token;
    await expectError(await call(`/v1/portal/licenses/${licenseId}/key`, { token: memberToken, method: "POST" }), 403, "FORBIDDEN");
  });
});
