// Introspection's single round trip: the caller's credential, the token's license (only if it
// belongs to the caller's tenant), the token's revocation record, and what the token stood on
// (its lease, or the device seat it was bound to), in one statement.

import type { LicenseStatus } from "../../contract/licenses";
import type { RowsFn } from "../client";
import { compact, selectList } from "./columns";
import { CREDENTIAL_COLUMNS, CREDENTIAL_FROM, type CredentialRow } from "./credentials";

const LICENSE_COLUMNS = selectList<{
  id: string | null;
  status: LicenseStatus;
  expiresAt: Date | null;
  customerId: string | null;
  tokenRevoked: boolean;
  leaseId: string | null;
  leaseExpiresAt: Date | null;
  leaseReleasedAt: Date | null;
  activationId: string | null;
  activationDeactivatedAt: Date | null;
}>({
  id: "l.id",
  status: "l.status",
  expiresAt: "l.expires_at",
  customerId: "l.customer_id",
  tokenRevoked: "exists(select 1 from revoked_tokens r where r.tenant_id = k.tenant_id and r.jti = $3)",
  leaseId: "ls.id",
  leaseExpiresAt: "ls.expires_at",
  leaseReleasedAt: "ls.released_at",
  activationId: "a.id",
  activationDeactivatedAt: "a.deactivated_at",
});

// Tenant isolation in the join itself: another tenant's license is simply absent.
const INTROSPECT = compact(`
  select ${CREDENTIAL_COLUMNS.sql}, ${LICENSE_COLUMNS.sql}
    from ${CREDENTIAL_FROM}
    left join licenses l on l.id = $2 and l.tenant_id = k.tenant_id
    left join leases ls on ls.id = $4 and ls.license_id = l.id
    left join activations a on a.id = $5 and a.license_id = l.id
   where k.key_hash = $1
   limit 1`);

export interface IntrospectionRow {
  key: CredentialRow;
  license: { id: string; status: LicenseStatus; expiresAt: Date | null; customerId: string | null } | null;
  tokenRevoked: boolean;
  /** The lease a lease token names (null when it names none, or none of this license). */
  lease: { releasedAt: Date | null; expiresAt: Date } | null;
  /** The activation a device-bound token stands on. */
  activation: { deactivatedAt: Date | null } | null;
}

export async function introspectionLookup(
  rows: RowsFn,
  input: { keyHash: string; licenseId: string; jti: string; leaseId?: string; activationId?: string },
): Promise<IntrospectionRow | undefined> {
  const [row] = await rows(INTROSPECT, [input.keyHash, input.licenseId, input.jti, input.leaseId ?? null, input.activationId ?? null]);
  if (!row) return undefined;
  const r = LICENSE_COLUMNS.read(row, CREDENTIAL_COLUMNS.width);
  // A token that names a lease or activation this license does not have stands on nothing alive.
  const lease = input.leaseId
    ? r.leaseId
      ? { releasedAt: r.leaseReleasedAt, expiresAt: r.leaseExpiresAt! }
      : { releasedAt: new Date(0), expiresAt: new Date(0) }
    : null;
  const activation = input.activationId ? { deactivatedAt: r.activationId ? r.activationDeactivatedAt : new Date(0) } : null;
  return {
    key: CREDENTIAL_COLUMNS.read(row),
    license: r.id ? { id: r.id, status: r.status, expiresAt: r.expiresAt, customerId: r.customerId } : null,
    tokenRevoked: r.tokenRevoked,
    lease,
    activation,
  };
}
