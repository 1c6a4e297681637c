// Billing tests' shared steps: a connector made through the admin API with two mapped prices, and a
// provider's delivery signed the way the provider signs it and posted to the connector's endpoint.
import type { BillingProvider } from "../../src/contract/billing";
import { send } from "../customers/helpers";
import { call, type TestTenant } from "../harness";
import { lemonSqueezyOneTimeScenario, lemonSqueezyScenario } from "./payloads/lemonsqueezy";
import { paddleOneTimeScenario, paddleScenario } from "./payloads/paddle";
import { polarOneTimeScenario, polarScenario } from "./payloads/polar";
import { type ProviderEvent, stripeOneTimeScenario, stripeScenario } from "./payloads/stripe";
import { signLemonSqueezy, signPaddle, signPolar, signStripe } from "./sign";

export const SECRETS: Record<BillingProvider, string> = {
  stripe: "whsec_test_5bd1c2b8d1f54d0f9a2e7c41",
  paddle: "pdl_ntfset_test_secret_9f8e7d6c5b4a",
  lemonsqueezy: "ls_signing_secret_0a1b2c3d4e5f",
  polar: "polar_whs_test_1c2d3e4f5a6b7c8d",
};

export const SCENARIOS = {
  stripe: { subscription: stripeScenario, oneTime: stripeOneTimeScenario },
  paddle: { subscription: paddleScenario, oneTime: paddleOneTimeScenario },
  lemonsqueezy: { subscription: lemonSqueezyScenario, oneTime: lemonSqueezyOneTimeScenario },
  polar: { subscription: polarScenario, oneTime: polarOneTimeScenario },
};

/** The provider's headers for a delivery now (the signing time is the clock's, as the provider's would be). */
export async function signed(event: ProviderEvent, secret = SECRETS[event.provider], nowS = Math.floor(Date.now() / 1000)): Promise<Record<string, string>> {
  const headers = { "content-type": "application/json" };
  switch (event.provider) {
    case "stripe":
      return { ...headers, ...(await signStripe(secret, event.body, nowS)) };
    case "paddle":
      return { ...headers, ...(await signPaddle(secret, event.body, nowS)) };
    case "lemonsqueezy":
      return { ...headers, ...(await signLemonSqueezy(secret, event.body, event.headersMeta.eventName ?? "")) };
    case "polar":
      return { ...headers, ...(await signPolar(secret, event.eventId, nowS, event.body)) };
  }
}

export async function deliver(connectorId: string, event: ProviderEvent, headers?: Record<string, string>): Promise<Response> {
  return call(`/v1/billing/${connectorId}/events`, { method: "POST", rawBody: event.body, headers: headers ?? (await signed(event)) });
}

/** A connector of `provider` mapping `price_basic` and `price_team` (each a policy of one application). */
export async function connect(t: TestTenant, provider: BillingProvider, extra: Record<string, unknown> = {}) {
  const app = await send(t, "POST", "/v1/applications", { name: `Studio ${provider}` }, 201);
  const policy = await send(t, "POST", "/v1/policies", { name: "Subscribers", application_id: app.id, max_activations: 3 }, 201);
  const connector = await send(
    t,
    "POST",
    "/v1/billing/connectors",
    {
      provider,
      name: `${provider} live`,
      signing_secret: SECRETS[provider],
      mappings: [
        { match: "price_basic", policy_id: policy.id, plan: "basic", features: ["export"], seats_from_quantity: true },
        { match: "price_team", policy_id: policy.id, plan: "team", features: ["export", "sso"], seats_from_quantity: true },
        { match: "price_lifetime", policy_id: policy.id, plan: "lifetime", features: ["export"], seats: 2 },
      ],
      renewal_grace_s: 86_400,
      dunning_grace_s: 86_400,
      ...extra,
    },
    201,
  );
  return { connector, policyId: policy.id as string, applicationId: app.id as string };
}
