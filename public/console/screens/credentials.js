// API keys and user tokens on one screen: both are credentials of this tenant, read and changed
// with the same permissions (api_keys:read, api_keys:write).

import { html } from "../lib/html.js";
import { PageHeader, useApp } from "../lib/ui.js";
import { ApiKeysSection } from "./admin/api-keys.js";
import { UserTokensSection } from "./admin/user-tokens.js";

export function CredentialsScreen() {
  const { can } = useApp();
  return html`<section class="admin-screen">
    <${PageHeader}
      title="API keys & tokens"
      subtitle=${
        can("api_keys:write")
          ? "Create, rotate and revoke the credentials that call this service. A credential can only grant, change or revoke what it holds itself."
          : "The credentials that call this service. Changing them needs the api_keys:write permission."
      }
    />
    <${ApiKeysSection} />
    <${UserTokensSection} />
  </section>`;
}
