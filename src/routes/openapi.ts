// The OpenAPI 3.1 document, generated from the same zod schemas that validate requests.
import type { App } from "../app";
import { EXPLANATIONS } from "../contract/explanations";

/** The result codes in words (contract/explanations.ts), for the docs page: the same text the activity API and the console show. */
const RESULT_CODES = Object.entries(EXPLANATIONS)
  .map(([code, { explanation, next_step }]) => `| \`${code}\` | ${explanation} | ${next_step} |`)
  .join("\n");

export const registerOpenApi = (app: App) => {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An API key (`sk_...`).",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "operatorToken", {
    type: "http",
    scheme: "bearer",
    description: "The deployment's OPERATOR_TOKEN secret.",
  });
  app.doc31("/openapi.json", (c) => ({
    openapi: "3.1.0",
    info: {
      title: "Edge license service",
      version: "0.1.0",
      description: "License validation at the edge: keys, signed license tokens, JWKS, introspection.",
    },
    servers: [{ url: new URL(c.req.url).origin }],
    tags: [
      {
        name: "Activity",
        description: `Each license's history: every public request that named it and every introspection, refusals included.\n\n| Code | What happened | Next step |\n| --- | --- | --- |\n${RESULT_CODES}`,
      },
    ],
  }));
};
