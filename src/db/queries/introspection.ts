// Introspection's single round trip: the caller's credential, the token's license (only if it
// belongs to the caller's tenant) and the token's revocation record, in one statement.

import type { LicenseStatus } from "../../contract/licenses";
import type { RowsFn } from "../client";
import { CREDENTIAL_COLUMN_COUNT, CREDENTIAL_COLUMNS, CREDENTIAL_FROM, type CredentialRow, credentialFrom } from "./api-keys";
import { compact } from "./raw";

// Tenant isolation in the join itself: another tenant's license is simply absent.
const INTROSPECT = compact(`
  select ${CREDENTIAL_COLUMNS}, l.id, l.status, l.expires_at,
         exists(select 1 from revoked_tokens r where r.tenant_id = k.tenant_id and r.jti = $3)
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
  const n = CREDENTIAL_COLUMN_COUNT;
  return {
    key: credentialFrom(row),
    license: row[n] ? { id: row[n] as string, status: row[n + 1] as LicenseStatus, expiresAt: row[n + 2] as Date | null } : null,
    tokenRevoked: row[n + 3] as boolean,
  };
}
