// One recorded request, as a support engineer reads it: when, what the app did, the result (a
// refusal marked by its glyph and words, not colour alone, with the service's explanation and next
// step beside it), the device, where the request came from, the client, and the request id to
// quote in a ticket.
import { html, useState } from "../../lib/html.js";
import { href } from "../../lib/router.js";
import { Id } from "../../lib/ui.js";
import { countryName } from "../customers/common.js";
import { fromNow } from "../licensing/common.js";
import { deviceOf, fullTime, isRefusal, operationWords } from "./words.js";

/** @typedef {import("./words.js").ActivityEvent} ActivityEvent */
/** @typedef {{ code?: string, operation?: string, device?: string, failing?: string }} Filters */

/** A button that copies `text`; where the clipboard is refused the text stays selectable beside it. */
export function CopyButton({ text, what }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  const word = copied ? "Copied" : "Copy";
  return html`<button type="button" class="btn btn-secondary btn-small act-copy" aria-label=${`${word} ${what}`} onClick=${copy}>${word}</button>`;
}

/** The result code as a badge: ✓ or ✕ before the code, and "refused" spelled out for screen readers. */
export function CodeBadge({ code }) {
  const refused = isRefusal(code);
  // One line: htm drops whitespace that holds a line break, and the words need their spaces.
  return html`<span class=${refused ? "act-code act-code-refused" : "act-code act-code-ok"}><span aria-hidden="true">${refused ? "✕" : "✓"}</span> <span class="sr-only">${refused ? "Refused:" : "Succeeded:"} </span>${code}</span>`;
}

const dash = html`<span class="muted">—</span>`;

/** Network, country and colo, whichever the event kept ("203.0.113.0/24 · Germany · FRA"). */
function Origin({ event }) {
  const parts = [
    event.network ? html`<code>${event.network}</code>` : null,
    event.country ? html`<span title=${event.country}>${countryName(event.country)}</span>` : null,
    event.colo ? html`<span title="Cloudflare data centre">${event.colo}</span>` : null,
  ].filter(Boolean);
  return parts.length ? parts.map((p, i) => (i ? html` · ${p}` : p)) : dash;
}

/**
 * @param {{ event: ActivityEvent, filterLink: (change: Filters) => string, showLicense: boolean }} props
 */
export function EventItem({ event, filterLink, showLicense }) {
  const refused = isRefusal(event.code);
  const device = deviceOf(event.device);
  return html`<li class=${refused ? "act-event act-refused" : "act-event"} data-event=${event.id}>
    <div class="act-summary">
      <div class="act-head">
        <${CodeBadge} code=${event.code} />
        <strong class="act-op" title=${event.operation}>${operationWords(event.operation)}</strong>
        <time class="act-when muted" datetime=${event.at} title=${fullTime(event.at)}>${fromNow(event.at)}</time>
      </div>
      <dl class="act-facts">
        ${
          showLicense
            ? html`<dt>License</dt>
              <dd><a href=${href("licenses", event.license_id, { tab: "activity" })}><${Id} value=${event.license_id} /></a></dd>`
            : null
        }
        <dt>Device</dt>
        <dd>
          ${
            device
              ? html`<a href=${filterLink({ device: device.filter })} title="Only this device's events">${device.label}</a>${
                  device.detail ? html` <span class="muted small">${device.detail}</span>` : null
                }`
              : dash
          }
          ${event.domain ? html` · <span>${event.domain}</span>` : null}
        </dd>
        <dt>From</dt>
        <dd><${Origin} event=${event} /></dd>
        <dt>Client</dt>
        <dd>
          ${event.sdk ? html`<code>${event.sdk}</code> ` : null}
          ${event.user_agent ? html`<span class="act-ua small">${event.user_agent}</span>` : event.sdk ? null : dash}
        </dd>
        <dt>Request</dt>
        <dd class="act-request"><code class="act-request-id">${event.request_id}</code> <${CopyButton} text=${event.request_id} what=${`request id ${event.request_id}`} /></dd>
      </dl>
    </div>
    ${
      refused
        ? html`<div class="act-why">
          <p><strong>What happened.</strong> ${event.explanation}</p>
          <p><strong>Next step.</strong> ${event.next_step}</p>
        </div>`
        : null
    }
  </li>`;
}
