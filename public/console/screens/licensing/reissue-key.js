// "Reissue key" (POST /v1/licenses/{id}/reissue-key): for the customer who lost their key, which
// can never be re-sent (only its hash is kept). A confirmation says the old key dies at once; the
// answer's new key is shown once, in the dialog, and forgotten when the dialog closes.
import { path } from "../../lib/api.js";
import { html, useEffect, useRef, useState } from "../../lib/html.js";
import { Button, ErrorNote, Modal, SecretOnce, useAction, useApp } from "../../lib/ui.js";

/** @typedef {import("../../lib/api.js").Schema<"License">} License */

/**
 * The action and its dialog. `onReissued` is told once the license has a new key (so the screen
 * reloads its prefix); the key itself never leaves this component.
 * @param {{ license: License, onReissued: () => void }} props
 */
export function ReissueKeyButton({ license, onReissued }) {
  const { api } = useApp();
  const [open, setOpen] = useState(false);
  // The new key lives here only while the dialog shows it, with the prefix of the key it replaced
  // (the license reloads behind the dialog and then carries the new prefix).
  const [issued, setIssued] = useState(/** @type {{ key: string, previous: string } | null} */ (null));
  const key = issued?.key ?? null;
  const body = useRef(null);
  const reissue = useAction(async () => {
    const previous = license.key_prefix;
    const answer = await api.post(path("/v1/licenses/{id}/reissue-key", { id: license.id }));
    setIssued({ key: answer.key, previous });
    onReissued();
  });
  const start = () => {
    reissue.clear();
    setIssued(null);
    setOpen(true);
  };
  const close = () => {
    setIssued(null);
    setOpen(false);
  };
  // The confirm button that had focus is gone once the key shows: focus moves to its Copy button,
  // so a keyboard user lands on the one thing to do next.
  useEffect(() => {
    if (key) body.current?.querySelector("[data-secret] + button")?.focus();
  }, [key]);

  return html`<${Button} onClick=${start}>Reissue key<//>
    <${Modal} title=${key ? "New license key" : "Reissue this license's key?"} open=${open} onClose=${close}>
      <div ref=${body}>
        ${
          key
            ? html`<${SecretOnce} label="the new key" secret=${key}>
                <p class="small">
                  Shown once: send it to the customer now. The old key <code>${issued.previous}…</code> no longer works; their devices, seats and
                  tokens stay.
                </p>
              <//>
              <div class="form-actions"><${Button} kind="primary" onClick=${close}>Done<//></div>`
            : html`<p>
                  A new key replaces <code>${license.key_prefix}…</code>. <strong>The current key stops working at once:</strong> any app or customer still
                  using it is answered <code>NOT_FOUND</code> from the next request on.
                </p>
                <p class="muted">
                  The license keeps its devices, seats, customer and expiry, and tokens already issued stay valid. The new key is shown once, here, and
                  cannot be shown again.
                </p>
                <${ErrorNote} error=${reissue.error} />
                <div class="form-actions">
                  <${Button} onClick=${close}>Cancel<//>
                  <${Button} kind="danger" busy=${reissue.busy} onClick=${reissue.run}>Reissue key<//>
                </div>`
        }
      </div>
    <//>`;
}
