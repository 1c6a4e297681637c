// A license's key, for the customer's admins. We keep only a hash of every key, so a key can never
// be shown again: taking one makes a new key (a lost key, or a purchase's first, which nobody has
// seen), shows it once, and the old key stops working. Devices already activated keep working.
import { html, useRef, useState } from "../lib/html.js";
import { Button, Confirm, useApp } from "../lib/ui.js";

/** @typedef {import("../lib/api.js").Schema<"PortalLicense">} License */

/** @param {{ license: License, reload: () => Promise<void> }} props */
export function KeySection({ license, reload }) {
  const { api, notify } = useApp();
  const heading = useRef(null);
  const [asking, setAsking] = useState(false);
  const [key, setKey] = useState(/** @type {string | null} */ (null));
  const [copied, setCopied] = useState(false);
  const take = async () => {
    const out = await api.newKey(license.id);
    setKey(out.key);
    setCopied(false);
    await reload();
    notify("Your new license key is shown below. Copy it now: it is not shown again.");
  };
  const copy = async () => {
    if (!key) return;
    await navigator.clipboard.writeText(key);
    setCopied(true);
    notify("The key was copied.");
  };
  if (license.status === "revoked") return null;
  return html`<section class="section" aria-labelledby="key-heading">
    <h2 id="key-heading" ref=${heading} tabindex="-1">License key</h2>
    <div class="panel">
      ${
        key
          ? html`<p><strong>Your new key.</strong> Copy it into your app now: for your safety it is not shown again.</p>
            <p><code class="key" aria-label="License key">${key}</code></p>
            <${Button} kind="primary" onClick=${copy}>${copied ? "Copied" : "Copy key"}<//>`
          : html`<p>
              For your safety we keep no copy of your key (it starts <code>${license.key_prefix}</code>). If you don't have it, take a new one:
              apps still using the old key will need the new one; devices already activated keep working.
            </p>
            <${Button} onClick=${() => setAsking(true)}>Get a new key<//>`
      }
    </div>
    ${
      asking
        ? html`<${Confirm} title="Get a new license key?" confirmLabel="Get a new key" onConfirm=${take} onClose=${() => setAsking(false)} heading=${heading}>
            <p>The key starting <code>${license.key_prefix}</code> stops working at once. Devices already activated keep working.</p>
          <//>`
        : null
    }
  </section>`;
}
