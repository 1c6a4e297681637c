// The webhook events, documented in the OpenAPI 3.1 `webhooks` section: what a receiver gets for
// each event type, and the Standard Webhooks headers that sign it. Documentation only: delivery
// is services/webhook-delivery.ts.
import { z } from "@hono/zod-openapi";
import type { App } from "../app";
import { EVENT_READ_PERMISSION, EVENT_TYPES } from "../contract/events";
import { Timestamp } from "../wire/common";
import { EVENT_DATA } from "../wire/events";

const SignatureHeaders = z.object({
  "webhook-id": z.string().openapi({ description: "The event id (`msg_...`): the same on every retry, for de-duplication" }),
  "webhook-timestamp": z.string().openapi({ description: "Unix seconds when this attempt was signed; refuse ones more than 5 minutes away" }),
  "webhook-signature": z.string().openapi({
    description:
      'Space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` under the endpoint\'s `whsec_` secret; two while a rotated-out secret still signs',
  }),
});

export const registerWebhookEvents = (app: App) => {
  for (const type of EVENT_TYPES) {
    app.openAPIRegistry.registerWebhook({
      method: "post",
      path: type,
      operationId: `on${type.replace(/(^|[._])(\w)/g, (_, __, ch: string) => ch.toUpperCase())}`,
      tags: ["Webhook events"],
      summary: `\`${type}\` event`,
      description:
        type === "webhook.test"
          ? "Sent to one endpoint when `POST /v1/webhooks/{id}/test` asks for it, whatever the endpoint subscribes to. Signed per Standard Webhooks like every event; tried once, never retried by itself."
          : `Sent to endpoints subscribed to \`${type}\` (or to every event); subscribing needs \`${EVENT_READ_PERMISSION[type]}\`. Signed per Standard Webhooks; answer 2xx within 10 s, or the delivery is retried with backoff for about three days.`,
      request: {
        headers: SignatureHeaders,
        body: {
          content: {
            "application/json": {
              schema: z.object({ type: z.literal(type), timestamp: Timestamp, data: EVENT_DATA[type] }),
            },
          },
        },
      },
      responses: {
        200: { description: "Any 2xx acknowledges the delivery" },
      },
    });
  }
};
