// Introspection's single round trip: the caller's credential, the token's license (only if it
// belongs to the caller's tenant) and the token's revocation record, in one statement.

import type { LicenseStatus } from "../../contract/licenses";
import type { RowsFn } from "../client";
import { compact, selectList } from "./columns";
import { CREDENTIAL_COLUMNS, CREDENTIAL_FROM, type CredentialRow } from "./credentials";

const LICENSE_COLUMNS = selectList<{ id: string | null; status: LicenseStatus; expiresAt: Date | null; tokenRevoked: boolean }>({
  id: "l.id",
  status: "l.status",
  expiresAt: "l.expires_at",
  tokenRevoked: "exists(select 1 from revoked_tokens r where r.tenant_id = k.tenant_id and r.jti = $3)",
});

// Tenant isolation in the join itself: another tenant's license is simply absent.
const INTROSPECT = compact(`
  select ${CREDENTIAL_COLUMNS.sql}, ${LICENSE_COLUMNS.sql}
    from ${CREDENTIAL_FROM}
    left join licenses l on l.id = $2 and l.tenant_id = k.tenant_id
   where k.key_hash = $1
   limit 1`);

export interface IntrospectionRow {
  key: CredentialRow;
  license: { id: string; status: LicenseStatus; expiresAt: Date | null } | null;
  tokenRevoked: boolean;
}

export async function introspectionLookup(rows: RowsFn, input: { keyHash: string; licenseId: string; jti: string }): Promise<IntrospectionRow | undefined> {
  const [row] = await rows(INTROSPECT, [input.keyHash, input.licenseId, input.jti]);
  if (!row) return undefined;
  const { id, status, expiresAt, tokenRevoked } = LICENSE_COLUMNS.read(row, CREDENTIAL_COLUMNS.width);
  return { key: CREDENTIAL_COLUMNS.read(row), license: id ? { id, status, expiresAt } : null, tokenRevoked };
}
