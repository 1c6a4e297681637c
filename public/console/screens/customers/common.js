// What the customer screens share with each other and with the licensing screens: a page's
// customers resolved in one call (GET /v1/customers?ids=…), a customer shown by name and email
// (its id when the credential may not read customers), countries in words, and external ids
// written as "provider: id" lines.
import { html } from "../../lib/html.js";
import { href } from "../../lib/router.js";
import { Id, useApp, useLoad } from "../../lib/ui.js";

/** @typedef {import("../../lib/api.js").Schema<"Customer">} Customer */

/** The most ids GET /v1/customers takes at once, and the most a page of it holds. */
const MAX_IDS = 100;

/**
 * The customers a page names, read with ONE call, only when the credential can read customers.
 * `customer(id)` is the customer, or null (unknown, not yet loaded, or not readable).
 * @param {(string | null | undefined)[]} ids
 */
export function useCustomerLookup(ids) {
  const { api, can } = useApp();
  const reads = can("customers:read");
  const wanted = [...new Set(ids.filter(Boolean))].sort().slice(0, MAX_IDS).join(",");
  const load = useLoad(async () => (reads && wanted ? (await api.get("/v1/customers", { ids: wanted, limit: MAX_IDS })).data : []), [wanted, reads]);
  const byId = new Map((load.data ?? []).map((c) => [c.id, c]));
  return { reads, error: load.error, customer: (/** @type {string | null} */ id) => (id ? (byId.get(id) ?? null) : null) };
}

/** @typedef {ReturnType<typeof useCustomerLookup>} CustomerLookup */

/** A customer's name, or what stands in for it once its personal data was erased. */
export const customerName = (/** @type {Pick<Customer, "name" | "id">} */ c) => c.name ?? "Erased customer";

/**
 * A license's customer in a table cell or a title: its name (a link to it) over its email; its id
 * when the name is not the credential's to read; a dash when the license has none.
 * @param {{ id: string | null, lookup: CustomerLookup, compact?: boolean }} props
 */
export function CustomerRef({ id, lookup, compact = false }) {
  if (!id) return html`<span class="muted">—</span>`;
  const c = lookup.customer(id);
  if (!c) return lookup.reads ? html`<a href=${href("customers", id)}><${Id} value=${id} /></a>` : html`<${Id} value=${id} />`;
  return html`<span class="cust-ref">
    <a href=${href("customers", id)} title=${id}>${customerName(c)}</a>
    ${c.email && !compact ? html`<span class="muted small cust-ref-email">${c.email}</span>` : null}
  </span>`;
}

const regions = typeof Intl.DisplayNames === "function" ? new Intl.DisplayNames(undefined, { type: "region" }) : null;

/** "DE" → "Germany" in the reader's language; the code itself when the browser has no name for it. */
export function countryName(code) {
  if (!code) return null;
  try {
    return regions?.of(code) ?? code;
  } catch {
    return code;
  }
}

/** A country as its name with its code, or a dash. */
export function Country({ code }) {
  if (!code) return html`<span class="muted">—</span>`;
  const name = countryName(code);
  return name === code ? html`<code>${code}</code>` : html`<span title=${code}>${name}</span>`;
}

/** The service's rule for a provider's name (src/contract/customers.ts). */
const PROVIDER = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** External ids as the textarea shows them: one "provider: id" per line. */
export const externalIdsText = (/** @type {Record<string, string>} */ ids) =>
  Object.entries(ids)
    .map(([provider, id]) => `${provider}: ${id}`)
    .join("\n");

/**
 * "stripe: cus_123" lines back to `{ stripe: "cus_123" }`, or `{ error }` naming the line at fault.
 * @returns {{ value: Record<string, string>, error?: undefined } | { error: string, value?: undefined }}
 */
export function parseExternalIds(text) {
  /** @type {Record<string, string>} */
  const value = {};
  const lines = text.split("\n").map((l) => l.trim());
  for (const [i, line] of lines.entries()) {
    if (!line) continue;
    const at = line.indexOf(":");
    const provider = at < 0 ? "" : line.slice(0, at).trim().toLowerCase();
    const id = at < 0 ? "" : line.slice(at + 1).trim();
    if (!PROVIDER.test(provider) || !id) {
      return { error: `Line ${i + 1}: write "provider: id", e.g. "stripe: cus_123" (a provider is lower-case letters, digits, _ and -).` };
    }
    if (provider in value) return { error: `Line ${i + 1}: ${provider} appears twice; a customer has one id per provider.` };
    value[provider] = id;
  }
  if (Object.keys(value).length > 16) return { error: "At most 16 providers." };
  return { value };
}

/** "1 user", "3 users". */
export const plural = (n, one, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;
