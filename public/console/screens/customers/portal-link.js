// "Portal link" on a customer's page (POST /v1/portal/sessions): a one-time link to the customer
// portal, for a seller who answers a support request by hand rather than from their own backend.
// The link lives in the dialog only, with when it stops working and what must not happen to it,
// and can be revoked there (DELETE /v1/portal/sessions/{id}); closing the dialog forgets it.
// The link is shown as text, never as an anchor: opening it would spend its one use and sign the
// seller in as the customer, and the seller must never act as their customer.
import { path } from "../../lib/api.js";
import { html, useEffect, useRef, useState } from "../../lib/html.js";
import { Button, ErrorNote, Id, Modal, useAction, useApp } from "../../lib/ui.js";
import { customerName } from "./common.js";

/** @typedef {import("../../lib/api.js").Schema<"CustomerDetail">} CustomerDetail */
/** @typedef {import("../../lib/api.js").Schema<"CreatedPortalSession">} CreatedPortalSession */

/** "22:41": the link lasts 10 minutes, so the time of day says it all. */
const clock = (/** @type {string} */ iso) => new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });

/** "22:41 tomorrow"-like: the session's end can be up to 12 hours away, so it keeps its date. */
const dateTime = (/** @type {string} */ iso) => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

/**
 * Whether `iso` has passed, looked at again every few seconds while `watch` holds, so an open
 * dialog says when its link stops working rather than offering a dead one.
 * @param {string | null} iso
 * @param {boolean} watch
 */
function usePassed(iso, watch) {
  const [, tick] = useState(0);
  useEffect(() => {
    if (!iso || !watch) return undefined;
    const timer = setInterval(() => tick((n) => n + 1), 5_000);
    return () => clearInterval(timer);
  }, [iso, watch]);
  return iso ? Date.parse(iso) <= Date.now() : false;
}

/**
 * The link and its Copy button. Where the clipboard is refused (permissions, an insecure origin)
 * the link's text is selected instead, so Ctrl+C copies it.
 * @param {{ url: string }} props
 */
function LinkToCopy({ url }) {
  const [copied, setCopied] = useState(/** @type {boolean | null} */ (null));
  const text = useRef(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      window.getSelection()?.selectAllChildren(text.current);
      setCopied(false);
    }
  };
  return html`<div class="portal-link-row">
      <code class="secret" id="portal-link-url" data-secret ref=${text}>${url}</code>
      <${Button} kind="primary" data-autofocus aria-describedby="portal-link-url" onClick=${copy}>Copy link<//>
    </div>
    <p class="small portal-link-copied" role="status">
      ${copied === true ? "Copied to the clipboard." : copied === false ? "The clipboard is not available here: the link is selected, copy it with Ctrl+C (⌘C)." : ""}
    </p>`;
}

/**
 * The action and its dialog; not offered without portal:write, nor for an erased customer (the
 * API answers 409: there is nobody left to send it to).
 * @param {{ customer: CustomerDetail }} props
 */
export function PortalLinkButton({ customer }) {
  const { api, can } = useApp();
  const [open, setOpen] = useState(false);
  const [session, setSession] = useState(/** @type {CreatedPortalSession | null} */ (null));
  const [step, setStep] = useState(/** @type {"link" | "confirm" | "revoked"} */ ("link"));
  const body = useRef(null);
  const create = useAction(async () => setSession(await api.post("/v1/portal/sessions", { customer_id: customer.id })));
  const revoke = useAction(async () => {
    await api.del(path("/v1/portal/sessions/{id}", { id: session.id }));
    setStep("revoked");
  });
  const expired = usePassed(session?.code_expires_at ?? null, open && step === "link");
  // Each step replaces the buttons that had focus: focus moves to the step's own first control
  // (Copy, then "Keep the link" rather than the destructive one, then Done), inside the dialog.
  useEffect(() => {
    if (open) body.current?.querySelector("[data-autofocus]")?.focus();
  }, [open, step, Boolean(session)]);

  if (!can("portal:write") || customer.erased_at) return null;
  const name = customerName(customer);
  const start = () => {
    setSession(null);
    setStep("link");
    revoke.clear();
    setOpen(true);
    create.run();
  };
  const close = () => {
    setSession(null);
    setOpen(false);
  };

  const content = () => {
    if (!session) {
      return html`${create.busy ? html`<p class="muted" role="status">Creating a link…</p>` : null}
        <${ErrorNote} error=${create.error} />
        <div class="form-actions">
          ${create.error ? html`<${Button} data-autofocus onClick=${create.run}>Try again<//>` : null}
          <${Button} onClick=${close}>Close<//>
        </div>`;
    }
    if (step === "revoked") {
      return html`<p role="status" class="portal-link-revoked">
          <strong>Revoked.</strong> The link no longer works, and if ${name} had opened it, their portal session has ended.
        </p>
        <div class="form-actions"><${Button} kind="primary" data-autofocus onClick=${close}>Done<//></div>`;
    }
    if (step === "confirm") {
      return html`<p><strong>Revoke this portal link?</strong></p>
        <p>It stops working at once. If ${name} has already opened it, the portal signs them out at their next click.</p>
        <${ErrorNote} error=${revoke.error} />
        <div class="form-actions">
          <${Button} data-autofocus onClick=${() => setStep("link")}>Keep the link<//>
          <${Button} kind="danger" busy=${revoke.busy} onClick=${revoke.run}>Revoke link<//>
        </div>`;
    }
    return html`<p>Send this link to ${name} only: whoever opens it first can manage ${name}'s licenses, devices and seats.</p>
      <div class="secret-once portal-link">
        ${
          expired
            ? html`<p class="warning" role="status">
                <strong>This link has expired.</strong> If ${name} opened it in time, their session goes on until it is idle or revoked.
              </p>`
            : html`<p class="warning">
                <strong>Works once, until <time datetime=${session.code_expires_at}>${clock(session.code_expires_at)}</time>.</strong>
              </p>`
        }
        <${LinkToCopy} url=${session.url} />
        <p class="small">
          Never store it, log it or paste it into a shared ticket: it signs whoever holds it in as ${name}. Do not open it yourself, as that
          spends it.
        </p>
      </div>
      <p class="muted small">
        Session <${Id} value=${session.id} />: once opened, it ends after 30 minutes without use, or at
        <time datetime=${session.expires_at}> ${dateTime(session.expires_at)}</time> at the latest. It can be revoked only here, or through
        the API with its id.
      </p>
      <div class="form-actions">
        <${Button} kind="danger" onClick=${() => setStep("confirm")}>Revoke<//>
        <${Button} onClick=${close}>Done<//>
      </div>`;
  };

  return html`<${Button} onClick=${start}>Portal link<//>
    <${Modal} title=${`Portal link for ${name}`} open=${open} onClose=${close}>
      <div ref=${body}>${content()}</div>
    <//>`;
}
