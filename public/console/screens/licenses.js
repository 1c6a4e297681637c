// Placeholder until this screen is built.
import { html } from "../lib/html.js";
import { PageHeader } from "../lib/ui.js";

export function LicensesScreen() {
  return html`<${PageHeader} title="licenses" /><p class="empty">Not built yet.</p>`;
}
