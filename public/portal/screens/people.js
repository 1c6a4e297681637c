// The customer's people, for its admins: who is in the organisation (name, email, Admin or
// Member), a form to add someone (errors said in words, tied to their field), and removing someone
// after a confirmation that says their seats end with them. Seats themselves are given on each
// license's page (screens/holders.js). A member who opens #/people is told why there is nothing
// here for them; the API would refuse them anyway.
import { sellerName } from "../lib/brand.js";
import { html, useRef, useState } from "../lib/html.js";
import { Button, Confirm, ErrorNote, useAction, useApp, useFocusHeading, useLoad } from "../lib/ui.js";
import { byName, day, personName, roleWords } from "../lib/words.js";

/** @typedef {import("../lib/api.js").Schema<"PortalUser">} User */
/** @typedef {{ email?: string, name?: string }} FieldErrors */

/**
 * What the service refused, said at the field it concerns; null when it concerns no field (the
 * general error note says it then).
 * @param {any} error a PortalError
 * @param {string} email what was sent
 * @returns {FieldErrors | null}
 */
function fieldErrors(error, email) {
  if (error?.code === "CONFLICT") return { email: `${email} is already one of your people.` };
  if (error?.code !== "VALIDATION_FAILED" || !Array.isArray(error.details)) return null;
  /** @type {FieldErrors} */
  const out = {};
  for (const issue of error.details) {
    if (issue?.path === "email") out.email = "Enter a whole email address, like name@example.com.";
    else if (issue?.path === "name") out.name = `This name cannot be used: ${issue.message}`;
  }
  return out.email || out.name ? out : null;
}

/** The checks the page can make before asking the service (which checks again). */
function check(email) {
  if (!email) return { email: "Enter their email address." };
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) return { email: "Enter a whole email address, like name@example.com." };
  return null;
}

/** A field's error, the text its input names in aria-describedby; said as it appears. */
const FieldError = ({ id, text }) => (text ? html`<p id=${id} class="field-error" role="alert"><span aria-hidden="true">✕ </span>${text}</p>` : null);

/** @param {{ onAdded: () => Promise<void> }} props */
function AddPersonForm({ onAdded }) {
  const { api, notify } = useApp();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [admin, setAdmin] = useState(false);
  const [errors, setErrors] = useState(/** @type {FieldErrors} */ ({}));
  const emailInput = useRef(/** @type {HTMLInputElement | null} */ (null));
  const nameInput = useRef(/** @type {HTMLInputElement | null} */ (null));
  /** Shows field errors and puts focus on the first, once it is rendered (so its description is read). */
  const refuse = (/** @type {FieldErrors} */ found) => {
    setErrors(found);
    requestAnimationFrame(() => (found.email ? emailInput : nameInput).current?.focus());
  };
  const add = useAction(async () => {
    const address = email.trim();
    const found = check(address);
    if (found) return refuse(found);
    setErrors({});
    let user;
    try {
      user = await api.addUser({ email: address, name: name.trim() || null, role: admin ? "admin" : "member" });
    } catch (err) {
      const fields = fieldErrors(err, address);
      if (!fields) throw err;
      return refuse(fields);
    }
    setEmail("");
    setName("");
    setAdmin(false);
    await onAdded();
    notify(`${personName(user)} was added. Give them a seat from a license's page.`);
  });
  return html`<section class="panel" aria-labelledby="add-person-heading">
    <h2 id="add-person-heading">Add a person</h2>
    <form
      class="person-form"
      novalidate
      onSubmit=${(e) => {
        e.preventDefault();
        add.run();
      }}
    >
      <div class="field">
        <label for="person-email">Email</label>
        <input
          id="person-email"
          ref=${emailInput}
          type="email"
          autocomplete="off"
          spellcheck="false"
          required
          aria-invalid=${errors.email ? "true" : "false"}
          aria-describedby=${errors.email ? "person-email-error" : undefined}
          value=${email}
          onInput=${(e) => setEmail(e.currentTarget.value)}
        />
        <${FieldError} id="person-email-error" text=${errors.email} />
      </div>
      <div class="field">
        <label for="person-name">Name <span class="muted">(optional)</span></label>
        <input
          id="person-name"
          ref=${nameInput}
          type="text"
          autocomplete="off"
          aria-invalid=${errors.name ? "true" : "false"}
          aria-describedby=${errors.name ? "person-name-error" : undefined}
          value=${name}
          onInput=${(e) => setName(e.currentTarget.value)}
        />
        <${FieldError} id="person-name-error" text=${errors.name} />
      </div>
      <div class="check">
        <input id="person-admin" type="checkbox" checked=${admin} aria-describedby="person-admin-hint" onChange=${(e) => setAdmin(e.currentTarget.checked)} />
        <div>
          <label for="person-admin">Admin</label>
          <p id="person-admin-hint" class="small muted">Admins can add and remove people and give seats, as you can.</p>
        </div>
      </div>
      <${ErrorNote} error=${add.error} />
      <${Button} kind="primary" type="submit" busy=${add.busy}>Add person<//>
    </form>
  </section>`;
}

/** @param {{ user: User, you: boolean, onRemove: (user: User) => void }} props */
function PersonRow({ user, you, onRemove }) {
  return html`<li class="row">
    <div class="row-main">
      <div class="person-head">
        <h3>${personName(user)}</h3>
        <span class=${`tag tag-${user.role}`}>${roleWords(user.role)}</span>
        ${you ? html`<span class="tag tag-you">You</span>` : null}
      </div>
      <p class="muted small">${user.name ? html`${user.email} · ` : null}Added ${day(user.created_at)}</p>
    </div>
    ${
      you
        ? null
        : html`<div class="row-actions">
          <${Button} aria-label=${`Remove ${personName(user)}`} onClick=${() => onRemove(user)}>Remove<//>
        </div>`
    }
  </li>`;
}

export function PeopleScreen() {
  const { api, notify, viewer, branding } = useApp();
  const heading = useRef(null);
  const listHeading = useRef(null);
  const [target, setTarget] = useState(/** @type {User | null} */ (null));
  const allowed = Boolean(viewer?.can_manage_users);
  // Not asked of the service until the page knows the viewer may: a member's request is a 403.
  const users = useLoad(async () => (allowed ? api.users() : null), [api, allowed]);
  useFocusHeading(heading, []);
  const remove = async () => {
    const user = target;
    await api.removeUser(user.id);
    await users.reload();
    notify(`${personName(user)} was removed. Their seats have ended.`);
  };
  const list = byName(users.data?.data ?? []);
  return html`<nav class="crumbs" aria-label="Breadcrumb"><a href="#/">← All your licenses</a></nav>
    <header class="page-header">
      <h1 ref=${heading} tabindex="-1">People</h1>
      <p class="lead">The people in your organisation. Add someone here, then give them a seat on a license from that license's page.</p>
    </header>
    ${
      !viewer
        ? html`<p class="loading" aria-busy="true">Loading…</p>`
        : !allowed
          ? html`<p class="panel">Only your organisation's admins can add people and give seats. Ask one of them to do it for you.</p>`
          : html`<${AddPersonForm} onAdded=${users.reload} />
            <section class="section" aria-labelledby="people-heading">
              <h2 id="people-heading" ref=${listHeading} tabindex="-1">
                Your people${users.data ? html` <span class="muted count">(${list.length}${users.data.has_more ? "+" : ""})</span>` : null}
              </h2>
              <${ErrorNote} error=${users.error} />
              ${
                users.loading && !users.data
                  ? html`<p class="loading" aria-busy="true">Loading your people…</p>`
                  : list.length === 0
                    ? html`<p class="panel">Nobody yet. Add the first person above.</p>`
                    : html`<ul class="rows" aria-label="People">
                        ${list.map((user) => html`<${PersonRow} key=${user.id} user=${user} you=${viewer.user?.id === user.id} onRemove=${setTarget} />`)}
                      </ul>`
              }
              ${
                users.data?.has_more
                  ? html`<p class="muted small">Only the first ${list.length} people are shown here. ${sellerName(branding)} can see everyone.</p>`
                  : null
              }
            </section>`
    }
    ${
      target
        ? html`<${Confirm}
            title=${`Remove ${personName(target)}?`}
            confirmLabel="Remove"
            onConfirm=${remove}
            onClose=${() => setTarget(null)}
            heading=${listHeading}
          >
            <p>Their seats on your licenses end now: any app they have open stops using your licenses.</p>
            <p>You can add them again later, but you will have to give them their seats again.</p>
          <//>`
        : null
    }`;
}
