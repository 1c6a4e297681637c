// Placeholder until this screen is built.
import { html } from "../lib/html.js";
import { PageHeader } from "../lib/ui.js";

export function ApplicationsScreen() {
  return html`<${PageHeader} title="applications" /><p class="empty">Not built yet.</p>`;
}
