// POST /v1/licenses/{id}/suspend: see the transition's rules in services/license-admin.ts (TRANSITIONS).
import { transitionOperation } from "./requests/declarations";

export default transitionOperation("suspend", "suspendLicense");
