// Placeholder until this screen is built.
import { html } from "../lib/html.js";
import { PageHeader } from "../lib/ui.js";

export function WebhookScreen() {
  return html`<${PageHeader} title="webhook" /><p class="empty">Not built yet.</p>`;
}
