// Copies Swagger UI's two browser files from node_modules into public/ (Workers static assets), so
// GET /docs works offline and in CI without any CDN. Plain JS: it runs as npm's postinstall.
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "node_modules", "swagger-ui-dist");
const target = join(root, "public", "docs", "assets", "swagger-ui-dist");

if (!existsSync(source)) {
  console.warn("docs-assets: swagger-ui-dist is not installed; GET /docs will have no UI assets");
} else {
  mkdirSync(target, { recursive: true });
  for (const file of ["swagger-ui.css", "swagger-ui-bundle.js"]) copyFileSync(join(source, file), join(target, file));
}
