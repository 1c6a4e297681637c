// Test-side signers: the service's own (src/services/billing/sign.ts), which the conformance test
// checks against each provider's official SDK, so tests post deliveries exactly as providers sign them.
//
// @example
// const headers = await signStripe(secret, body, Math.floor(Date.now() / 1000));
export { signLemonSqueezy, signPaddle, signPolar, signStripe } from "../../src/services/billing/sign";
