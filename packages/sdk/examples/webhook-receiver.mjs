// Receive the service's webhooks: verify each delivery (Standard Webhooks), then act on it.
//   WEBHOOK_SECRET=whsec_... PORT=4000 node webhook-receiver.mjs
// and register http://your-host:4000/hooks as an endpoint (POST /v1/webhooks, or the console).
import { createServer } from "node:http";
import { verifyWebhook, WebhookVerificationError } from "@edge-license/sdk";

/** A setting the example cannot run without. */
const required = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name} (see the comment at the top of this file)`);
  return value;
};

createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  try {
    const event = await verifyWebhook(required("WEBHOOK_SECRET"), req.headers, Buffer.concat(chunks).toString("utf8"));
    console.log(JSON.stringify({ type: event.type, id: event.data.id }));
    res.writeHead(204).end();
  } catch (err) {
    if (!(err instanceof WebhookVerificationError)) throw err;
    res.writeHead(400).end(err.code);
  }
}).listen(Number(process.env.PORT ?? 4000));
