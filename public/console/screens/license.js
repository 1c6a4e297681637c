// Placeholder until this screen is built.
import { html } from "../lib/html.js";
import { PageHeader } from "../lib/ui.js";

export function LicenseScreen() {
  return html`<${PageHeader} title="license" /><p class="empty">Not built yet.</p>`;
}
