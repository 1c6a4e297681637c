// The customer's licenses, one card each: what it is (plan), whether it works (status in words and
// a symbol, never colour alone), until when, how many devices it is on, and the way into its page
// where devices are freed and files downloaded. A customer admin also finds the way to its people.
import { html, useRef } from "../lib/html.js";
import { ErrorNote, useApp, useFocusHeading, useLoad } from "../lib/ui.js";
import { churnWords, devicesWords, expiryWords, floatingWords, statusWords } from "../lib/words.js";

/** @typedef {import("../lib/api.js").Schema<"PortalLicenseSummary">} LicenseSummary */

/** A license's name as the customer knows it: its plan, else "License". */
export const licenseName = (/** @type {LicenseSummary} */ license) => (license.plan ? `${license.plan} license` : "License");

/** Whether devices mean anything for this license: a floating one without a device limit and none activated is used by seats only. */
export const usesDevices = (/** @type {LicenseSummary} */ license) => !license.floating || license.devices.max !== null || license.devices.used > 0;

/** Status in words with its symbol; the tone only adds colour. */
export function Status({ license }) {
  const status = statusWords(license);
  return html`<span class=${`status status-${status.tone}`}><span aria-hidden="true" class="status-symbol">${status.symbol}</span> ${status.label}</span>`;
}

/**
 * How full the device places are, drawn as well as said (the words are what counts). Preact sets a
 * style object through the CSSOM, which the CSP's `style-src 'self'` allows (a style attribute in
 * markup it would refuse).
 */
export function DeviceMeter({ devices }) {
  if (devices.max === null || devices.max === 0) return null;
  const share = Math.min(1, devices.used / devices.max);
  return html`<span class="meter" aria-hidden="true"><span class="meter-fill" style=${{ width: `${Math.round(share * 100)}%` }}></span></span>`;
}

/** A fact of a license: its name and what it says. */
const fact = (term, value) => html`<div>
  <dt>${term}</dt>
  <dd>${value}</dd>
</div>`;

/**
 * What a license is, in words: on its card, and (`detail`) on its own page, where the status has its
 * badge beside it and the churn budget is said too.
 * @param {{ license: LicenseSummary, detail?: boolean }} props
 */
export function LicenseFacts({ license, detail = false }) {
  const status = statusWords(license);
  return html`<dl class=${detail ? "facts facts-wide panel" : "facts"}>
    ${fact("Status", detail ? html`<${Status} license=${license} /> ${status.detail}` : status.detail)}
    ${fact("Ends", expiryWords(license))}
    ${usesDevices(license) ? fact("Devices", html`${devicesWords(license.devices)} <${DeviceMeter} devices=${license.devices} />`) : null}
    ${license.floating ? fact("Shared seats", floatingWords(license.floating)) : null}
    ${detail && usesDevices(license) ? fact("Freeing devices", license.churn ? churnWords(license.churn) : "You can free devices whenever you need to.") : null}
    ${license.features.length ? fact("Includes", license.features.join(", ")) : null}
  </dl>`;
}

/** @param {{ license: LicenseSummary }} props */
function LicenseCard({ license }) {
  const headingId = `license-${license.id}`;
  return html`<li class="card license-card">
    <article aria-labelledby=${headingId}>
      <div class="card-head">
        <h2 id=${headingId}>${licenseName(license)}</h2>
        <${Status} license=${license} />
      </div>
      <p class="muted small">Key starting <code>${license.key_prefix}</code></p>
      <${LicenseFacts} license=${license} />
      <a class="btn btn-primary card-action" href=${`#/licenses/${encodeURIComponent(license.id)}`} aria-describedby=${headingId}>Manage devices and files</a>
    </article>
  </li>`;
}

export function OverviewScreen() {
  const { api } = useApp();
  const heading = useRef(null);
  const me = useLoad(() => api.me(), [api]);
  useFocusHeading(heading, []);
  const customer = me.data?.customer;
  const who = customer?.name || customer?.company || customer?.email;
  return html`<header class="page-header">
      <h1 ref=${heading} tabindex="-1">Your licenses</h1>
      <p class="lead">
        ${who ? `Hello, ${who}. ` : ""}Moving to a new computer? Open a license, free the old device, then activate the app on the new
        one.
      </p>
    </header>
    <${ErrorNote} error=${me.error} />
    ${
      me.loading && !me.data
        ? html`<p class="loading" aria-busy="true">Loading your licenses…</p>`
        : me.data && me.data.licenses.length === 0
          ? html`<p class="panel">You have no licenses here yet. If you just bought one, it can take a few minutes to appear.</p>`
          : html`<ul class="cards" aria-label="Licenses">
              ${me.data?.licenses.map((license) => html`<${LicenseCard} key=${license.id} license=${license} />`)}
            </ul>`
    }
    ${
      me.data?.viewer.can_manage_users
        ? html`<section class="section panel people-teaser" aria-labelledby="people-teaser-heading">
            <div>
              <h2 id="people-teaser-heading">People</h2>
              <p>Add the people in your organisation, then give them a seat on a license from its page.</p>
            </div>
            <a class="btn btn-secondary" href="#/people">Manage people</a>
          </section>`
        : null
    }`;
}
