// The pieces every screen is built from: page header, buttons that show progress, the API's
// errors with their request id, confirmations for destructive actions, secrets shown once,
// tables with cursor pagination, forms, and the app context (session, API, permissions, notices).
import { createContext, html, useCallback, useContext, useEffect, useRef, useState } from "./html.js";

/**
 * What every screen reads from the app, provided by app.js.
 * @typedef {{
 *   session: import("./session.js").Session,
 *   api: import("./api.js").Api,
 *   can: (permission: import("./session.js").Permission) => boolean,
 *   notify: (message: string) => void,
 *   signOut: (reason?: string, options?: { everywhere?: boolean }) => void,
 * }} App
 */

/** @type {import("../vendor/preact.mjs").Context<App>} */
export const AppContext = createContext(null);
export const useApp = () => useContext(AppContext);

export function PageHeader({ title, subtitle, children }) {
  return html`<header class="page-header">
    <div>
      <h1>${title}</h1>
      ${subtitle ? html`<p class="muted">${subtitle}</p>` : null}
    </div>
    ${children ? html`<div class="actions">${children}</div>` : null}
  </header>`;
}

/** A button that shows it is working while its action runs. */
export function Button({ kind = "secondary", busy = false, disabled = false, type = "button", onClick, title, children, class: extra, ...rest }) {
  return html`<button
    type=${type}
    class=${extra ? `btn btn-${kind} ${extra}` : `btn btn-${kind}`}
    disabled=${disabled || busy}
    aria-busy=${busy ? "true" : "false"}
    title=${title}
    onClick=${onClick}
    ...${rest}
  >
    ${busy ? html`<span class="spinner" aria-hidden="true"></span>` : null}${children}
  </button>`;
}

/** The API's error as it came: message, code and the request id to quote to support. */
export function ErrorNote({ error }) {
  if (!error) return null;
  const details = error.details && typeof error.details === "object" ? error.details : null;
  const fields = Array.isArray(details) ? details : null;
  return html`<div class="error-note" role="alert">
    <strong>${error.message}</strong>
    ${
      fields
        ? html`<ul>
          ${fields.map((d) => html`<li><code>${d.path}</code>: ${d.message}</li>`)}
        </ul>`
        : null
    }
    <div class="muted small">
      ${error.code ? html`<span>code <code>${error.code}</code></span>` : null}
      ${error.requestId ? html` <span>request id <code>${error.requestId}</code></span>` : null}
    </div>
  </div>`;
}

/**
 * Runs an action with progress and error state.
 * @returns {{ run: (...args) => Promise<any>, busy: boolean, error: any, clear: () => void }}
 */
export function useAction(fn) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = useCallback(
    async (...args) => {
      setBusy(true);
      setError(null);
      try {
        return await fn(...args);
      } catch (err) {
        setError(err);
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [fn],
  );
  return { run, busy, error, clear: () => setError(null) };
}

/**
 * Loads data when its dependencies change. `reload()` fetches again.
 * @template T
 * @param {() => Promise<T>} fn
 * @param {unknown[]} deps
 * @returns {{ data: T | null, error: any, loading: boolean, reload: () => void }}
 */
export function useLoad(fn, deps) {
  const [state, setState] = useState(/** @type {{ data: T | null, error: any, loading: boolean }} */ ({ data: null, error: null, loading: true }));
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    fn().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState({ data: null, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

/**
 * One page of a list, as every list operation answers.
 * @template Row
 * @typedef {{ data: Row[], has_more: boolean, next_cursor: string | null }} Page
 */

/**
 * A list read page by page with the API's cursors (`starting_after` = the last id of the page
 * before). Earlier pages are remembered, so "Previous" goes back without the API knowing about it.
 * @template Row
 * @param {(cursor: string | null) => Promise<Page<Row>>} fetchPage
 * @param {unknown[]} deps
 */
export function usePages(fetchPage, deps) {
  const [cursors, setCursors] = useState([null]);
  const cursor = cursors.at(-1);
  const load = useLoad(() => fetchPage(cursor), [...deps, cursor]);
  // A new filter starts from the first page.
  useEffect(() => setCursors([null]), deps);
  return {
    ...load,
    rows: load.data?.data ?? [],
    pageNumber: cursors.length,
    hasPrevious: cursors.length > 1,
    hasNext: Boolean(load.data?.has_more && load.data?.next_cursor),
    next: () => load.data?.next_cursor && setCursors((c) => [...c, load.data.next_cursor]),
    previous: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
  };
}

export function Pager({ pages }) {
  if (!pages.hasPrevious && !pages.hasNext) return null;
  return html`<nav class="pager" aria-label="Pages">
    <${Button} onClick=${pages.previous} disabled=${!pages.hasPrevious || pages.loading}>← Previous<//>
    <span class="muted">Page ${pages.pageNumber}</span>
    <${Button} onClick=${pages.next} disabled=${!pages.hasNext || pages.loading}>Next →<//>
  </nav>`;
}

/**
 * A column of a Table: its header, and what a row shows in it. Screens type their columns with
 * their rows' schema (`Column<License>[]`), so each cell's reads are checked.
 * @template Row
 * @typedef {{ label: string, render: (row: Row) => any, className?: string }} Column
 */

/**
 * @param {{ columns: Column<any>[], rows: any[], empty: string, loading?: boolean, rowKey?: (row) => string, label?: string }} props
 */
export function Table({ columns, rows, empty, loading = false, rowKey = (r) => r.id, label }) {
  if (!loading && rows.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<div class="table-wrap" aria-busy=${loading ? "true" : "false"}>
    <table aria-label=${label}>
      <thead>
        <tr>
          ${columns.map(
            // A column of buttons may show no header, but a screen reader still names it (WCAG 1.3.1).
            (c) => html`<th scope="col" class=${c.className}>${c.label || html`<span class="sr-only">Actions</span>`}</th>`,
          )}
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (row) => html`<tr key=${rowKey(row)}>
            ${columns.map((c) => html`<td class=${c.className} data-label=${c.label}>${c.render(row)}</td>`)}
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** A modal dialog (the platform's <dialog>: focus is trapped, Escape closes it). */
export function Modal({ title, open, onClose, children, wide = false }) {
  const ref = useRef(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return html`<dialog ref=${ref} class=${wide ? "modal wide" : "modal"} onClose=${onClose} aria-label=${title}>
    ${
      open
        ? html`<div class="modal-body">
          <header class="modal-header">
            <h2>${title}</h2>
            <button type="button" class="icon-btn" aria-label="Close" onClick=${onClose}>×</button>
          </header>
          ${children}
        </div>`
        : null
    }
  </dialog>`;
}

/**
 * A destructive action behind a confirmation: the dialog says what will happen, the action shows
 * progress, and its error stays in the dialog.
 */
export function ConfirmButton({ label, title, message, confirmLabel, onConfirm, kind = "danger", disabled = false, small = false }) {
  const [open, setOpen] = useState(false);
  const action = useAction(async () => {
    await onConfirm();
    setOpen(false);
  });
  const ask = () => {
    action.clear();
    setOpen(true);
  };
  return html`<${Button} kind=${kind} class=${small ? "btn-small" : undefined} disabled=${disabled} onClick=${ask}>${label}<//>
    <${Modal} title=${title || label} open=${open} onClose=${() => setOpen(false)}>
      <p>${message}</p>
      <${ErrorNote} error=${action.error} />
      <div class="form-actions">
        <${Button} onClick=${() => setOpen(false)}>Cancel<//>
        <${Button} kind=${kind} busy=${action.busy} onClick=${action.run}>${confirmLabel || label}<//>
      </div>
    <//>`;
}

/**
 * A secret the API shows once: copy it now, it cannot be shown again. Keys and tokens are kept as
 * hashes; webhook signing secrets encrypted, since the service signs with them (`encrypted`).
 */
export function SecretOnce({ label, secret, encrypted = false, children }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      // Clipboard refused (permissions, insecure context): the text stays selectable.
      setCopied(false);
    }
  };
  return html`<div class="secret-once" role="status">
    <p class="warning">
      <strong>Copy ${label} now.</strong> You will not see it again:
      ${encrypted ? " it is stored encrypted, for signing only." : " only its hash is stored."}
    </p>
    <div class="secret-row">
      <code class="secret" data-secret>${secret}</code>
      <${Button} kind="primary" onClick=${copy}>${copied ? "Copied" : "Copy"}<//>
    </div>
    ${children}
  </div>`;
}

export function Field({ label, hint, children, id }) {
  return html`<div class="field">
    <label for=${id}>${label}</label>
    ${children} ${hint ? html`<small class="muted">${hint}</small>` : null}
  </div>`;
}

export function StatusBadge({ status }) {
  return html`<span class=${`badge badge-${status}`}>${status}</span>`;
}

/** A timestamp in the reader's time zone, with the exact instant on hover. */
export function Time({ iso }) {
  if (!iso) return html`<span class="muted">—</span>`;
  const d = new Date(iso);
  return html`<time datetime=${iso} title=${iso}>${d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}</time>`;
}

/** An id in monospace, copyable. */
export function Id({ value }) {
  return html`<code class="id">${value}</code>`;
}

/** Shown where the signed-in credential lacks the permission a screen or action needs. */
export function Refused({ permission }) {
  return html`<div class="refused" role="note">
    <p>This credential lacks the <code>${permission}</code> permission, so the console cannot show this.</p>
    <p class="muted">Sign in with a key or user token that holds it.</p>
  </div>`;
}

/**
 * A create dialog's state; `T` is the creation's answer, which its caller names (the hook cannot
 * know it), e.g. `CreateDialog<Schema<"ApiKeyWithSecret">>`, so reads of `created` are checked.
 * @template T
 * @typedef {{ open: boolean, created: T | null, setCreated: (created: T | null) => void, start: () => void, close: () => void }} CreateDialog
 */

/**
 * The state of a dialog that creates something and then shows its one-time answer (a secret):
 * `start` opens it fresh, `close` reports the creation (so the list reloads) only if one happened.
 * @param {() => void} onCreated
 * @returns {CreateDialog<any>}
 */
export function useCreateDialog(onCreated, reset = () => {}) {
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState(null);
  return {
    open,
    created,
    setCreated,
    start: () => {
      reset();
      setCreated(null);
      setOpen(true);
    },
    close: () => {
      setOpen(false);
      if (created) {
        setCreated(null);
        onCreated();
      }
    },
  };
}
