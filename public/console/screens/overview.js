// Overview: validations over time by result code (chart), success rate, failed authentications,
// live devices, seats, licenses expiring soon, failing webhook endpoints and the licenses that
// fail most, from GET /v1/metrics/*.

import { loadChart } from "../lib/chart.js";
import { html, useEffect, useRef, useState } from "../lib/html.js";
import { href } from "../lib/router.js";
import { ErrorNote, Id, PageHeader, useApp, useLoad } from "../lib/ui.js";
import { WebhookStat } from "./admin/webhook-health.js";
import { AlertRules } from "./alert-rules.js";
import { CustomerRef, useCustomerLookup } from "./customers/common.js";

/** @type {Record<string, { label: string, interval: import("../lib/api.js").Schema<"MetricSeries">["interval"], ms: number }>} */
const RANGES = {
  "24h": { label: "Last 24 hours", interval: "hour", ms: 86_400_000 },
  "7d": { label: "Last 7 days", interval: "hour", ms: 7 * 86_400_000 },
  "30d": { label: "Last 30 days", interval: "day", ms: 30 * 86_400_000 },
};

/** Fixed colours for the codes a seller sees most, so a colour means the same thing every day. */
const CODE_COLOURS = {
  VALID: "#16a34a",
  NOT_FOUND: "#64748b",
  SUSPENDED: "#d97706",
  EXPIRED: "#9333ea",
  REVOKED: "#be123c",
  FINGERPRINT_MISMATCH: "#dc2626",
  HEARTBEAT_DEAD: "#0891b2",
};
const SPARE_COLOURS = ["#2563eb", "#db2777", "#65a30d", "#ea580c", "#0d9488", "#7c3aed"];
const colourOf = (code, i) => CODE_COLOURS[code] ?? SPARE_COLOURS[i % SPARE_COLOURS.length];

const percent = (x) => (x === null || x === undefined ? "—" : `${(x * 100).toFixed(x === 1 ? 0 : 1)}%`);
const count = (n) => (n ?? 0).toLocaleString();

/** @param {{ series: import("../lib/api.js").Schema<"MetricSeries"> | null }} props */
function ValidationsChart({ series }) {
  const box = useRef(null);
  const [failed, setFailed] = useState(null);
  useEffect(() => {
    const el = box.current;
    if (!el || !series || series.series.length === 0) return;
    const xs = series.buckets.map((b) => Date.parse(b) / 1000);
    const opts = {
      width: Math.max(280, el.clientWidth),
      height: 260,
      scales: { x: { time: true }, y: { range: (_u, _min, max) => /** @type {[number, number]} */ ([0, Math.max(1, max)]) } },
      axes: [{}, { size: 50 }],
      legend: { live: false },
      series: [
        {},
        ...series.series.map((s, i) => ({
          label: s.key || "(none)",
          stroke: colourOf(s.key, i),
          fill: `${colourOf(s.key, i)}22`,
          width: 2,
          points: { show: series.buckets.length <= 48 },
        })),
      ],
    };
    // The library arrives with the first chart (lib/chart.js); the series may change or the screen
    // close before it does, and then nothing is drawn.
    let live = true;
    let chart = null;
    let resize = null;
    loadChart().then(
      (uPlot) => {
        if (!live) return;
        chart = new uPlot(opts, [xs, ...series.series.map((s) => s.counts)], el);
        resize = new ResizeObserver(() => chart.setSize({ width: Math.max(280, el.clientWidth), height: 260 }));
        resize.observe(el);
      },
      (error) => live && setFailed(error),
    );
    return () => {
      live = false;
      resize?.disconnect();
      chart?.destroy();
    };
  }, [series]);
  if (!series) return null;
  if (series.series.length === 0) return html`<p class="empty">No validations in this range yet.</p>`;
  return html`<div>
    <${ErrorNote} error=${failed} />
    <div ref=${box} class="chart" role="img" aria-label="Validations over time by result code"></div>
    <ul class="totals" aria-label="Validations by result code">
      ${series.series.map(
        (s, i) => html`<li>
          <span class="swatch" style=${{ background: colourOf(s.key, i) }}></span>
          <code>${s.key || "(none)"}</code> <strong>${count(s.total)}</strong>
        </li>`,
      )}
    </ul>
  </div>`;
}

function Stat({ label, value, hint, tone }) {
  return html`<div class=${`stat ${tone ? `stat-${tone}` : ""}`}>
    <div class="stat-label">${label}</div>
    <div class="stat-value">${value}</div>
    ${hint ? html`<div class="stat-hint muted">${hint}</div>` : null}
  </div>`;
}

export function OverviewScreen() {
  const { api, can } = useApp();
  const [range, setRange] = useState("24h");
  const spec = RANGES[range];
  const summary = useLoad(() => api.get("/v1/metrics/summary"), []);
  const series = useLoad(
    () => api.get("/v1/metrics/validations", { group_by: "code", interval: spec.interval, from: new Date(Date.now() - spec.ms).toISOString() }),
    [range],
  );
  const failing = useLoad(() => api.get("/v1/metrics/top-licenses", { metric: "failures", limit: 5 }), []);
  // The failing licenses' customers, named with one call (when this credential reads customers).
  const lookup = useCustomerLookup((failing.data?.data ?? []).map((row) => row.customer_id));
  const s = summary.data;
  const g = s?.gauges;
  const refresh = () => {
    summary.reload();
    series.reload();
    failing.reload();
  };

  return html`<section>
    <${PageHeader} title="Overview" subtitle=${s ? `Counts from the ${s.store === "analytics_engine" ? "Analytics Engine" : s.store} metrics store; gauges are exact.` : null}>
      <label class="inline">
        <span class="sr-only">Range</span>
        <select value=${range} onChange=${(e) => setRange(e.currentTarget.value)} aria-label="Range">
          ${Object.entries(RANGES).map(([key, r]) => html`<option value=${key}>${r.label}</option>`)}
        </select>
      </label>
      <button type="button" class="btn btn-secondary" onClick=${refresh}>Refresh</button>
    <//>
    <${ErrorNote} error=${summary.error} />
    ${
      g
        ? html`<div class="stats" aria-label="Key figures">
          <${Stat} label="Validations (24 h)" value=${count(s.last_24h.validations)} hint=${`${count(s.last_30d.validations)} in 30 days`} />
          <${Stat}
            label="Success rate (24 h)"
            value=${percent(s.last_24h.success_rate)}
            tone=${s.last_24h.success_rate !== null && s.last_24h.success_rate < 0.8 ? "bad" : null}
          />
          <${Stat} label="Failed authentications (24 h)" value=${count(s.last_24h.auth_failures)} tone=${s.last_24h.auth_failures > 0 ? "warn" : null} />
          <${Stat} label="Live devices" value=${count(g.live_devices)} />
          <${Stat}
            label="Seats used"
            value=${`${count(g.seats.used)} / ${count(g.seats.total)}`}
            hint=${g.seats.unlimited_licenses ? `+ ${count(g.seats.unlimited_licenses)} unlimited licenses` : null}
          />
          <${Stat} label="Active licenses" value=${count(g.licenses.active)} hint=${`${count(g.licenses.suspended)} suspended · ${count(g.licenses.revoked)} revoked · ${count(g.licenses.expired)} expired`} />
          <${Stat}
            label="Expiring soon"
            value=${count(g.expiring.within_7_days)}
            hint=${`within 7 days · ${count(g.expiring.within_30_days)} within 30`}
            tone=${g.expiring.within_7_days > 0 ? "warn" : null}
          />
          <${WebhookStat} deliveries=${g.webhook_deliveries} />
        </div>`
        : summary.loading
          ? html`<p class="muted">Loading…</p>`
          : null
    }
    <div class="card">
      <h2>Validations by result</h2>
      <${ErrorNote} error=${series.error} />
      <${ValidationsChart} series=${series.data} />
    </div>
    <div class="card">
      <h2>Licenses failing most</h2>
      <${ErrorNote} error=${failing.error || lookup.error} />
      ${
        failing.data
          ? failing.data.data.length === 0
            ? html`<p class="empty">No failed validations in the last 24 hours.</p>`
            : html`<ol class="ranked">
              ${failing.data.data.map(
                (row) => html`<li>
                  ${can("licenses:read") ? html`<a href=${href("licenses", row.license_id)}><${Id} value=${row.license_id} /></a>` : html`<${Id} value=${row.license_id} />`}
                  ${row.key_prefix ? html` <code title="Key prefix">${row.key_prefix}…</code>` : html` <span class="muted small">deleted</span>`}
                  ${row.customer_id ? html` · <${CustomerRef} id=${row.customer_id} lookup=${lookup} compact />` : null}
                  <span class="ranked-count">
                    ${
                      can("licenses:read") && can("events:read")
                        ? html`<a href=${href("licenses", row.license_id, { tab: "activity", failing: 1 })}>${count(row.count)} failed<span class="sr-only">: see the refusals of ${row.license_id}</span></a>`
                        : html`${count(row.count)} failed`
                    }
                  </span>
                </li>`,
              )}
            </ol>`
          : null
      }
    </div>
    <${AlertRules} />
  </section>`;
}
