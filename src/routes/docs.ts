// GET /docs: interactive API documentation (Swagger UI) over /openapi.json. The UI's script and
// stylesheet are served as static assets from /docs/assets (no third-party CDN).
import { swaggerUI } from "@hono/swagger-ui";
import type { App } from "../app";

export const registerDocs = (app: App) => {
  app.get(
    "/docs",
    async (c, next) => {
      await next();
      // Its CSP comes from middleware/security.ts (the only page allowed to run scripts).
      c.res.headers.set("Cache-Control", "public, max-age=300");
    },
    swaggerUI({ url: "/openapi.json", baseUrl: "/docs/assets", title: "Edge license service API" }),
  );
};
