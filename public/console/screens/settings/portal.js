// Settings › Customer portal (the `portal` object of GET/PATCH /v1/tenant): the name, accent
// colour and support contacts the portal shows a seller's customers, and the origins a portal
// link's return_url may point to. The API is the judge of every value: its 422 `details` are shown
// under the field they name. Read-only without tenants:write.
import { path } from "../../lib/api.js";
import { contrast, isHexColour, MIN_CONTRAST, PORTAL_PAGE, ratioText, WHITE } from "../../lib/contrast.js";
import { html, useState } from "../../lib/html.js";
import { Button, ErrorNote, useAction, useApp } from "../../lib/ui.js";
import { FieldError } from "../licensing/common.js";

/** @typedef {import("../../lib/api.js").Schema<"Tenant">} Tenant */
/** @typedef {Tenant["portal"]} Branding */
/** @typedef {{ display_name: string, accent_color: string, support_email: string, support_url: string, return_origins: string }} Draft */

/** The portal's own accent (public/portal/lib/brand.js), used when a seller sets none or an unreadable one. */
const DEFAULT_ACCENT = "#2f5bd3";
const MAX_ORIGINS = 10;
/** The native picker's own name: not containing "Accent colour", so that label finds one control. */
const PICKER_LABEL = "Colour picker";

/** Each field: the API's name for it (the `portal.<name>` of a detail's path), its input's id and label. */
const FIELDS = /** @type {const} */ ({
  display_name: { id: "portal-name", label: "Display name" },
  accent_color: { id: "portal-accent", label: "Accent colour" },
  support_email: { id: "portal-email", label: "Support email" },
  support_url: { id: "portal-url", label: "Support page" },
  return_origins: { id: "portal-origins", label: "Return origins" },
});

/** @param {Branding} b @returns {Draft} */
const draftOf = (b) => ({
  display_name: b.display_name ?? "",
  accent_color: b.accent_color ?? "",
  support_email: b.support_email ?? "",
  support_url: b.support_url ?? "",
  return_origins: b.return_origins.join("\n"),
});

/** "2F5BD3" → "#2F5BD3": the # is easy to leave out when pasting from a design tool. */
const accentOf = (/** @type {string} */ text) => {
  const t = text.trim();
  return /^[0-9a-f]{6}$/i.test(t) ? `#${t}` : t;
};

/** One per line; a trailing "/" dropped, as browsers show an origin with one and the API takes it without. */
const originsOf = (/** @type {string} */ text) =>
  text
    .split("\n")
    .map((line) => line.trim().replace(/^(https?:\/\/[^/]+)\/$/i, "$1"))
    .filter(Boolean);

/** @param {Draft} d @returns {Branding} what PATCH /v1/tenant takes as `portal`: empty means none */
const brandingOf = (d) => ({
  display_name: d.display_name.trim() || null,
  accent_color: accentOf(d.accent_color) || null,
  support_email: d.support_email.trim() || null,
  support_url: d.support_url.trim() || null,
  return_origins: originsOf(d.return_origins),
});

/**
 * The API's field details sorted by field: `portal.return_origins.2` names the third origin sent,
 * so its message says which one. Details naming no field here stay with the error itself.
 * @param {any} error
 * @param {Branding} sent
 */
function splitDetails(error, sent) {
  /** @type {Partial<Record<keyof typeof FIELDS, string[]>>} */
  const byField = {};
  const rest = [];
  for (const d of Array.isArray(error?.details) ? error.details : []) {
    const [root, field, index] = String(d.path ?? "").split(".");
    if (root !== "portal" || !(field in FIELDS)) {
      rest.push(d);
      continue;
    }
    const which = field === "return_origins" && index !== undefined ? `${sent.return_origins[Number(index)] ?? `Line ${Number(index) + 1}`}: ` : "";
    byField[field] = [...(byField[field] ?? []), `${which}${d.message}`];
  }
  // What ErrorNote reads, without the details already shown under their fields.
  const left = error ? { message: error.message, code: error.code, requestId: error.requestId, details: rest.length ? rest : undefined } : null;
  return { byField, rest: left };
}

/**
 * A labelled control with its hint and its errors, both named by the control's aria-describedby.
 * `after` comes below them all (the accent's preview), so hint and error stay next to the control.
 * @param {{ name: keyof typeof FIELDS, hint?: string, errors?: string[], after?: any, children: (describedBy: string, invalid: boolean) => any }} props
 */
function PortalField({ name, hint, errors, after, children }) {
  const { id, label } = FIELDS[name];
  const described = [hint ? `${id}-hint` : "", errors?.length ? `${id}-error` : ""].filter(Boolean).join(" ");
  return html`<div class="field">
    <label for=${id}>${label}</label>
    ${children(described || undefined, Boolean(errors?.length))}
    ${hint ? html`<small class="muted" id=${`${id}-hint`}>${hint}</small>` : null}
    <${FieldError} id=${`${id}-error`} message=${errors?.length ? errors.join(" ") : null} />
    ${after}
  </div>`;
}

/**
 * The accent as the portal will use it: a swatch (no text on it, so nothing for a reader to
 * fail to read) and its contrast with white; below 4.5:1 on white or on the portal's page, a
 * warning that the portal keeps its own accent.
 * @param {{ colour: string }} props
 */
function AccentPreview({ colour }) {
  if (!colour) return html`<p class="muted small portal-accent-note">None set: the portal uses its own blue.</p>`;
  if (!isHexColour(colour)) return html`<p class="muted small portal-accent-note">No preview: write the colour as #rrggbb.</p>`;
  const onWhite = contrast(colour, WHITE);
  const onPage = contrast(colour, PORTAL_PAGE);
  const problem =
    onWhite < MIN_CONTRAST
      ? `Under the ${MIN_CONTRAST}:1 that text needs`
      : onPage < MIN_CONTRAST
        ? `On the portal's light grey page it is ${ratioText(onPage)}, under the ${MIN_CONTRAST}:1 that text needs`
        : null;
  return html`<div class="portal-accent-preview">
    <span class="portal-swatch" role="img" aria-label=${`Preview of ${colour}`} style=${{ backgroundColor: colour }}></span>
    <span class="small">Contrast with white: <strong>${ratioText(onWhite)}</strong></span>
    <p class="portal-contrast-warning" role="status">
      ${problem ? html`<strong>${problem}:</strong> the portal keeps its own blue for buttons and links until the colour is darker.` : null}
    </p>
  </div>`;
}

/** @param {{ tenant: Tenant, onSaved: () => void }} props */
function PortalForm({ tenant, onSaved }) {
  const { api } = useApp();
  const [draft, setDraft] = useState(() => draftOf(tenant.portal));
  const [sent, setSent] = useState(/** @type {Branding | null} */ (null));
  const save = useAction(async (/** @type {Branding} */ portal) => {
    await api.patch(path("/v1/tenant", {}), { portal });
    onSaved();
  });
  const set = (/** @type {keyof Draft} */ key) => (e) => setDraft((d) => ({ ...d, [key]: e.currentTarget.value }));
  const next = brandingOf(draft);
  const unchanged = JSON.stringify(next) === JSON.stringify(brandingOf(draftOf(tenant.portal)));
  const { byField, rest } = splitDetails(save.error, sent ?? next);
  const submit = (e) => {
    e.preventDefault();
    setSent(next);
    save.run(next);
  };
  const accent = accentOf(draft.accent_color);
  const pickable = isHexColour(accent) ? accent.toLowerCase() : DEFAULT_ACCENT;
  /** A text input bound to its draft field. */
  const text =
    (/** @type {keyof Draft} */ key, type, extra = {}) =>
    (describedBy, invalid) =>
      html`<input
      id=${FIELDS[key].id}
      type=${type}
      value=${draft[key]}
      aria-describedby=${describedBy}
      aria-invalid=${invalid ? "true" : undefined}
      onInput=${set(key)}
      ...${extra}
    />`;

  return html`<form class="portal-form" onSubmit=${submit} noValidate>
    <${PortalField} name="display_name" hint="Your name as your customers know it, in the portal's header and title." errors=${byField.display_name}>
      ${text("display_name", "text", { maxLength: 100, autocomplete: "organization" })}
    <//>
    <${PortalField}
      name="accent_color"
      hint="For buttons and links, as #rrggbb. Empty: the portal's own blue."
      errors=${byField.accent_color}
      after=${html`<${AccentPreview} colour=${accent} />`}
    >
      ${(describedBy, invalid) => html`<div class="portal-accent-row">
        ${text("accent_color", "text", { placeholder: DEFAULT_ACCENT, spellcheck: false, autocomplete: "off", class: "portal-accent-text" })(describedBy, invalid)}
        <input
          type="color"
          class="portal-accent-picker"
          aria-label=${PICKER_LABEL}
          value=${pickable}
          onInput=${(e) => setDraft((d) => ({ ...d, accent_color: e.currentTarget.value }))}
        />
      </div>`}
    <//>
    <${PortalField} name="support_email" hint="Where the portal tells customers to write for help." errors=${byField.support_email}>
      ${text("support_email", "email", { autocomplete: "email", spellcheck: false })}
    <//>
    <${PortalField} name="support_url" hint="Your help page, https only." errors=${byField.support_url}>
      ${text("support_url", "url", { placeholder: "https://example.com/help", spellcheck: false })}
    <//>
    <${PortalField}
      name="return_origins"
      hint=${`One per line, up to ${MAX_ORIGINS}: https origins without a path, such as https://app.example.com. A portal link's return_url must be on one of them.`}
      errors=${byField.return_origins}
    >
      ${(describedBy, invalid) => html`<textarea
        id=${FIELDS.return_origins.id}
        rows="3"
        spellcheck=${false}
        value=${draft.return_origins}
        aria-describedby=${describedBy}
        aria-invalid=${invalid ? "true" : undefined}
        onInput=${set("return_origins")}
      ></textarea>`}
    <//>
    <${ErrorNote} error=${rest} />
    <div class="form-actions set-actions">
      <${Button} kind="primary" type="submit" busy=${save.busy} disabled=${unchanged}>Save portal settings<//>
    </div>
  </form>`;
}

/** @param {{ portal: Branding }} props */
function PortalSummary({ portal }) {
  const none = html`<span class="muted">None</span>`;
  return html`<dl class="props">
      <dt>Display name</dt>
      <dd>${portal.display_name ?? none}</dd>
      <dt>Accent colour</dt>
      <dd>
        ${
          portal.accent_color
            ? html`<span class="portal-swatch portal-swatch-small" aria-hidden="true" style=${{ backgroundColor: portal.accent_color }}></span>
                <code>${portal.accent_color}</code>`
            : none
        }
      </dd>
      <dt>Support email</dt>
      <dd>${portal.support_email ?? none}</dd>
      <dt>Support page</dt>
      <dd>${portal.support_url ?? none}</dd>
      <dt>Return origins</dt>
      <dd>
        ${portal.return_origins.length ? html`<ul class="portal-origins">${portal.return_origins.map((o) => html`<li><code>${o}</code></li>`)}</ul>` : none}
      </dd>
    </dl>
    <p class="muted small">Changing them needs the <code>tenants:write</code> permission.</p>`;
}

/** @param {{ tenant: Tenant, onSaved: () => void }} props */
export function PortalSettings({ tenant, onSaved }) {
  const { can } = useApp();
  return html`<section class="card" aria-labelledby="portal-settings-title">
    <h2 id="portal-settings-title">Customer portal</h2>
    <p>
      What your customers see when you send them a portal link (from a customer's page, or from your own backend), where they free a device
      or a floating seat and download their license files.
    </p>
    ${
      can("tenants:write")
        ? html`<${PortalForm} key=${JSON.stringify(tenant.portal)} tenant=${tenant} onSaved=${onSaved} />`
        : html`<${PortalSummary} portal=${tenant.portal} />`
    }
  </section>`;
}
