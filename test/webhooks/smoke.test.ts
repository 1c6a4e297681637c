import { env } from "cloudflare:workers";
import { verifyWebhook } from "@edge-license/sdk";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { callWithEnv, createTenant, json } from "../harness";

const receiver = (env as unknown as { TEST_WEBHOOK_RECEIVER_URL: string }).TEST_WEBHOOK_RECEIVER_URL;

describe("webhook smoke", () => {
  it("delivers a signed api_key.created event to a local receiver", async () => {
    const t = await createTenant("wh smoke");
    const created = await json(await callWithEnv({}, "/v1/webhooks", { token: t.apiKey, body: { url: `${receiver}/smoke1` } }));
    expect(created.secret).toMatch(/^whsec_/);
    const key = await callWithEnv({}, "/v1/api-keys", { token: t.apiKey, body: { name: "k", permissions: ["tenants:read"] } });
    expect(key.status).toBe(201);
    const calls = (await (await fetch(`${receiver}/__received/smoke1`)).json()) as { headers: Record<string, string>; body: string }[];
    expect(calls).toHaveLength(1);
    const payload = new Webhook(created.secret).verify(calls[0]!.body, calls[0]!.headers) as { type: string };
    expect(payload.type).toBe("api_key.created");
    expect((await verifyWebhook(created.secret, calls[0]!.headers, calls[0]!.body)).type).toBe("api_key.created");
    const verify = await json(await callWithEnv({}, "/v1/audit-log/verify", { token: t.apiKey }));
    expect(verify).toEqual({ ok: true, count: 3 });
  });
});
