// A license's or a customer's activity (GET /v1/licenses/{id}/events, /v1/customers/{id}/events),
// newest first, read a page at a time with "Load more". The filters live in the address beside
// `tab=activity` (code, operation, device, failing=1), so the overview can link straight to a
// license's refusals and a support engineer can paste the view into a ticket.
//
// "Refusals only" is not one code, and the API filters on one code: those pages are filtered here,
// reading on (a bounded number of pages) until there is something to show.
import { path } from "../../lib/api.js";
import { html, useEffect, useRef, useState } from "../../lib/html.js";
import { navigate } from "../../lib/router.js";
import { Button, ErrorNote, Refused, useApp, useLoad } from "../../lib/ui.js";
import { EventItem } from "./event.js";
import { isRefusal, OPERATIONS, operationWords } from "./words.js";

/** @typedef {import("./words.js").ActivityEvent} ActivityEvent */
/** @typedef {import("./event.js").Filters} Filters */

const PAGE = 25;
/** Refusals only: pages of 100 are read until PAGE refusals are found or this many pages were read. */
const SCAN_PAGE = 100;
const SCAN_PAGES = 5;

/**
 * Events page after page; `keep` drops what the API could not filter. Earlier pages stay when
 * more are read; a new `deps` starts again from the newest.
 * @param {(cursor: string | null, limit: number) => Promise<import("../../lib/ui.js").Page<ActivityEvent>>} readPage
 * @param {((e: ActivityEvent) => boolean) | null} keep
 * @param {unknown[]} deps
 */
function useEventFeed(readPage, keep, deps) {
  const empty = { rows: /** @type {ActivityEvent[]} */ ([]), cursor: null, hasMore: false, loading: true, error: null, scanned: 0 };
  const [state, setState] = useState(empty);
  const [codes, setCodes] = useState(/** @type {string[]} */ ([]));
  // Answers to an older filter, arriving late, are dropped.
  const generation = useRef(0);

  const read = async (cursor, earlier) => {
    const mine = generation.current;
    setState((s) => ({ ...s, loading: true, error: null }));
    try {
      const rows = [];
      const seen = new Set();
      let next = cursor;
      let more = false;
      let scanned = 0;
      for (let pages = 0; pages < (keep ? SCAN_PAGES : 1); pages++) {
        const page = await readPage(next, keep ? SCAN_PAGE : PAGE);
        scanned += page.data.length;
        for (const e of page.data) seen.add(e.code);
        rows.push(...(keep ? page.data.filter(keep) : page.data));
        more = Boolean(page.has_more && page.next_cursor);
        next = page.next_cursor;
        if (!more || rows.length >= PAGE) break;
      }
      if (mine !== generation.current) return;
      setCodes((known) => [...new Set([...known, ...seen])].sort());
      setState({ rows: [...earlier, ...rows], cursor: next, hasMore: more, loading: false, error: null, scanned });
    } catch (error) {
      if (mine === generation.current) setState((s) => ({ ...s, loading: false, error }));
    }
  };
  const restart = () => {
    generation.current += 1;
    setState(empty);
    read(null, []);
  };
  useEffect(restart, deps);
  return { ...state, codes, more: () => read(state.cursor, state.rows), reload: restart };
}

/** What is recorded, said where there is nothing yet; with the tenant's retention when it can be read. */
function NothingYet({ kind }) {
  const { api, can } = useApp();
  const tenant = useLoad(async () => (can("tenants:read") ? await api.get("/v1/tenant") : null), []);
  const days = tenant.data?.activity_retention_days;
  return html`<div class="empty act-empty">
    <p><strong>No activity recorded for this ${kind} yet.</strong></p>
    <p>
      Every request an app makes with ${kind === "license" ? "this license's key" : "one of this customer's licenses"} is recorded here, refusals as
      faithfully as successes: validate, verify, activate, deactivate, heartbeats, floating seats, license files and air-gapped uploads, and every token
      introspection by your backend. Each shows its result, the device, where it came from, the client and its request id.
    </p>
    <p>${days ? `Events are kept for ${days} days.` : "Events are kept for the account's retention period (90 days unless changed in Settings)."}</p>
  </div>`;
}

/**
 * The filter bar: the result (every one, refusals only, a code seen here, or another typed in) and
 * the operation; a device filter set from an event shows with a way back to every device.
 * @param {{ filters: Filters, codes: string[], go: (filters: Filters) => void, onRefresh: () => void, busy: boolean }} props
 */
function FilterBar({ filters, codes, go, onRefresh, busy }) {
  const [typing, setTyping] = useState(false);
  const [typed, setTyped] = useState("");
  const code = filters.code ?? "";
  const result = typing ? "other" : code ? `code:${code}` : filters.failing ? "refusals" : "";
  const shown = code && !codes.includes(code) ? [...codes, code].sort() : codes;
  const rest = { operation: filters.operation, device: filters.device };
  const pick = (value) => {
    setTyping(value === "other");
    if (value === "other") return;
    if (value === "refusals") go({ ...rest, failing: "1" });
    else go({ ...rest, code: value.startsWith("code:") ? value.slice(5) : undefined });
  };
  const apply = (e) => {
    e.preventDefault();
    const wanted = typed.trim().toUpperCase();
    if (!wanted) return;
    setTyping(false);
    go({ ...rest, code: wanted });
  };
  const filtered = Boolean(code || filters.failing || filters.operation || filters.device);
  return html`<form class="act-filters" onSubmit=${apply} aria-label="Filter activity">
    <div class="field">
      <label for="act-result">Result</label>
      <select id="act-result" value=${result} onChange=${(e) => pick(e.currentTarget.value)}>
        <option value="">Every result</option>
        <option value="refusals">Refusals only</option>
        ${shown.length ? html`<optgroup label="Codes seen here">${shown.map((c) => html`<option value=${`code:${c}`}>${c}</option>`)}</optgroup>` : null}
        <option value="other">Another code…</option>
      </select>
    </div>
    ${
      typing
        ? html`<div class="field act-code-field">
          <label for="act-code">Code</label>
          <div class="act-inline">
            <input id="act-code" type="text" autocomplete="off" spellcheck="false" placeholder="e.g. NO_LEASES_AVAILABLE" value=${typed} onInput=${(e) => setTyped(e.currentTarget.value)} />
            <${Button} type="submit">Apply<//>
          </div>
        </div>`
        : null
    }
    <div class="field">
      <label for="act-operation">Operation</label>
      <select id="act-operation" value=${filters.operation ?? ""} onChange=${(e) => go({ ...filters, operation: e.currentTarget.value || undefined })}>
        <option value="">Every operation</option>
        ${OPERATIONS.map(([id, words]) => html`<option value=${id}>${words}</option>`)}
        ${filters.operation && !OPERATIONS.some(([id]) => id === filters.operation) ? html`<option value=${filters.operation}>${filters.operation}</option>` : null}
      </select>
    </div>
    <div class="act-filter-actions">
      ${
        filters.device
          ? html`<span class="act-chip">Device <code>${filters.device}</code>
            <button type="button" class="btn btn-secondary btn-small" onClick=${() => go({ ...filters, device: undefined })}>Every device</button></span>`
          : null
      }
      ${filtered ? html`<${Button} class="btn-small" onClick=${() => go({})}>Clear filters<//>` : null}
      <${Button} class="btn-small" busy=${busy} onClick=${onRefresh}>Refresh<//>
    </div>
  </form>`;
}

/** What the address says to show. */
const filtersOf = (/** @type {URLSearchParams} */ params) => ({
  code: params.get("code") || undefined,
  operation: params.get("operation") || undefined,
  device: params.get("device") || undefined,
  failing: params.get("failing") === "1" && !params.get("code") ? "1" : undefined,
});

/**
 * @param {{ kind: "license" | "customer", id: string, params: URLSearchParams, link: (filters: Filters) => string }} props
 */
function Feed({ kind, id, params, link }) {
  const { api } = useApp();
  const filters = filtersOf(params);
  const { code, operation, device, failing } = filters;
  const readPage = (cursor, limit) => {
    const query = { limit, starting_after: cursor ?? undefined, code, operation, device };
    return kind === "license" ? api.get(path("/v1/licenses/{id}/events", { id }), query) : api.get(path("/v1/customers/{id}/events", { id }), query);
  };
  const feed = useEventFeed(readPage, failing ? (e) => isRefusal(e.code) : null, [kind, id, code, operation, device, failing]);
  const go = (next) => navigate(link(next));
  const filterLink = (change) => link({ ...filters, ...change });
  const filtered = Boolean(code || operation || device || failing);
  const what = [
    failing ? "refusals" : code ? `${code} events` : "events",
    operation ? `of ${operationWords(operation)}` : null,
    device ? `from device ${device}` : null,
  ]
    .filter(Boolean)
    .join(" ");

  return html`<div class="act-feed">
    <${FilterBar} filters=${filters} codes=${feed.codes} go=${go} onRefresh=${feed.reload} busy=${feed.loading} />
    <${ErrorNote} error=${feed.error} />
    <div aria-busy=${feed.loading ? "true" : "false"}>
      ${
        feed.rows.length
          ? html`<p class="muted small act-count">Showing ${feed.rows.length} ${what}, newest first.</p>
            <ol class="act-events" aria-label="Activity, newest first">
              ${feed.rows.map((e) => html`<${EventItem} key=${e.id} event=${e} filterLink=${filterLink} showLicense=${kind === "customer"} />`)}
            </ol>`
          : feed.loading
            ? html`<p class="muted">Loading…</p>`
            : feed.error
              ? null
              : filtered
                ? html`<p class="empty">
                  No ${what} ${feed.hasMore ? `among the latest ${feed.scanned} events` : "in the retention period"}.
                  <a href=${link({})}>Show every event</a>.
                </p>`
                : html`<${NothingYet} kind=${kind} />`
      }
      ${feed.hasMore ? html`<div class="act-more"><${Button} busy=${feed.loading} onClick=${feed.more}>Load more<//></div>` : null}
    </div>
  </div>`;
}

/**
 * The activity of a license or a customer, or why this credential cannot see it.
 * `link(filters)` is the address of this view with those filters (the screen owns its route).
 * @param {{ kind: "license" | "customer", id: string, params: URLSearchParams, link: (filters: Filters) => string }} props
 */
export function Activity(props) {
  const { can } = useApp();
  if (!can("events:read")) return html`<${Refused} permission="events:read" />`;
  return html`<${Feed} ...${props} />`;
}
