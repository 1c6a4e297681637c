// What the licensing screens share: whole lists for selects and id → name lookups, durations in
// the units sellers think in, dates for <input type="datetime-local">, and the free-text fields
// (lists, JSON metadata) turned into what the API takes, with a clear message when they are not.
import { html } from "../../lib/html.js";
import { Id, useApp, useLoad } from "../../lib/ui.js";

/** Pages of 100, at most this many: a select with more than 1,000 entries helps nobody. */
const MAX_PAGES = 10;

/**
 * Every item of a list (up to 1,000), following the API's cursors; `readPage(cursor)` reads a page of 100.
 * @template Row
 * @param {(cursor: string | null) => Promise<import("../../lib/ui.js").Page<Row>>} readPage
 * @returns {Promise<Row[]>}
 */
export async function loadAll(readPage) {
  const items = [];
  let cursor = null;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await readPage(cursor);
    items.push(...page.data);
    if (!page.has_more || !page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return items;
}

/**
 * The tenant's applications and policies, for selects and for showing names where the API gives
 * ids. Each is null when the credential may not read it (screens then show and take plain ids),
 * and an empty list until loaded.
 */
export function useCatalog() {
  const { api, can } = useApp();
  const readsApps = can("applications:read");
  const readsPolicies = can("policies:read");
  const apps = useLoad(async () => (readsApps ? await loadAll((cursor) => api.get("/v1/applications", { limit: 100, starting_after: cursor })) : null), []);
  const policies = useLoad(async () => (readsPolicies ? await loadAll((cursor) => api.get("/v1/policies", { limit: 100, starting_after: cursor })) : null), []);
  return {
    applications: readsApps ? (apps.data ?? []) : null,
    policies: readsPolicies ? (policies.data ?? []) : null,
    loading: apps.loading || policies.loading,
    error: apps.error || policies.error,
    application: (id) => apps.data?.find((a) => a.id === id) ?? null,
    policy: (id) => policies.data?.find((p) => p.id === id) ?? null,
    reload: () => {
      apps.reload();
      policies.reload();
    },
  };
}

/** @typedef {ReturnType<typeof useCatalog>} Catalog */

/**
 * An application by name (its id on hover), or its bare id when the name is unknown.
 * @param {{ id: string | null, catalog: Catalog, none?: string }} props
 */
export function AppName({ id, catalog, none = "—" }) {
  if (!id) return html`<span class="muted">${none}</span>`;
  const app = catalog.application(id);
  return app ? html`<span title=${id}>${app.name}</span>` : html`<${Id} value=${id} />`;
}

/** @param {{ id: string, catalog: Catalog }} props */
export function PolicyName({ id, catalog }) {
  const policy = catalog.policy(id);
  return policy ? html`<span title=${id}>${policy.name}</span>` : html`<${Id} value=${id} />`;
}

/** @type {["days" | "hours" | "minutes" | "seconds", number][]} */
const UNITS = [
  ["days", 86_400],
  ["hours", 3_600],
  ["minutes", 60],
  ["seconds", 1],
];

/** Seconds as the largest whole unit: 86400 → { amount: "1", unit: "days" }; null → empty. */
export function splitSeconds(seconds, emptyUnit = "hours") {
  if (seconds === null || seconds === undefined || seconds === 0) return { amount: seconds === 0 ? "0" : "", unit: emptyUnit };
  const [unit, size] = UNITS.find(([, size]) => seconds % size === 0) ?? UNITS.at(-1);
  return { amount: String(seconds / size), unit };
}

/** Back to seconds; an empty amount is null (the API's "none"), anything else not whole is NaN. */
export function joinSeconds({ amount, unit }) {
  if (String(amount).trim() === "") return null;
  const value = Number(amount) * (UNITS.find(([u]) => u === unit)?.[1] ?? 1);
  return Number.isInteger(value) && value >= 0 ? value : Number.NaN;
}

/** 5400 → "1 h 30 min", for tables and hints. */
export function humanSeconds(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds === 0) return "0 s";
  const parts = [];
  let rest = seconds;
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      parts.push(`${n} ${unit === "days" ? (n === 1 ? "day" : "days") : unit === "hours" ? "h" : unit === "minutes" ? "min" : "s"}`);
      rest -= n * size;
    }
  }
  return parts.slice(0, 2).join(" ");
}

/**
 * A number plus its unit; the number input carries `id`, so the field's label names it. The unit
 * select has its own short name (`unitLabel`), not containing the field's, so a label finds one control.
 */
export function DurationInput({ id, unitLabel, value, onChange, placeholder }) {
  return html`<div class="lic-duration">
    <input
      id=${id}
      type="number"
      min="0"
      step="1"
      inputmode="numeric"
      placeholder=${placeholder}
      value=${value.amount}
      onInput=${(e) => onChange({ ...value, amount: e.currentTarget.value })}
    />
    <select aria-label=${unitLabel} value=${value.unit} onChange=${(e) => onChange({ ...value, unit: e.currentTarget.value })}>
      ${UNITS.map(([unit]) => html`<option value=${unit}>${unit}</option>`)}
    </select>
  </div>`;
}

const pad = (n) => String(n).padStart(2, "0");

/** An ISO instant as the local "YYYY-MM-DDTHH:mm" a datetime-local input shows. */
export function toLocalInput(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value (the reader's time zone) as an ISO instant, or null when empty. */
export const fromLocalInput = (value) => (value ? new Date(value).toISOString() : null);

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

/** Each unit from the distance it starts at: "45 days" reads better than "2 months". */
/** @type {[Intl.RelativeTimeFormatUnit, number, number][]} */
const RELATIVE_UNITS = [
  ["year", 365 * 86_400, 360 * 86_400],
  ["month", 30 * 86_400, 60 * 86_400],
  ["day", 86_400, 86_400],
  ["hour", 3_600, 3_600],
  ["minute", 60, 60],
  ["second", 1, 0],
];

/** "in 12 days", "3 hours ago": how far an instant is from now. */
export function fromNow(iso) {
  const seconds = (Date.parse(iso) - Date.now()) / 1000;
  const [unit, size] = RELATIVE_UNITS.find(([, , from]) => Math.abs(seconds) >= from);
  return relative.format(Math.round(seconds / size), unit);
}

/** "export, sync" or one per line → ["export", "sync"]. */
export const splitList = (text) =>
  text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

/** Metadata typed as JSON: `{ value }`, or `{ error }` saying what is wrong and where. */
export function parseMetadata(text) {
  const trimmed = text.trim();
  if (!trimmed) return { value: {} };
  let value;
  try {
    value = JSON.parse(trimmed);
  } catch (err) {
    return { error: `Metadata is not valid JSON: ${err.message}` };
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    return { error: 'Metadata must be a JSON object, such as {"email": "ada@example.com"}.' };
  }
  return { value };
}

/** JSON for a textarea: "{}" stays short, anything else is indented. */
export const metadataText = (metadata) => (metadata && Object.keys(metadata).length ? JSON.stringify(metadata, null, 2) : "{}");

/** A field's own problem, found before anything is sent; `id` is what its input's aria-describedby names. */
export function FieldError({ id, message }) {
  return message ? html`<p class="lic-field-error" id=${id} role="alert">${message}</p>` : null;
}

/**
 * Seats: used / allowed. The limit is the policy's (a license carries none of its own on the wire),
 * so where the policy cannot be read the figure says it does not know, rather than "unlimited",
 * which only a policy without max_activations means.
 * @param {number} used
 * @param {string} policyId
 * @param {Catalog} catalog
 * @returns {{ text: string, note: string | null }}
 */
export function seatFigure(used, policyId, catalog) {
  if (catalog.policies === null) return { text: `${used} / ?`, note: "limit not visible to this credential" };
  const policy = catalog.policy(policyId);
  if (!policy) return catalog.loading ? { text: `${used} / …`, note: null } : { text: `${used} / ?`, note: "limit unknown: policy not found" };
  return { text: policy.max_activations === null ? `${used} / unlimited` : `${used} / ${policy.max_activations}`, note: null };
}

/** The figure as one phrase, for hints and other plain text. */
export const seatWords = (/** @type {{ text: string, note: string | null }} */ figure) => (figure.note ? `${figure.text} (${figure.note})` : figure.text);

/**
 * The seat figure with its note beside it, in words a screen reader reads too.
 * @param {{ used: number, policyId: string, catalog: Catalog }} props
 */
export function Seats({ used, policyId, catalog }) {
  const { text, note } = seatFigure(used, policyId, catalog);
  return note ? html`<span class="lic-seats">${text} <span class="muted small">(${note})</span></span>` : text;
}

/** @type {Record<import("../../lib/api.js").Schema<"Policy">["binding_mode"], string>} */
export const BINDING_LABELS = {
  none: "None",
  hardware: "Hardware",
  domain: "Domain",
  ip: "IP allowlist",
};

/**
 * What each binding asks of a device, under the policy form's select.
 * @type {Record<import("../../lib/api.js").Schema<"Policy">["binding_mode"], string>}
 */
export const BINDING_HINTS = {
  none: "The key alone is enough: any device may validate it.",
  hardware: "Validations must name a device fingerprint that holds a seat (activate first, or bind on verify).",
  domain: "Activations send a domain; validations for a domain without a seat fail with DOMAIN_MISMATCH.",
  ip: "The caller's IP must fall in the license's allowed IPs (set on each license).",
};
