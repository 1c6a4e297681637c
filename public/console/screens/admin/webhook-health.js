// An endpoint's health as the API derives it from its attempts (`failing` exactly when its most
// recent attempt got no 2xx): a badge that says it in words (never by colour alone), its last
// response, what is waiting, and the overview's count of failing endpoints.

import { html } from "../../lib/html.js";
import { href } from "../../lib/router.js";
import { useApp, useLoad } from "../../lib/ui.js";
import { Ago, Stamp } from "./common.js";

/** @typedef {import("../../lib/api.js").Schema<"WebhookEndpointHealth">} Health */
/** @typedef {import("../../lib/api.js").Schema<"WebhookEndpoint">} Endpoint */

/** Each status in words, with a mark beside it for those who do not tell the badge colours apart. */
const LOOKS = {
  failing: { mark: "✕", text: "failing", className: "badge-failed" },
  healthy: { mark: "✓", text: "healthy", className: "badge-succeeded" },
  unknown: { mark: "–", text: "no attempts yet", className: "badge-disabled" },
};

/** @param {{ health: Health }} props */
export function HealthBadge({ health }) {
  const look = LOOKS[health.status];
  return html`<span class=${`badge health-badge ${look.className}`}><span aria-hidden="true">${look.mark} </span>${look.text}</span>`;
}

/** What the last attempt got: its HTTP status, or why no answer came. */
export function lastResponseText(/** @type {Health} */ health) {
  if (health.last_response_status !== null) {
    const ok = health.last_response_status >= 200 && health.last_response_status < 300;
    return ok || health.last_error === `HTTP ${health.last_response_status}` || !health.last_error
      ? `HTTP ${health.last_response_status}`
      : `HTTP ${health.last_response_status}: ${health.last_error}`;
  }
  return health.last_error ? `no answer: ${health.last_error}` : "no answer";
}

/** Deliveries still waiting, in words; empty when there are none. */
export function waitingText(/** @type {Health} */ health) {
  const parts = [];
  if (health.retrying > 0) parts.push(`${health.retrying.toLocaleString()} retrying`);
  if (health.failed > 0) parts.push(`${health.failed.toLocaleString()} failed`);
  return parts.join(" · ");
}

/** For a table cell: the badge, the last response and when, and what is waiting. */
export function HealthCell({ health }) {
  const waiting = waitingText(health);
  return html`<${HealthBadge} health=${health} />
    ${
      health.last_attempt_at
        ? html`<div class="small health-last">
            <span class=${health.status === "failing" ? "http-bad" : "http-ok"}>${lastResponseText(health)}</span>
            <span class="muted"> · <${Ago} iso=${health.last_attempt_at} /></span>
          </div>`
        : null
    }
    ${waiting ? html`<div class="muted small">${waiting}</div>` : null}`;
}

/**
 * For the endpoint's page: what is wrong, since when, and what to do. Shown only while failing.
 * @param {{ endpoint: Endpoint }} props
 */
export function FailingNotice({ endpoint }) {
  const h = endpoint.health;
  if (h.status !== "failing") return null;
  const waiting = waitingText(h);
  return html`<section class="health-alert" aria-labelledby="health-alert-title">
    <h2 id="health-alert-title"><span aria-hidden="true">✕ </span>This endpoint is failing</h2>
    <p>
      Its last attempt, <${Ago} iso=${h.last_attempt_at} />, got <strong>${lastResponseText(h)}</strong>.
      ${h.failing_since ? html` Failing since <${Stamp} iso=${h.failing_since} />.` : null}
      ${waiting ? ` Deliveries: ${waiting}.` : null}
    </p>
    <p class="small">
      ${endpoint.enabled ? null : "The endpoint is disabled: enable it before retrying. "}Fix the receiver, then send a test event, or retry the
      deliveries below now instead of waiting for their next scheduled attempt.
    </p>
  </section>`;
}

/** At most this many pages of endpoints are read for the overview (100 each). */
const MAX_PAGES = 10;

/**
 * The overview's webhook card. With webhooks:read it counts failing endpoints (the question a
 * seller has: is a receiver down?), reading every endpoint's health page by page; the deliveries
 * waiting come from the metrics summary. Without it, only the deliveries can be counted.
 * @param {{ deliveries: { failed: number, retrying: number } }} props
 */
export function WebhookStat({ deliveries }) {
  const { api, can } = useApp();
  const readable = can("webhooks:read");
  const endpoints = useLoad(async () => {
    if (!readable) return null;
    let failing = 0;
    let total = 0;
    let cursor = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await api.get("/v1/webhooks", { limit: 100, starting_after: cursor ?? undefined });
      total += answer.data.length;
      failing += answer.data.filter((e) => e.health.status === "failing").length;
      if (!answer.has_more || !answer.next_cursor) return { failing, total, more: false };
      cursor = answer.next_cursor;
    }
    return { failing, total, more: true };
  }, [readable]);
  const waiting = `${deliveries.retrying.toLocaleString()} retrying · ${deliveries.failed.toLocaleString()} failed`;
  if (!readable) {
    return html`<div class=${`stat ${deliveries.failed > 0 ? "stat-bad" : deliveries.retrying > 0 ? "stat-warn" : ""}`}>
      <div class="stat-label">Webhook deliveries waiting</div>
      <div class="stat-value">${(deliveries.failed + deliveries.retrying).toLocaleString()}</div>
      <div class="stat-hint muted">${waiting}</div>
    </div>`;
  }
  const e = endpoints.data;
  return html`<div class=${`stat ${e && e.failing > 0 ? "stat-bad" : ""}`}>
    <div class="stat-label">Failing webhook endpoints</div>
    <div class="stat-value">${e ? `${e.failing.toLocaleString()}${e.more ? "+" : ""}` : endpoints.error ? "?" : "…"}</div>
    ${e ? html`<div class="stat-hint muted">of ${e.total.toLocaleString()}${e.more ? "+" : ""}</div>` : null}
    <div class="stat-hint muted">Deliveries: ${waiting}</div>
    ${e && e.failing > 0 ? html`<div class="stat-hint"><a href=${href("webhooks")}>See endpoints</a></div>` : null}
  </div>`;
}
