// What the billing screens share: each payment provider in words (where its webhook settings are,
// what its ids and signing secret look like), the connector's endpoint URL with a copy button,
// an event's outcome as a badge, and graces edited in days while the API counts seconds.
import { html, useRef, useState } from "../../lib/html.js";
import { Button } from "../../lib/ui.js";

/** @typedef {import("../../lib/api.js").Schema<"BillingConnector">} Connector */
/** @typedef {Connector["provider"]} Provider */
/** @typedef {import("../../lib/api.js").Schema<"BillingEvent">} BillingEvent */

/**
 * Each provider: its name, where a seller pastes the endpoint URL, what a mapping matches, and
 * where its signing secret comes from (three of the four show it only once the URL is added).
 * @type {Record<Provider, { label: string, where: string, match: string, matchHint: string, secret: string }>}
 */
export const PROVIDERS = {
  stripe: {
    label: "Stripe",
    where: "Stripe Dashboard → Developers → Webhooks",
    match: "price_1PqR…",
    matchHint: "A price id (price_…) or a product id (prod_…).",
    secret:
      "Stripe shows the endpoint's secret (whsec_…) only after you add the URL you get here: leave this blank now and set it with Edit (until then deliveries are refused and logged).",
  },
  paddle: {
    label: "Paddle",
    where: "Paddle → Developer tools → Notifications",
    match: "pri_01h…",
    matchHint: "A price id (pri_…) or a product id (pro_…).",
    secret:
      "Paddle shows the destination's secret key only after you add the URL you get here: leave this blank now and set it with Edit (until then deliveries are refused and logged).",
  },
  lemonsqueezy: {
    label: "Lemon Squeezy",
    where: "Lemon Squeezy → Settings → Webhooks",
    match: "123456",
    matchHint: "A variant id, or a product id.",
    secret: "The signing secret you type into the webhook's form in Lemon Squeezy (at least 8 characters; it may also be set later with Edit).",
  },
  polar: {
    label: "Polar",
    where: "Polar → Settings → Webhooks",
    match: "a1b2c3d4-…",
    matchHint: "A price id or a product id.",
    secret:
      "Polar shows the webhook's secret only after you add the URL you get here: leave this blank now and set it with Edit (until then deliveries are refused and logged).",
  },
};

/** Object.keys says string[]; the keys are the API's providers, in the order sellers know them. */
export const PROVIDER_KEYS = /** @type {Provider[]} */ (Object.keys(PROVIDERS));

/**
 * Each outcome in words, with a mark for those who do not tell the badge colours apart, and what
 * it means for the license.
 * @type {Record<BillingEvent["outcome"], { mark: string, className: string, meaning: string }>}
 */
export const OUTCOMES = {
  applied: { mark: "✓", className: "badge-ok", meaning: "the license now matches it" },
  ignored: { mark: "–", className: "badge-disabled", meaning: "licenses do not depend on this event type" },
  pending: { mark: "…", className: "badge-pending", meaning: "waiting for an event it refers to" },
  failed: { mark: "✕", className: "badge-failed", meaning: "not applied; the provider's retry applies it afresh" },
  rejected: { mark: "✕", className: "badge-failed", meaning: "bad signature, malformed body or unmapped price: nothing was kept" },
};

export const OUTCOME_KEYS = /** @type {BillingEvent["outcome"][]} */ (Object.keys(OUTCOMES));

/**
 * An identifier that may wrap after its separators (`checkout.session.` / `completed`), never
 * inside a word, so a narrow column breaks it where a reader would; `after` lists the separators.
 * @param {{ text: string, after?: string }} props
 */
export function Breakable({ text, after = "._:/-" }) {
  const parts = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (after.includes(text[i])) {
      parts.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.filter(Boolean).map((part, i) => (i ? html`<wbr />${part}` : part));
}

/** @param {{ outcome: BillingEvent["outcome"] }} props */
export function OutcomeBadge({ outcome }) {
  const look = OUTCOMES[outcome];
  return html`<span class=${`badge bill-outcome ${look.className}`} title=${look.meaning}><span aria-hidden="true">${look.mark} </span>${outcome}</span>`;
}

/** @param {{ connector: Connector }} props */
export function ConnectorState({ connector }) {
  return html`<span class=${`badge ${connector.enabled ? "badge-enabled" : "badge-disabled"}`}>${connector.enabled ? "enabled" : "disabled"}</span>`;
}

const DAY = 86_400;
/** The API's bound on both graces (src/routes/requests/billing-fields.ts). */
export const MAX_GRACE_DAYS = 90;

/** Seconds as days for an input: whole where they are, else to three decimals (3600 → "0.042"). */
export const daysText = (/** @type {number} */ seconds) => String(Math.round((seconds / DAY) * 1000) / 1000);

/** Days typed back to seconds; null when it is not a number of days from 0 to the bound. */
export function secondsOf(/** @type {string} */ text) {
  const days = Number(text.trim());
  if (text.trim() === "" || !Number.isFinite(days) || days < 0 || days > MAX_GRACE_DAYS) return null;
  return Math.round(days * DAY);
}

/** A grace in words for a summary: "1 day", "3 days", "6 hours", "none". */
export function graceWords(/** @type {number} */ seconds) {
  if (seconds === 0) return "none";
  if (seconds % DAY === 0) return `${seconds / DAY} day${seconds === DAY ? "" : "s"}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? "" : "s"}`;
  return `${Math.round(seconds / 60)} minutes`;
}

/**
 * Copies `value`; where the clipboard is refused (permissions, an insecure origin) the element
 * `text` points at is selected instead, so Ctrl+C copies it. `copied` is null until tried.
 * @param {string} value
 */
function useCopy(value) {
  const [copied, setCopied] = useState(/** @type {boolean | null} */ (null));
  const text = useRef(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      window.getSelection()?.selectAllChildren(text.current);
      setCopied(false);
    }
  };
  return { copied, copy, text };
}

/**
 * The URL to paste into the provider, a button that copies it, and where in the provider it goes.
 * @param {{ connector: Connector, idPrefix: string, focusCopy?: boolean }} props
 */
export function EndpointUrl({ connector, idPrefix, focusCopy = false }) {
  const { copied, copy, text } = useCopy(connector.endpoint_url);
  const provider = PROVIDERS[connector.provider];
  return html`<div class="bill-endpoint">
    <p class="bill-endpoint-lead" id=${`${idPrefix}-lead`}><strong>Paste this into ${provider.label}'s webhook settings</strong></p>
    <div class="bill-endpoint-row">
      <code class="secret" id=${`${idPrefix}-url`} ref=${text}>${connector.endpoint_url}</code>
      <${Button} kind="primary" data-autofocus=${focusCopy ? "" : undefined} aria-describedby=${`${idPrefix}-lead ${idPrefix}-url`} onClick=${copy}>
        Copy URL
      <//>
    </div>
    <p class="small muted bill-endpoint-where">Where: ${provider.where}.</p>
    <p class="small bill-copied" role="status">
      ${copied === true ? "Copied to the clipboard." : copied === false ? "The clipboard is not available here: the URL is selected, copy it with Ctrl+C (⌘C)." : ""}
    </p>
  </div>`;
}

/**
 * A labelled control with its hint and its errors, both named by the control's aria-describedby;
 * `children` renders the control from those (the describedby ids, and whether it is invalid).
 * The error is a live region, so it is announced when it appears.
 * @param {{ id: string, label: string, hint?: any, errors?: string[], className?: string, children: (describedBy: string | undefined, invalid: boolean) => any }} props
 */
export function LabeledField({ id, label, hint, errors, className = "field", children }) {
  const invalid = Boolean(errors?.length);
  const described = [hint ? `${id}-hint` : "", invalid ? `${id}-error` : ""].filter(Boolean).join(" ");
  return html`<div class=${className}>
    <label for=${id}>${label}</label>
    ${children(described || undefined, invalid)}
    ${hint ? html`<small class="muted" id=${`${id}-hint`}>${hint}</small>` : null}
    ${invalid ? html`<p class="lic-field-error" id=${`${id}-error`} role="alert">${errors.join(" ")}</p>` : null}
  </div>`;
}

/**
 * For a list row: the endpoint URL, a button that copies it, and where it goes in the provider.
 * @param {{ connector: Connector }} props
 */
export function CopyEndpoint({ connector }) {
  const { copied, copy, text } = useCopy(connector.endpoint_url);
  const provider = PROVIDERS[connector.provider];
  return html`<div class="bill-endpoint-cell">
    <code class="bill-url" ref=${text}>${connector.endpoint_url}</code>
    <div class="bill-endpoint-copy">
      <${Button} class="btn-small" onClick=${copy}>Copy URL<span class="sr-only"> of ${connector.name}</span><//>
      <span class="small" role="status">${copied === true ? "Copied." : copied === false ? "Selected: copy it with Ctrl+C (⌘C)." : ""}</span>
    </div>
    <div class="muted small">Paste this into ${provider.label}'s webhook settings: ${provider.where}.</div>
  </div>`;
}
