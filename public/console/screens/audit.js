// Placeholder until this screen is built.
import { html } from "../lib/html.js";
import { PageHeader } from "../lib/ui.js";

export function AuditScreen() {
  return html`<${PageHeader} title="audit" /><p class="empty">Not built yet.</p>`;
}
