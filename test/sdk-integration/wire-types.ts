// The SDK's wire types checked against the OpenAPI document, at compile time (`npm run typecheck`).
// packages/admin/src/schema.ts is generated from the document and kept equal to the live one by
// test/admin-client; here every answer the document promises must satisfy the SDK's type for it
// (so the SDK never expects a field the service does not send, or a different type), and every
// field the SDK names must be one the document has (so no SDK field is invented).
import type { components } from "../../packages/admin/src/schema";
import type { Activation, IntrospectionAnswer, LeaseGrant, LeaseInfo, ValidationAnswer, VerifyAnswer } from "../../packages/sdk/src/index";

type Schemas = components["schemas"];

/** `true` when every value of `From` is a `To`; a compile error below otherwise. */
type Assignable<From, To> = [From] extends [To] ? true : false;
/** `true` when the SDK names no field the document lacks; otherwise the extra names, a compile error below. */
type NoExtraFields<Sdk, Doc> = [Exclude<keyof Sdk, keyof NonNullable<Doc>>] extends [never] ? true : Exclude<keyof Sdk, keyof NonNullable<Doc>>;

const expectTrue = <T extends true>(_: T) => _;

// POST /v1/licenses/validate, /verify, /validate-hardware
expectTrue<Assignable<Schemas["ValidateLicenseResponse"], ValidationAnswer>>(true);
expectTrue<NoExtraFields<ValidationAnswer, Schemas["ValidateLicenseResponse"]>>(true);
expectTrue<Assignable<Schemas["VerifyLicenseResponse"], VerifyAnswer>>(true);
expectTrue<NoExtraFields<VerifyAnswer, Schemas["VerifyLicenseResponse"]>>(true);
expectTrue<NoExtraFields<NonNullable<ValidationAnswer["license"]>, Schemas["LicenseSummary"]>>(true);
// POST /v1/licenses/activate (the activation inside the answer)
expectTrue<Assignable<Schemas["Activation"], Activation>>(true);
expectTrue<NoExtraFields<Activation, Schemas["Activation"]>>(true);
// POST /v1/licenses/leases and .../heartbeat
expectTrue<Assignable<Schemas["LeaseGrant"], LeaseGrant>>(true);
expectTrue<NoExtraFields<LeaseGrant, Schemas["LeaseGrant"]>>(true);
expectTrue<Assignable<Schemas["Lease"], LeaseInfo>>(true);
expectTrue<NoExtraFields<LeaseInfo, Schemas["Lease"]>>(true);
// POST /v1/licenses/introspect: the claims are open-ended on both sides; the named fields agree.
expectTrue<Assignable<Schemas["IntrospectionResponse"], IntrospectionAnswer>>(true);
