// Deployment settings derived from vars, in one place.
import { DEFAULT_TOKEN_USE } from "./sdk/verify";

/** The token `iss` and base of every advertised URL: `ISSUER`, else the request's own origin. */
export function issuerOf(c: { env: Pick<Env, "ISSUER">; req: { url: string } }): string {
  const configured = c.env.ISSUER?.trim();
  return configured ? configured.replace(/\/+$/, "") : new URL(c.req.url).origin;
}

export const tokenUseOf = (env: Pick<Env, "TOKEN_USE">) => env.TOKEN_USE?.trim() || DEFAULT_TOKEN_USE;

export const jwksUriOf = (issuer: string) => `${issuer}/v1/licenses/jwks`;
