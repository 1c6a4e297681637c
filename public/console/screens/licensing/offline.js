// A license's offline side in the console: check out a license file (downloaded as <id>.lic), and
// upload an air-gapped device's activation request or removal proof (the SDK writes both), which
// answers the device's machine file. Every file is text from the API, handed to the browser as a
// download (a Blob), never rendered as HTML.
import { path } from "../../lib/api.js";
import { html, useState } from "../../lib/html.js";
import { Button, ErrorNote, Field, useAction, useApp } from "../../lib/ui.js";

const DAY_S = 86_400;

/** @typedef {import("../../lib/api.js").Schema<"License">} License */

/** Saves `text` as a file named `name` through a temporary link (no server round trip). */
export function download(name, text, type = "application/octet-stream") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Lifetime (days, blank = the policy's default) and sealing, then the file.
 * @param {{ license: License, onDone: (file: import("../../lib/api.js").Schema<"LicenseFile">) => void, onCancel: () => void }} props
 */
export function CheckoutForm({ license, onDone, onCancel }) {
  const { api } = useApp();
  const [days, setDays] = useState("");
  const [encrypt, setEncrypt] = useState(false);
  const checkout = useAction(async () => {
    const body = { encrypt, ...(days ? { ttl_s: Math.round(Number(days) * DAY_S) } : {}) };
    const file = await api.post(path("/v1/licenses/{id}/checkout", { id: license.id }), body);
    download(`${license.id}.lic`, file.license_file);
    onDone(file);
  });
  return html`<form
    onSubmit=${(e) => {
      e.preventDefault();
      checkout.run();
    }}
  >
    <p class="muted">A signed file the app verifies offline with the SDK until it expires. Revocations reach it through the status list it names.</p>
    <${Field} id="checkout-days" label="Lifetime in days" hint="Blank: the policy's default. Never past the license's expiry unless the policy allows it.">
      <input id="checkout-days" type="number" min="1" max="3650" step="1" inputmode="numeric" value=${days} onInput=${(e) => setDays(e.currentTarget.value)} />
    <//>
    <div class="field">
      <label class="lic-check" for="checkout-encrypt">
        <input id="checkout-encrypt" type="checkbox" checked=${encrypt} onChange=${(e) => setEncrypt(e.currentTarget.checked)} />
        Encrypt (readable only with the license key)
      </label>
    </div>
    <${ErrorNote} error=${checkout.error} />
    <div class="form-actions">
      <${Button} onClick=${onCancel}>Cancel<//>
      <${Button} kind="primary" type="submit" busy=${checkout.busy}>Download license file<//>
    </div>
  </form>`;
}

/**
 * Paste or pick the device's file: an activation request takes a seat and answers a machine file; a removal proof frees one.
 * @param {{ license: License, onDone: (message: string) => void, onCancel: () => void }} props
 */
export function OfflineUploadForm({ license, onDone, onCancel }) {
  const { api } = useApp();
  const [text, setText] = useState("");
  const upload = useAction(async () => {
    if (text.includes("DEACTIVATION PROOF")) {
      const out = await api.post("/v1/offline/deactivations", { proof: text, license_id: license.id });
      onDone(`Seat of ${out.activation.fingerprint} released.`);
      return;
    }
    const out = await api.post("/v1/offline/activations", { request: text, license_id: license.id });
    download(`${license.id}-${out.activation.id}.lic`, out.license_file.license_file);
    onDone(`${out.created ? "Activated" : "Already active"}: ${out.activation.fingerprint}. The machine file was downloaded; give it to the device.`);
  });
  return html`<form
    onSubmit=${(e) => {
      e.preventDefault();
      upload.run();
    }}
  >
    <p class="muted">For a device that never reaches the service: its activation request (or removal proof), written by the SDK.</p>
    <${Field} id="offline-file" label="Request or proof file">
      <input
        id="offline-file"
        type="file"
        accept=".txt,.req,text/plain"
        onChange=${async (e) => {
          const file = e.currentTarget.files?.[0];
          if (file) setText(await file.text());
        }}
      />
    <//>
    <${Field} id="offline-text" label="…or its text">
      <textarea id="offline-text" rows="6" spellcheck="false" value=${text} onInput=${(e) => setText(e.currentTarget.value)}></textarea>
    <//>
    <${ErrorNote} error=${upload.error} />
    <div class="form-actions">
      <${Button} onClick=${onCancel}>Cancel<//>
      <${Button} kind="primary" type="submit" disabled=${!text.trim()} busy=${upload.busy}>Upload<//>
    </div>
  </form>`;
}
