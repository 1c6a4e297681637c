// Placeholder until this screen is built.
import { html } from "../lib/html.js";
import { PageHeader } from "../lib/ui.js";

export function CredentialsScreen() {
  return html`<${PageHeader} title="credentials" /><p class="empty">Not built yet.</p>`;
}
