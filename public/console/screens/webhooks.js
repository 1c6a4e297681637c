// Placeholder until this screen is built.
import { html } from "../lib/html.js";
import { PageHeader } from "../lib/ui.js";

export function WebhooksScreen() {
  return html`<${PageHeader} title="webhooks" /><p class="empty">Not built yet.</p>`;
}
