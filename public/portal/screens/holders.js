// A license's named seats, for the customer's admins: how many of its places are taken ("2 of 5
// people"), who holds one (each can be taken back, which also ends their shared seat), the groups
// the seller set up (read-only here), and giving a seat to one of the customer's people. Shown
// only for a license whose policy counts people (max_users) or that someone holds already.
import { sellerName } from "../lib/brand.js";
import { html, useRef, useState } from "../lib/html.js";
import { Button, Confirm, ErrorNote, useAction, useApp, useLoad } from "../lib/ui.js";
import { byName, holdersWords, personName, roleWords } from "../lib/words.js";
import { DeviceMeter } from "./overview.js";

/** @typedef {import("../lib/api.js").Schema<"PortalLicense">} License */
/** @typedef {import("../lib/api.js").Schema<"PortalUser">} User */

/** After a change that may have removed the focused control, focus goes to `ref` instead of nowhere. */
const keepFocus = (ref) =>
  requestAnimationFrame(() => {
    if (!document.activeElement || document.activeElement === document.body) ref.current?.focus();
  });

/**
 * Giving a seat: a labelled choice among the customer's people without one, or words saying why
 * there is nothing to give (every seat taken, nobody left, nobody added yet).
 * @param {{ license: License, holders: import("../lib/api.js").Schema<"PortalHolders">, people: User[] | null, onChanged: () => Promise<void>, heading: any }} props
 */
function GiveSeat({ license, holders, people, onChanged, heading }) {
  const { api, notify } = useApp();
  const [choice, setChoice] = useState("");
  const [missing, setMissing] = useState(false);
  const select = useRef(/** @type {HTMLSelectElement | null} */ (null));
  const held = new Set(holders.users.map((u) => u.id));
  const candidates = byName((people ?? []).filter((u) => !held.has(u.id)));
  const give = useAction(async () => {
    const person = candidates.find((u) => u.id === choice);
    if (!person) {
      setMissing(true);
      select.current?.focus();
      return;
    }
    try {
      await api.giveSeat(license.id, person.id);
    } catch (err) {
      // Someone else took the last seat since this page loaded: show the license as it is now.
      if (err?.code === "TOO_MANY_USERS") {
        await onChanged();
        keepFocus(heading);
      }
      throw err;
    }
    setChoice("");
    await onChanged();
    notify(`${personName(person)} now has a seat on this license.`);
    keepFocus(heading);
  });
  const full = holders.max_users !== null && holders.holders >= holders.max_users;
  let body;
  if (full) {
    body = html`<p>All ${holders.max_users} seats are taken. Take a seat back from someone above to give it to another person.</p>`;
  } else if (!people) {
    body = html`<p class="loading" aria-busy="true">Loading your people…</p>`;
  } else if (candidates.length === 0) {
    body = html`<p>
      ${people.length === 0 ? "You have not added anyone yet." : "Everyone you have added has a seat."}${" "}
      <a href="#/people">Add people</a>, then come back here to give them a seat.
    </p>`;
  } else {
    body = html`<form
      class="give-seat"
      novalidate
      onSubmit=${(e) => {
        e.preventDefault();
        give.run();
      }}
    >
      <div class="field">
        <label for="give-seat-person">Give a seat to</label>
        <select
          id="give-seat-person"
          ref=${select}
          aria-invalid=${missing ? "true" : "false"}
          aria-describedby=${missing ? "give-seat-error" : undefined}
          value=${choice}
          onChange=${(e) => {
            setChoice(e.currentTarget.value);
            setMissing(false);
          }}
        >
          <option value="">Choose a person…</option>
          ${candidates.map((u) => html`<option key=${u.id} value=${u.id}>${u.name ? `${u.name} (${u.email})` : u.email}</option>`)}
        </select>
        ${missing ? html`<p id="give-seat-error" class="field-error" role="alert"><span aria-hidden="true">✕ </span>Choose who gets the seat.</p>` : null}
      </div>
      <${Button} kind="primary" type="submit" busy=${give.busy}>Give a seat<//>
    </form>`;
  }
  return html`<div class="panel give-seat-panel">
    ${body}
    <${ErrorNote} error=${give.error} />
  </div>`;
}

/** @param {{ license: License, reload: () => Promise<void> }} props */
export function HoldersSection({ license, reload }) {
  const { api, notify, branding } = useApp();
  const heading = useRef(null);
  const [target, setTarget] = useState(/** @type {User | null} */ (null));
  const holders = useLoad(() => api.holders(license.id), [api, license.id]);
  const people = useLoad(() => api.users(), [api]);
  const takeBack = async () => {
    const person = target;
    await api.takeSeat(license.id, person.id);
    // Their shared seats ended too: the license's own lists change as well.
    await Promise.all([holders.reload(), reload()]);
    notify(`The seat of ${personName(person)} was taken back.`);
  };
  const data = holders.data;
  // Someone no longer an admin (demoted by the seller since the page opened): nothing to offer.
  if (holders.error?.code === "FORBIDDEN") return null;
  if (!data) return holders.error ? html`<${ErrorNote} error=${holders.error} />` : null;
  if (data.max_users === null && data.users.length === 0 && data.groups.length === 0) return null;
  const seller = sellerName(branding);
  return html`<section class="section" aria-labelledby="holders-heading">
    <h2 id="holders-heading" ref=${heading} tabindex="-1">People with a seat</h2>
    <p class="muted">Only people with a seat can use this license. Take a seat back from someone who no longer needs it, and it is free for another.</p>
    <p class="holders-count">
      <span class="muted">Seats taken:</span> <strong>${holdersWords(data.holders, data.max_users)}</strong>${" "}
      <${DeviceMeter} devices=${{ used: data.holders, max: data.max_users }} />
    </p>
    <${ErrorNote} error=${holders.error} />
    ${
      data.users.length === 0
        ? html`<p class="panel">${data.groups.length ? "Nobody has a seat of their own." : "Nobody has a seat yet."}</p>`
        : html`<ul class="rows" aria-label="People with a seat">
            ${byName(data.users).map(
              (user) => html`<li key=${user.id} class="row">
                <div class="row-main">
                  <div class="person-head">
                    <h3>${personName(user)}</h3>
                    <span class=${`tag tag-${user.role}`}>${roleWords(user.role)}</span>
                  </div>
                  ${user.name ? html`<p class="muted small">${user.email}</p>` : null}
                </div>
                <div class="row-actions">
                  <${Button} aria-label=${`Take seat back from ${personName(user)}`} onClick=${() => setTarget(user)}>Take seat back<//>
                </div>
              </li>`,
            )}
          </ul>`
    }
    ${
      data.groups.length
        ? html`<h3 class="groups-heading">Groups with a seat</h3>
          <p class="muted small">Everyone in these groups can use this license. Only ${seller} can change who is in them.</p>
          <ul class="groups">
            ${data.groups.map(
              (group) => html`<li key=${group.id}>
                <strong>${group.name}</strong> (${group.members} ${group.members === 1 ? "person" : "people"}), managed by ${seller}
              </li>`,
            )}
          </ul>`
        : null
    }
    <${GiveSeat}
      license=${license}
      holders=${data}
      people=${people.data?.data ?? null}
      onChanged=${holders.reload}
      heading=${heading}
    />
    <${ErrorNote} error=${people.error} />
    ${
      target
        ? html`<${Confirm}
            title=${`Take back the seat of ${personName(target)}?`}
            confirmLabel="Take seat back"
            onConfirm=${takeBack}
            onClose=${() => setTarget(null)}
            heading=${heading}
          >
            <p>They can no longer use this license. If their app has a shared seat open now, it ends too.</p>
            <p>You can give them a seat again later, while one is free.</p>
          <//>`
        : null
    }
  </section>`;
}
