// Device keys (proof of possession, RFC 9449 DPoP): the policy option in words a seller can choose
// by, its short form for the policies list, and an activation's key as the license page shows it
// (the RFC 7638 thumbprint, shortened, with the whole value one click away).
import { html } from "../../lib/html.js";

/** @typedef {import("../../lib/api.js").Schema<"Policy">["proof_of_possession"]} ProofMode */

/** @type {Record<ProofMode, { label: string, hint: string }>} */
export const PROOF_MODES = {
  none: {
    label: "None",
    hint: "Any copy of a license key works: a device proves nothing but that it knows the key. Device keys are ignored.",
  },
  optional: {
    label: "Optional",
    hint: "Devices that activate with a device key (apps built with the SDK's device key do) are bound to it: from then on, that device's checks work only with its key. Devices without one work as before.",
  },
  required: {
    label: "Required",
    hint: "Every device must prove its own key, when it activates and on every check: copied tokens, license files and machine files are useless on another computer. Older app versions without the SDK's device key stop working.",
  },
};

/**
 * The policy form's choice, as radios each explained in plain words. `was` is the saved policy's
 * mode when editing: switching to `required` then says what happens to devices already activated.
 * @param {{ value: ProofMode, was?: ProofMode, onChange: (mode: ProofMode) => void }} props
 */
export function ProofField({ value, was, onChange }) {
  const tightening = was !== undefined && was !== "required" && value === "required";
  return html`<fieldset class="lic-fieldset lic-choices" aria-describedby="policy-proof-intro">
    <legend>Device keys (proof of possession)</legend>
    <p class="muted small" id="policy-proof-intro">
      Whether each device must prove it holds its own private key, so a copied license token or file does not work on another computer.
    </p>
    ${Object.entries(PROOF_MODES).map(
      ([mode, { label, hint }]) => html`<div class="lic-choice">
        <input
          id=${`policy-proof-${mode}`}
          type="radio"
          name="policy-proof"
          value=${mode}
          checked=${value === mode}
          aria-describedby=${`policy-proof-${mode}-hint`}
          onChange=${() => onChange(/** @type {ProofMode} */ (mode))}
        />
        <label for=${`policy-proof-${mode}`}>${label}</label>
        <small class="muted" id=${`policy-proof-${mode}-hint`}>${hint}</small>
      </div>`,
    )}
    ${
      tightening
        ? html`<p class="lic-note" role="note">
          Devices already activated without a key are refused until they activate again with one (the activation then binds them).
        </p>`
        : null
    }
  </fieldset>`;
}

/** The mode in the policies list: muted when off, so the ones that bind stand out in words. */
export function ProofSummary({ mode }) {
  const label = PROOF_MODES[mode]?.label ?? mode;
  return mode === "none" ? html`<span class="muted">${label}</span>` : label;
}

/**
 * An activation's device key: "Key-bound" with the start of its thumbprint, the whole thumbprint
 * in a disclosure (readable and copyable by keyboard, touch and screen reader alike), or "None".
 * @param {{ jkt: string | null }} props
 */
export function DeviceKey({ jkt }) {
  if (!jkt) return html`<span class="muted">None</span>`;
  return html`<details class="lic-key">
    <summary><span class="badge badge-key">Key-bound</span> <code title=${jkt}>${jkt.slice(0, 8)}…</code></summary>
    <p class="small">Key thumbprint (RFC 7638): <code class="lic-fingerprint">${jkt}</code></p>
  </details>`;
}
