// Webhook endpoint secrets: `whsec_` + base64 of 24 random bytes (the Standard Webhooks format),
// sealed with AES-256-GCM before they reach Postgres.
import { and, eq } from "drizzle-orm";
import type { Queryable } from "../db/client";
import { webhookEndpoints } from "../db/schema";
import { encryptSecret } from "../crypto/aes";
import { AppError } from "../errors";
import { webhookUrlProblem } from "./ssrf";

export const newWebhookSecret = () => `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(24))))}`;

export const sealWebhookSecret = (env: Env, secret: string, endpointId: string) => encryptSecret(env, secret, endpointId);

/** 422 unless the URL is an acceptable webhook target (see services/ssrf.ts). */
export function assertWebhookUrl(env: Env, url: string): void {
  const problem = webhookUrlProblem(url, { allowLoopback: env.WEBHOOK_ALLOW_LOOPBACK === "true" });
  if (problem) throw new AppError("VALIDATION_FAILED", `The webhook URL is refused: ${problem}.`, { details: [{ path: "url", message: problem }] });
}

export async function getWebhookEndpoint(db: Queryable, tenantId: string, id: string) {
  const [row] = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, id)));
  return row;
}
