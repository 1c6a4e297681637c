// A connector's test event: a delivery shaped and signed as the connector's provider would send
// it, of a type licenses do not depend on, run through the same intake as a real one. It shows the
// seller that the stored secret, the provider's scheme and the event log work, end to end; it
// changes no license.
import type { BillingProvider } from "../../contract/billing";
import { newId } from "../../crypto/random";
import { signLemonSqueezy, signPaddle, signPolar, signStripe } from "./sign";

export async function testDelivery(provider: BillingProvider, secret: string, now: Date): Promise<{ headers: Headers; body: string }> {
  const s = Math.floor(now.getTime() / 1000);
  const id = newId("bev").replace(/^bev_/, "");
  const at = now.toISOString();
  switch (provider) {
    case "stripe": {
      const body = JSON.stringify({ id: `evt_test_${id}`, object: "event", type: "edge_license.test", created: s, livemode: false, data: { object: {} } });
      return { headers: new Headers(await signStripe(secret, body, s)), body };
    }
    case "paddle": {
      const body = JSON.stringify({
        event_id: `evt_test_${id}`,
        event_type: "edge_license.test",
        occurred_at: at,
        notification_id: `ntf_test_${id}`,
        data: {},
      });
      return { headers: new Headers(await signPaddle(secret, body, s)), body };
    }
    case "lemonsqueezy": {
      const body = JSON.stringify({
        meta: { event_name: "edge_license_test", test_mode: true },
        data: { type: "tests", id, attributes: { created_at: at, updated_at: at } },
      });
      return { headers: new Headers(await signLemonSqueezy(secret, body, "edge_license_test")), body };
    }
    case "polar": {
      const body = JSON.stringify({ type: "edge_license.test", timestamp: at, data: {} });
      return { headers: new Headers(await signPolar(secret, `msg_test_${id}`, s, body)), body };
    }
  }
}
