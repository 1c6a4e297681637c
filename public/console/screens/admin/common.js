// Pieces the administration screens share: the permission picker (only what the signed-in
// credential holds, since a credential can never grant more), compact permission lists, duration
// choices for grace periods, and the dialog that performs an action whose answer is a secret.

import { PERMISSION_LABELS, PERMISSIONS } from "../../lib/contract.js";
import { html, useState } from "../../lib/html.js";
import { Button, ErrorNote, Modal, SecretOnce, Table, useAction, useApp } from "../../lib/ui.js";

const byServiceOrder = (list) => [...list].sort((a, b) => PERMISSIONS.indexOf(a) - PERMISSIONS.indexOf(b));

/** The signed-in credential's own permissions: the most it can give anything it creates. */
export function useOwnPermissions() {
  const { session } = useApp();
  return byServiceOrder(session.me.credential.permissions);
}

/** The permissions of `target` the signed-in credential lacks: changing `target` needs none missing (the API's subset rule). */
export const lacking = (own, target) => target.filter((p) => !own.includes(p));

/**
 * Checkboxes for the permissions a new credential gets, labelled with the permission's code and
 * what it lets one do in words.
 * Offers only `offered`: anything else would be refused with 403.
 */
export function PermissionPicker({ offered, value, onChange, idPrefix }) {
  const toggle = (permission, on) => onChange(byServiceOrder(on ? [...value, permission] : value.filter((p) => p !== permission)));
  const reads = offered.filter((p) => p.endsWith(":read"));
  return html`<fieldset class="permission-picker">
    <legend>Permissions</legend>
    <div class="picker-shortcuts">
      <${Button} class="btn-small" onClick=${() => onChange(reads)} disabled=${reads.length === 0}>Read-only<//>
      <${Button} class="btn-small" onClick=${() => onChange([...offered])}>All of mine<//>
      <${Button} class="btn-small" onClick=${() => onChange([])}>None<//>
    </div>
    <div class="checks">
      ${offered.map(
        (p) => html`<label key=${p} for=${`${idPrefix}-${p}`}>
          <input type="checkbox" id=${`${idPrefix}-${p}`} checked=${value.includes(p)} onChange=${(e) => toggle(p, e.currentTarget.checked)} />
          <span class="perm-text"><span class="perm-name">${p}</span> <span class="perm-words">${PERMISSION_LABELS[p] ?? ""}</span></span>
        </label>`,
      )}
    </div>
    <small class="muted">Only your own permissions are offered: a credential can never grant one it does not hold.</small>
  </fieldset>`;
}

/** A credential's permissions: all of them in a word, a few in full, many folded. */
export function PermissionList({ permissions }) {
  if (permissions.length === PERMISSIONS.length) return html`<span class="perm-all">All ${PERMISSIONS.length} permissions</span>`;
  const chips = (list) => html`<ul class="perm-chips">
    ${list.map((p) => html`<li key=${p}><code title=${PERMISSION_LABELS[p]}>${p}</code></li>`)}
  </ul>`;
  if (permissions.length <= 4) return chips(permissions);
  return html`<details class="perm-more">
    <summary>${permissions.length} permissions</summary>
    ${chips(permissions)}
  </details>`;
}

/** Grace and overlap periods, in seconds, as a seller thinks of them. */
export const DURATIONS = [
  { s: 0, label: "None: stop at once" },
  { s: 3600, label: "1 hour" },
  { s: 6 * 3600, label: "6 hours" },
  { s: 86400, label: "24 hours" },
  { s: 3 * 86400, label: "3 days" },
  { s: 7 * 86400, label: "7 days" },
  { s: 30 * 86400, label: "30 days" },
];

export function DurationSelect({ id, value, onChange, max }) {
  return html`<select id=${id} value=${String(value)} onChange=${(e) => onChange(Number(e.currentTarget.value))}>
    ${DURATIONS.filter((d) => d.s <= max).map((d) => html`<option value=${String(d.s)}>${d.label}</option>`)}
  </select>`;
}

/** An instant as the reader reads it, for sentences ("keeps working until ..."). */
export const when = (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

/**
 * A button opening a dialog that explains an action, runs it, then shows the secret it answered
 * with once. `perform()` resolves to `{ secret, note }`; `onDone` runs when the dialog closes
 * after success, so the list behind it is read again only once the secret was seen.
 */
export function SecretActionButton({
  label,
  title,
  confirmLabel,
  secretLabel,
  encrypted = false,
  intro,
  children,
  perform,
  onDone,
  small = true,
  kind = "secondary",
}) {
  const [open, setOpen] = useState(false);
  const [result, setResult] = useState(null);
  const action = useAction(async () => {
    const answer = await perform();
    if (answer) setResult(answer);
  });
  const close = () => {
    setOpen(false);
    if (result) {
      setResult(null);
      onDone?.();
    }
  };
  return html`<${Button} kind=${kind} class=${small ? "btn-small" : undefined} onClick=${() => {
    action.clear();
    setOpen(true);
  }}>${label}<//>
    <${Modal} title=${title} open=${open} onClose=${close}>
      ${
        result
          ? html`<${SecretOnce} label=${secretLabel} secret=${result.secret} encrypted=${encrypted}>${result.note}<//>
            <div class="form-actions"><${Button} kind="primary" onClick=${close}>Done<//></div>`
          : html`<form
              onSubmit=${(e) => {
                e.preventDefault();
                action.run();
              }}
            >
              ${intro}
              ${children}
              <${ErrorNote} error=${action.error} />
              <div class="form-actions">
                <${Button} onClick=${close}>Cancel<//>
                <${Button} kind="primary" type="submit" busy=${action.busy}>${confirmLabel}<//>
              </div>
            </form>`
      }
    <//>`;
}

const dayOf = (d) =>
  d.toLocaleDateString(undefined, d.getFullYear() === new Date().getFullYear() ? { month: "short", day: "numeric" } : { dateStyle: "medium" });
const clockOf = (d) => d.toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" });

/** An instant in few words (the year only when it is not this one), for hints under a value. */
export const shortWhen = (iso) => `${dayOf(new Date(iso))}, ${clockOf(new Date(iso))}`;

/**
 * A timestamp short enough for a table cell: the year only when it is not this one, and the day
 * and the time each kept whole, so a narrow column breaks between them. The exact instant on hover.
 */
export function Stamp({ iso, empty = "—" }) {
  if (!iso) return html`<span class="muted">${empty}</span>`;
  const d = new Date(iso);
  return html`<time class="stamp" datetime=${iso} title=${d.toLocaleString()}><span>${dayOf(d)}</span> <span>${clockOf(d)}</span></time>`;
}

/** @type {[Intl.RelativeTimeFormatUnit, number][]} */
const AGO_UNITS = [
  ["year", 365 * 86400],
  ["month", 30 * 86400],
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
];

/** How long ago, the way a seller checks whether a key is still in use ("5 minutes ago"). */
export function Ago({ iso, empty = "Never" }) {
  if (!iso) return html`<span class="muted">${empty}</span>`;
  const seconds = (Date.now() - Date.parse(iso)) / 1000;
  const unit = AGO_UNITS.find(([, s]) => seconds >= s);
  const text = unit ? new Intl.RelativeTimeFormat(undefined, { numeric: "auto" }).format(-Math.floor(seconds / unit[1]), unit[0]) : "just now";
  return html`<time class="stamp" datetime=${iso} title=${new Date(iso).toLocaleString()}>${text}</time>`;
}

/** The shared table, saying "Loading…" instead of showing bare headers before the first page arrives. */
export function ListTable(props) {
  if (props.loading && props.rows.length === 0) return html`<p class="muted loading-note" aria-busy="true">Loading…</p>`;
  return html`<${Table} ...${props} />`;
}
