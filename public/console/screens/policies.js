// Placeholder until this screen is built.
import { html } from "../lib/html.js";
import { PageHeader } from "../lib/ui.js";

export function PoliciesScreen() {
  return html`<${PageHeader} title="policies" /><p class="empty">Not built yet.</p>`;
}
