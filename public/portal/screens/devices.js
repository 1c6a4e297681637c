// A license's devices (each saying whether it is bound to its own device key) and shared seats.
// Freeing a device is what someone moving to a new computer needs: it asks first, saying how many
// devices may be freed per period (the policy's churn budget), and when that budget is spent says
// when the next one can be freed. A stuck shared seat (an app that crashed while holding it) is
// released the same way.
import { html, useRef, useState } from "../lib/html.js";
import { Button, Confirm, download, ErrorNote, useAction, useApp } from "../lib/ui.js";
import { ago, churnWords, day, instant } from "../lib/words.js";

/** @typedef {import("../lib/api.js").Schema<"PortalLicense">} License */
/** @typedef {import("../lib/api.js").Schema<"PortalDevice">} Device */
/** @typedef {import("../lib/api.js").Schema<"PortalSeat">} Seat */

/** A device as its owner knows it: the name the app gave it, its site, or a neutral label. */
export const deviceName = (/** @type {Device} */ device) => device.name || device.domain || "Unnamed device";

/** @param {{ license: License, reload: () => Promise<void> }} props */
export function DevicesSection({ license, reload }) {
  const { api, notify } = useApp();
  const heading = useRef(null);
  const [target, setTarget] = useState(/** @type {Device | null} */ (null));
  const file = useAction(async (/** @type {Device} */ device) => {
    const out = await api.checkout(license.id, device.id);
    download(`${license.id}-${device.id}.lic`, out.license_file);
    notify(`The machine file for ${deviceName(device)} was downloaded. Copy it to that device if it works offline.`);
  });
  const free = async () => {
    const device = target;
    await api.freeDevice(license.id, device.id);
    await reload();
    notify(`${deviceName(device)} was freed. You can now activate the app on your new device.`);
  };
  const devices = license.devices_list;
  return html`<section class="section" aria-labelledby="devices-heading">
    <h2 id="devices-heading" ref=${heading} tabindex="-1">Devices</h2>
    <p class="muted">
      ${
        license.devices.max === null
          ? "Your license works on any number of devices."
          : `Your license works on up to ${license.devices.max} ${license.devices.max === 1 ? "device" : "devices"} at a time.`
      }${" "}Free one you no longer use, and the place is ready for a new device.
    </p>
    <${ErrorNote} error=${file.error} />
    ${
      devices.length === 0
        ? html`<p class="panel">No devices use this license right now. Open the app on your device and enter your license key to activate it.</p>`
        : html`<ul class="rows" aria-label="Devices">
            ${devices.map(
              (device) => html`<li key=${device.id} class="row">
                <div class="row-main device-main">
                  <h3>${deviceName(device)}</h3>
                  <p class="muted small">
                    Last seen <time datetime=${device.last_seen_at} title=${instant(device.last_seen_at)}>${ago(device.last_seen_at)}</time>${" "}·
                    added ${day(device.activated_at)}${device.name && device.domain ? ` · ${device.domain}` : ""}
                  </p>
                  ${
                    device.key_bound
                      ? html`<p class="key-bound small">
                          <span class="tag">Key-bound</span> Your license works here only with this device's own key, so a copy of it on another
                          computer does not.
                        </p>`
                      : null
                  }
                </div>
                <div class="row-actions">
                  <${Button} aria-label=${`Download machine file: ${deviceName(device)}`} busy=${file.busy} onClick=${() => file.run(device)}>Download machine file<//>
                  <${Button} kind="danger" aria-label=${`Free this device: ${deviceName(device)}`} onClick=${() => setTarget(device)}>Free this device<//>
                </div>
              </li>`,
            )}
          </ul>`
    }
    ${
      target
        ? html`<${Confirm}
            title=${`Free “${deviceName(target)}”?`}
            confirmLabel="Free this device"
            onConfirm=${free}
            onClose=${() => setTarget(null)}
            heading=${heading}
          >
            <p>The app on this device stops using your license, and its place is ready for another device, such as your new computer.</p>
            <p>If you still use this device, you will have to activate it again.</p>
            ${
              license.churn
                ? html`<p class="budget"><strong>${churnWords(license.churn)}</strong> After this one, you may have to wait before freeing another.</p>`
                : null
            }
          <//>`
        : null
    }
  </section>`;
}

/** @param {{ license: License, reload: () => Promise<void> }} props */
export function SeatsSection({ license, reload }) {
  const { api, notify } = useApp();
  const heading = useRef(null);
  const [target, setTarget] = useState(/** @type {Seat | null} */ (null));
  const release = async () => {
    const seat = target;
    await api.releaseSeat(license.id, seat.id);
    await reload();
    notify(`The seat held by ${seat.instance_id} was released.`);
  };
  const max = license.floating?.max;
  return html`<section class="section" aria-labelledby="seats-heading">
    <h2 id="seats-heading" ref=${heading} tabindex="-1">Shared seats</h2>
    <p class="muted">
      ${max === null || max === undefined ? `${license.seats.length} in use right now.` : `${license.seats.length} of ${max} in use right now.`}${" "}A seat is taken while the app runs and given back when it closes. If an app crashed and its seat stays taken, release it here.
    </p>
    ${
      license.seats.length === 0
        ? html`<p class="panel">No seat is in use right now.</p>`
        : html`<ul class="rows" aria-label="Shared seats">
            ${license.seats.map(
              (seat) => html`<li key=${seat.id} class="row">
                <div class="row-main">
                  <h3>${seat.instance_id}</h3>
                  <p class="muted small">
                    ${seat.user ? `Used by ${seat.user} · ` : ""}${
                      seat.borrowed_until
                        ? html`Borrowed for offline use until <time datetime=${seat.borrowed_until}>${instant(seat.borrowed_until)}</time>`
                        : html`Held until <time datetime=${seat.expires_at}>${instant(seat.expires_at)}</time> unless the app renews it`
                    }
                  </p>
                </div>
                <div class="row-actions">
                  <${Button} kind="danger" aria-label=${`Release seat: ${seat.instance_id}`} onClick=${() => setTarget(seat)}>Release<//>
                </div>
              </li>`,
            )}
          </ul>`
    }
    ${
      target
        ? html`<${Confirm} title=${`Release the seat of “${target.instance_id}”?`} confirmLabel="Release" onConfirm=${release} onClose=${() => setTarget(null)} heading=${heading}>
            <p>Use this when an app stopped without giving its seat back. If the app is still running, it will need to take a seat again.</p>
          <//>`
        : null
    }
  </section>`;
}
