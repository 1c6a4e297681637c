// npm run customers:from-metadata -- --url https://license.example.com [--apply]
// Gives every license without a customer whose metadata names an `email` a customer (the tenant's
// customer with that email, or a new one from `metadata.name`/`company`), through the admin API.
// Without --apply it only reports what it would do. Idempotent. The API key comes from the
// EDGE_LICENSE_API_KEY environment variable (never a flag: flags end up in shell history) and
// needs licenses:read, licenses:write, customers:read and customers:write.
import { parseArgs } from "node:util";
import { moveCustomersFromMetadata } from "./lib/customers-from-metadata.ts";

const { values } = parseArgs({ options: { url: { type: "string" }, apply: { type: "boolean", default: false } } });
const apiKey = process.env.EDGE_LICENSE_API_KEY;
if (!values.url || !apiKey) {
  console.error("usage: EDGE_LICENSE_API_KEY=sk_... npm run customers:from-metadata -- --url <service URL> [--apply]");
  process.exit(2);
}
const report = await moveCustomersFromMetadata({ baseUrl: values.url, apiKey, apply: values.apply, log: (line) => console.log(line) });
console.log(
  `${values.apply ? "done" : "dry run (add --apply to write)"}: ${report.licensesSeen} licenses, ${report.assigned} ${values.apply ? "assigned" : "to assign"}, ` +
    `${report.customersCreated} customers ${values.apply ? "created" : "to create"}, ${report.skipped} without a usable metadata.email`,
);
