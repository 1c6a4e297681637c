// Tabs over a detail screen (ARIA's tabs pattern): one tab stop, the arrow keys, Home and End move
// between tabs, and the chosen tab lives in the address (`?tab=activity`), so a link can open a
// screen on any tab and Back returns to the one before.
import { html, useRef } from "./html.js";

/**
 * @param {{ label: string, idPrefix: string, tabs: { key: string, label: any }[], active: string, onSelect: (key: string) => void }} props
 */
export function TabList({ label, idPrefix, tabs, active, onSelect }) {
  const list = useRef(null);
  const onKeyDown = (e) => {
    const at = tabs.findIndex((t) => t.key === active);
    const step = { ArrowRight: 1, ArrowLeft: -1, Home: -at, End: tabs.length - 1 - at }[e.key];
    if (step === undefined) return;
    e.preventDefault();
    const next = tabs[(at + step + tabs.length) % tabs.length];
    onSelect(next.key);
    list.current?.querySelector(`#${idPrefix}-tab-${next.key}`)?.focus();
  };
  return html`<div class="page-tabs" role="tablist" aria-label=${label} ref=${list} onKeyDown=${onKeyDown}>
    ${tabs.map(
      (t) => html`<button
        type="button"
        role="tab"
        id=${`${idPrefix}-tab-${t.key}`}
        aria-selected=${t.key === active ? "true" : "false"}
        aria-controls=${`${idPrefix}-tabpanel`}
        tabindex=${t.key === active ? 0 : -1}
        class="page-tab"
        onClick=${() => onSelect(t.key)}
      >
        ${t.label}
      </button>`,
    )}
  </div>`;
}

/** The panel of the active tab, named by its tab. */
export function TabPanel({ idPrefix, active, children }) {
  return html`<div role="tabpanel" id=${`${idPrefix}-tabpanel`} aria-labelledby=${`${idPrefix}-tab-${active}`}>${children}</div>`;
}
