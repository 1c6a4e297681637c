// A license's files: the license file an app can use without the internet, and the air-gapped
// exchange (the device writes a request file, the customer carries it here, and carries the
// response file back). Files are the API's text handed to the browser as downloads, never shown
// as markup; a request file is read as text and sent as it is.
import { html, useState } from "../lib/html.js";
import { Button, download, ErrorNote, useAction, useApp } from "../lib/ui.js";
import { day } from "../lib/words.js";

/** @typedef {import("../lib/api.js").Schema<"PortalLicense">} License */

/** @param {{ license: License, reload: () => Promise<void> }} props */
export function FilesSection({ license, reload }) {
  const { api, notify } = useApp();
  const [request, setRequest] = useState("");
  const [fileName, setFileName] = useState("");
  const licenseFile = useAction(async () => {
    const out = await api.checkout(license.id);
    download(`${license.id}.lic`, out.license_file);
    notify(`Your license file was downloaded${out.expires_at ? `. It works until ${day(out.expires_at)}` : ""}.`);
  });
  const exchange = useAction(async () => {
    const out = await api.offlineActivate(license.id, request.trim());
    download(`${license.id}-${out.activation.id}.lic`, out.license_file.license_file);
    setRequest("");
    setFileName("");
    await reload();
    notify(
      out.created
        ? "The device is activated. Copy the downloaded response file to it to finish."
        : "That device was already activated: a fresh response file was downloaded. Copy it to the device.",
    );
  });
  return html`<section class="section" aria-labelledby="files-heading">
    <h2 id="files-heading">Files</h2>
    <div class="panel">
      <h3>License file</h3>
      <p>Some apps can work without the internet from a license file. Download it, then open it in the app when it asks for one.</p>
      <${ErrorNote} error=${licenseFile.error} />
      <${Button} kind="primary" busy=${licenseFile.busy} onClick=${licenseFile.run}>Download license file<//>
    </div>
    <div class="panel">
      <h3>Activate a device that has no internet</h3>
      <ol class="steps">
        <li>In the app on that device, choose to activate offline. It saves a request file: copy it to this computer (a USB stick works).</li>
        <li>Choose the request file here, or paste its text.</li>
        <li>A response file downloads. Copy it back to the device and open it in the app to finish.</li>
      </ol>
      <form
        class="offline-form"
        onSubmit=${(e) => {
          e.preventDefault();
          exchange.run();
        }}
      >
        <div class="field">
          <label for="offline-file">Request file</label>
          <input
            id="offline-file"
            type="file"
            accept=".req,.txt,text/plain"
            onChange=${async (e) => {
              const picked = e.currentTarget.files?.[0];
              if (!picked) return;
              setFileName(picked.name);
              setRequest(await picked.text());
            }}
          />
        </div>
        <div class="field">
          <label for="offline-text">Or paste the request file's text</label>
          <textarea
            id="offline-text"
            rows="4"
            spellcheck="false"
            placeholder="-----BEGIN ACTIVATION REQUEST-----"
            value=${request}
            onInput=${(e) => {
              setRequest(e.currentTarget.value);
              setFileName("");
            }}
          ></textarea>
          ${fileName ? html`<small class="muted">Read from ${fileName}.</small>` : null}
        </div>
        <${ErrorNote} error=${exchange.error} />
        <${Button} kind="primary" type="submit" disabled=${!request.trim()} busy=${exchange.busy}>Activate and download the response file<//>
      </form>
    </div>
  </section>`;
}
