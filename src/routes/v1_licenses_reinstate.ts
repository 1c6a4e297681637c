// POST /v1/licenses/{id}/reinstate: see the transition's rules in services/license-admin.ts (TRANSITIONS).
import { transitionOperation } from "./requests/declarations";

export default transitionOperation("reinstate", "reinstateLicense");
