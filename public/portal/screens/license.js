// One license: what it is, who may use it (for the customer's admins: its named seats), its devices
// (free one to move to a new computer), its shared seats (release a stuck one), its files (license
// file, air-gapped exchange) and what its apps did recently, in plain words. Every change reloads
// the license, so counts and lists agree.
import { html, useRef } from "../lib/html.js";
import { ErrorNote, useApp, useFocusHeading, useLoad } from "../lib/ui.js";
import { activityWords, ago, instant } from "../lib/words.js";
import { DevicesSection, SeatsSection } from "./devices.js";
import { FilesSection } from "./files.js";
import { HoldersSection } from "./holders.js";
import { KeySection } from "./key.js";
import { LicenseFacts, licenseName, usesDevices } from "./overview.js";

/** @typedef {import("../lib/api.js").Schema<"PortalLicense">} License */

/** @param {{ activity: License["activity"] }} props */
function ActivitySection({ activity }) {
  return html`<section class="section" aria-labelledby="activity-heading">
    <h2 id="activity-heading">Recent activity</h2>
    ${
      activity.length === 0
        ? html`<p class="muted">Nothing yet. When your app uses the license, it shows here.</p>`
        : html`<ol class="activity">
            ${activity.map((event) => {
              const words = activityWords(event);
              return html`<li class=${words.refused ? "refused" : ""}>
                <time datetime=${event.at} title=${instant(event.at)}>${ago(event.at)}</time>
                <div>
                  <strong>${words.refused ? html`<span aria-hidden="true">✕ </span>` : null}${words.what}</strong>${event.device ? html` · ${event.device}` : null}
                  ${words.why ? html`<p class="small">${words.why}</p>` : null}
                </div>
              </li>`;
            })}
          </ol>`
    }
  </section>`;
}

/** @param {{ id: string }} props */
export function LicenseScreen({ id }) {
  const { api, viewer } = useApp();
  const heading = useRef(null);
  const license = useLoad(() => api.license(id), [api, id]);
  useFocusHeading(heading, [Boolean(license.data)]);
  const data = license.data;
  return html`<nav class="crumbs" aria-label="Breadcrumb"><a href="#/">← All your licenses</a></nav>
    ${
      !data
        ? html`<h1 ref=${heading} tabindex="-1">${license.loading ? "Loading your license…" : "License not found"}</h1>
          <${ErrorNote} error=${license.error} />`
        : html`<header class="page-header">
            <h1 ref=${heading} tabindex="-1">${licenseName(data)}</h1>
            <p class="muted">Key starting <code>${data.key_prefix}</code></p>
          </header>
          <${ErrorNote} error=${license.error} />
          <${LicenseFacts} license=${data} detail />
          ${viewer?.can_manage_users ? html`<${HoldersSection} license=${data} reload=${license.reload} />` : null}
          ${data.floating ? html`<${SeatsSection} license=${data} reload=${license.reload} />` : null}
          ${usesDevices(data) ? html`<${DevicesSection} license=${data} reload=${license.reload} />` : null}
          ${viewer?.can_manage_users ? html`<${KeySection} license=${data} reload=${license.reload} />` : null}
          <${FilesSection} license=${data} reload=${license.reload} />
          <${ActivitySection} activity=${data.activity} />`
    }`;
}
