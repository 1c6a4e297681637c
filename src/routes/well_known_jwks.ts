// GET /.well-known/jwks.json: the key set of GET /v1/licenses/jwks, where generic JOSE tooling looks for it.
import { jwksOperation } from "./v1_licenses_jwks";

export default jwksOperation("/.well-known/jwks.json", "getWellKnownJwks");
