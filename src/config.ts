// Deployment settings derived from vars and secrets, in one place.
import { DEFAULT_TOKEN_USE } from "./contract/tokens";
import { AppError } from "./errors";
import type { ServiceConfig } from "./services/context";

/**
 * The token `iss` and base of every advertised URL. Never the request's Host: that would let any
 * caller choose the issuer of tokens and of the publicly cached discovery document. Without
 * `ISSUER` nothing that needs it is served (503); `npm run dev` and the tests set one.
 */
export function issuerOf(env: Pick<Env, "ISSUER">): string {
  const configured = env.ISSUER?.trim();
  if (!configured) {
    throw new AppError("SERVICE_UNAVAILABLE", "This deployment has no ISSUER configured; set it to the service's public URL.", {
      internal: "ISSUER is empty",
    });
  }
  return configured.replace(/\/+$/, "");
}

export const tokenUseOf = (env: Pick<Env, "TOKEN_USE">) => env.TOKEN_USE?.trim() || DEFAULT_TOKEN_USE;

export const jwksUriOf = (issuer: string) => `${issuer}/v1/licenses/jwks`;

/** What the services read of the deployment. */
export function serviceConfig(env: Env): ServiceConfig {
  return {
    issuer: () => issuerOf(env),
    tokenUse: tokenUseOf(env),
    signingKeys: env.SIGNING_KEYS,
    webhookSecretsKey: env.WEBHOOK_SECRETS_KEY ?? "",
    allowLoopbackWebhooks: env.WEBHOOK_ALLOW_LOOPBACK === "true",
  };
}
