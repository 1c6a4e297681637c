// npm run admin:generate: regenerates the admin client's contract from the CURRENT service.
//
// 1. Starts the worker from wrangler.toml in workerd (wrangler's unstable_startWorker, no database:
//    GET /openapi.json needs none) and fetches the document it serves.
// 2. Writes packages/admin/src/openapi.json (servers normalised, see document.ts).
// 3. Runs openapi-typescript on that file and writes packages/admin/src/schema.ts.
//
// CI does not run this: test/admin-client/document.test.ts and packages/admin/test/schema.test.ts
// fail when either committed file differs from what this would write.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { unstable_startWorker } from "wrangler";
import { normaliseDocument, serialiseDocument } from "./document.ts";
import { schemaFromDocument } from "./schema.ts";

const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ROOT = resolve(PACKAGE, "../..");
const DOCUMENT_FILE = join(PACKAGE, "src", "openapi.json");
const SCHEMA_FILE = join(PACKAGE, "src", "schema.ts");

async function servedDocument(): Promise<Record<string, unknown>> {
  const worker = await unstable_startWorker({
    config: join(ROOT, "wrangler.toml"),
    dev: { server: { hostname: "127.0.0.1", port: 0 }, inspector: false, logLevel: "error" },
  });
  try {
    const res = await fetch(new URL("/openapi.json", await worker.url));
    if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  } finally {
    await worker.dispose();
  }
}

/** Writes `text` unless the file already holds it; says which. */
function update(file: string, text: string): void {
  const before = (() => {
    try {
      return readFileSync(file, "utf8");
    } catch {
      return undefined;
    }
  })();
  if (before === text) {
    console.log(`unchanged ${file.slice(ROOT.length + 1)}`);
    return;
  }
  writeFileSync(file, text);
  console.log(`${before === undefined ? "created" : "updated"} ${file.slice(ROOT.length + 1)}`);
}

process.chdir(ROOT);
// Offline and quiet: no Request.cf fetched from the internet, no metrics sent.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
process.env.WRANGLER_SEND_METRICS ??= "false";
const documentText = serialiseDocument(normaliseDocument(await servedDocument()));
update(DOCUMENT_FILE, documentText);
update(SCHEMA_FILE, await schemaFromDocument(documentText));
