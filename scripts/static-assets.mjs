// Copies the browser files the worker serves as static assets out of node_modules into public/:
// Swagger UI for GET /docs, and the console's libraries (Preact, its hooks, htm, uPlot) for
// /console. No CDN, so both work offline and in CI. Plain JS: it runs as npm's postinstall.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");

/**
 * Each file: where it comes from, where it goes, and how its text changes on the way. The console
 * loads plain ES modules without an import map (an inline script the CSP would refuse), so the
 * hooks' bare `preact` import is pointed at the copied file; source map comments go, as the maps
 * are not copied.
 */
const FILES = [
  { from: "swagger-ui-dist/swagger-ui.css", to: "docs/assets/swagger-ui-dist/swagger-ui.css" },
  { from: "swagger-ui-dist/swagger-ui-bundle.js", to: "docs/assets/swagger-ui-dist/swagger-ui-bundle.js" },
  { from: "preact/dist/preact.mjs", to: "console/vendor/preact.mjs" },
  { from: "preact/hooks/dist/hooks.mjs", to: "console/vendor/hooks.mjs", rewrite: (text) => text.replace(/from\s*"preact"/g, 'from"./preact.mjs"') },
  { from: "htm/dist/htm.mjs", to: "console/vendor/htm.mjs" },
  { from: "uplot/dist/uPlot.esm.js", to: "console/vendor/uplot.mjs" },
  { from: "uplot/dist/uPlot.min.css", to: "console/vendor/uplot.css" },
];

const dropSourceMap = (text) => text.replace(/\n?\/[/*][#@] sourceMappingURL=\S+(\s*\*\/)?\s*$/, "\n");

let missing = 0;
for (const file of FILES) {
  const source = join(modules, file.from);
  if (!existsSync(source)) {
    console.warn(`static-assets: ${file.from} is not installed; public/${file.to} not written`);
    missing++;
    continue;
  }
  const target = join(root, "public", file.to);
  mkdirSync(dirname(target), { recursive: true });
  const text = dropSourceMap(readFileSync(source, "utf8"));
  writeFileSync(target, file.rewrite ? file.rewrite(text) : text);
}
if (missing) console.warn(`static-assets: ${missing} file(s) missing: run npm install`);

// Types for the copied modules, so the console's own code is type-checked against the packages'
// declarations (public/console/tsconfig.json): each names the package it was copied from.
const TYPES = {
  "console/vendor/preact.d.mts": 'export * from "preact";\n',
  "console/vendor/hooks.d.mts": 'export * from "preact/hooks";\n',
  "console/vendor/htm.d.mts": 'export { default } from "htm";\n',
  "console/vendor/uplot.d.mts": 'export { default } from "uplot";\n',
};
for (const [file, text] of Object.entries(TYPES)) writeFileSync(join(root, "public", file), text);
