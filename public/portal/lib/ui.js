// The pieces the portal's screens share: the app context, buttons that show progress, errors in
// plain words (with the reference support will ask for), a modal dialog that traps focus, closes
// on Escape and hands focus back, a confirmation built on it, data loading, and file downloads.
import { createContext, html, useCallback, useContext, useEffect, useRef, useState } from "./html.js";
import { churnWords, duration } from "./words.js";

/**
 * What every screen reads from the app (app.js provides it).
 * @typedef {{
 *   api: import("./api.js").PortalApi,
 *   branding: import("./api.js").Schema<"PortalBranding">,
 *   notify: (message: string) => void,
 *   viewer: import("./api.js").Schema<"PortalOverview">["viewer"] | null,
 * }} App
 */

/** @type {import("../../console/vendor/preact.mjs").Context<App>} */
export const AppContext = createContext(null);
export const useApp = () => useContext(AppContext);

/** A button that says it is working while its action runs (and cannot be pressed twice). */
export function Button({ kind = "secondary", busy = false, disabled = false, type = "button", onClick = undefined, children, class: extra = "", ...rest }) {
  return html`<button
    type=${type}
    class=${`btn btn-${kind} ${extra}`.trim()}
    disabled=${disabled || busy}
    aria-busy=${busy ? "true" : "false"}
    onClick=${onClick}
    ...${rest}
  >
    ${busy ? html`<span class="spinner" aria-hidden="true"></span>` : null}${children}
  </button>`;
}

/**
 * An error as a customer can act on it: the churn budget in words, a license that cannot give a
 * file, a limit to wait out; otherwise the service's own message.
 * @param {any} error a PortalError
 */
export function errorWords(error) {
  const details = error?.details && typeof error.details === "object" ? error.details : {};
  switch (error?.code) {
    case "DEACTIVATION_LIMIT_REACHED": {
      const budget = details.max_deactivations && details.window_s ? `${churnWords(details)} ` : "";
      const wait = typeof details.retry_after_s === "number" ? `You can free another in ${duration(details.retry_after_s)}.` : "Try again later.";
      return `You have reached the limit for freeing devices. ${budget}${wait}`;
    }
    case "RATE_LIMITED":
      return "Too many requests in a short time. Wait a minute, then try again.";
    case "NOT_FOUND":
      return "We could not find that any more: it may have been removed already. Reload the page to see the latest.";
    case "LICENSE_EXPIRED":
      return "This license has ended, so it cannot be used for this. Renew it with the seller first.";
    case "LICENSE_SUSPENDED":
      return "This license is paused, so it cannot be used for this. Contact the seller to resume it.";
    case "LICENSE_REVOKED":
      return "This license was cancelled, so it cannot be used for this.";
    case "ACTIVATION_NOT_FOUND":
      return "This license works per device: download the machine file from the device's row instead.";
    case "TOO_MANY_ACTIVATIONS":
      return "Every device place of this license is taken. Free a device first, then try again.";
    case "TOO_MANY_USERS": {
      const max = typeof details.max_users === "number" ? ` (${details.max_users} ${details.max_users === 1 ? "person" : "people"})` : "";
      return `Every seat of this license is taken${max}. Take a seat back from someone first, then try again.`;
    }
    case "VALIDATION_FAILED":
    case "BAD_REQUEST":
      return `That did not work: ${error.message}`;
    default:
      return error?.message || "Something went wrong. Try again.";
  }
}

/** An error in words, announced as it appears, with the reference support will ask for. */
export function ErrorNote({ error }) {
  if (!error) return null;
  return html`<div class="error-note" role="alert">
    <p>${errorWords(error)}</p>
    ${error.requestId ? html`<p class="small muted">Reference for support: <code>${error.requestId}</code></p>` : null}
  </div>`;
}

/**
 * Runs an action with progress and error state; answers what the action answered, or undefined.
 * @param {(...args: any[]) => Promise<any>} fn
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
 * Loads data when its dependencies change; `reload()` fetches again and keeps showing the old data
 * meanwhile (so a list does not flash empty after a change).
 * @template T
 * @param {() => Promise<T>} fn
 * @param {unknown[]} deps
 * @returns {{ data: T | null, error: any, loading: boolean, reload: () => Promise<void> }}
 */
export function useLoad(fn, deps) {
  const [state, setState] = useState(/** @type {{ data: T | null, error: any, loading: boolean }} */ ({ data: null, error: null, loading: true }));
  const live = useRef(true);
  const load = useCallback(async () => {
    setState((s) => ({ ...s, loading: true, error: null }));
    try {
      const data = await fn();
      if (live.current) setState({ data, error: null, loading: false });
    } catch (error) {
      if (live.current) setState((s) => ({ data: s.data, error, loading: false }));
    }
  }, deps);
  useEffect(() => {
    live.current = true;
    load();
    return () => {
      live.current = false;
    };
  }, [load]);
  return { ...state, reload: load };
}

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), textarea:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * Tab from the dialog's last control goes to its first (Shift+Tab the other way): the platform
 * would step out to the browser's own toolbar first, which reads as focus escaping the dialog.
 * @param {KeyboardEvent} event
 */
function wrapTab(event) {
  if (event.key !== "Tab") return;
  const controls = [.../** @type {HTMLElement} */ (event.currentTarget).querySelectorAll(FOCUSABLE)].map((el) => /** @type {HTMLElement} */ (el));
  if (controls.length === 0) return;
  const [first, last] = [controls[0], controls.at(-1)];
  if (event.shiftKey ? document.activeElement === first : document.activeElement === last) {
    event.preventDefault();
    (event.shiftKey ? last : first).focus();
  }
}

/**
 * A modal dialog on the platform's <dialog>: showModal() makes the rest of the page inert, Tab
 * wraps around inside it, Escape closes it, and when it closes (or is unmounted) focus goes back to what
 * opened it, or to `fallback` when that is gone (a device row removed by the action it confirmed).
 * @param {{ open: boolean, title: string, onClose: () => void, fallback?: () => HTMLElement | null, children?: any }} props
 */
export function Dialog({ open, title, onClose, fallback = undefined, children }) {
  const ref = useRef(/** @type {HTMLDialogElement | null} */ (null));
  const titleId = useRef(`dialog-${Math.random().toString(36).slice(2, 10)}`).current;
  useEffect(() => {
    const dialog = ref.current;
    if (!open || !dialog) return undefined;
    const opener = /** @type {HTMLElement | null} */ (document.activeElement);
    if (!dialog.open) dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      // After the closing render: the opener may have been removed by then.
      requestAnimationFrame(() => (opener?.isConnected ? opener : fallback?.())?.focus());
    };
  }, [open]);
  // Escape is handled here, at once: left to the platform, the dialog would close first and tell
  // us a task later, and a click in between (opening it again) would be undone by that news.
  const cancel = (/** @type {Event} */ event) => {
    event.preventDefault();
    onClose();
  };
  // Any other close (the platform may skip `cancel`), unless this dialog is already gone.
  const closed = (/** @type {Event} */ event) => {
    if (/** @type {HTMLElement} */ (event.currentTarget).isConnected && open) onClose();
  };
  return html`<dialog ref=${ref} class="dialog" aria-labelledby=${titleId} onCancel=${cancel} onClose=${closed} onKeyDown=${wrapTab}>
    ${
      open
        ? html`<div class="dialog-body">
          <h2 id=${titleId}>${title}</h2>
          ${children}
        </div>`
        : null
    }
  </dialog>`;
}

/**
 * Asks before `onConfirm`; its error stays in the dialog. On success the list is reloaded first,
 * so focus returns to the section's heading when the row that opened the dialog is gone.
 */
export function Confirm({ title, confirmLabel, onConfirm, onClose, heading, children }) {
  const action = useAction(async () => {
    await onConfirm();
    onClose();
  });
  return html`<${Dialog} open=${true} title=${title} onClose=${onClose} fallback=${() => heading.current}>
    ${children}
    <${ErrorNote} error=${action.error} />
    <div class="dialog-actions">
      <${Button} autofocus onClick=${onClose}>Cancel<//>
      <${Button} kind="danger" busy=${action.busy} onClick=${action.run}>${confirmLabel}<//>
    </div>
  <//>`;
}

/** Saves `text` as a file named `name` through a temporary Blob link (the CSP allows it: a download, not a load). */
export function download(name, text, type = "application/octet-stream") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the file once click() returns; the delay only spares slower engines.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Moves focus to a screen's heading so a screen reader announces where it landed. */
export function useFocusHeading(ref, deps) {
  useEffect(() => {
    ref.current?.focus();
  }, deps);
}
