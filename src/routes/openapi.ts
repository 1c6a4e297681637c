// The OpenAPI 3.1 document, generated from the same zod schemas that validate requests.
import type { App } from "../app";

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
  }));
};
