// Server side: is this license token live right now? Needs an API key with tokens:introspect.
//   LICENSE_SERVICE_URL=... LICENSE_API_KEY=sk_... node introspect.mjs <token>
import { createLicenseClient } from "@edge-license/sdk";

const seller = createLicenseClient({ baseUrl: process.env.LICENSE_SERVICE_URL ?? "http://127.0.0.1:8787", apiKey: process.env.LICENSE_API_KEY });
const answer = await seller.introspect(process.argv[2]);
console.log(JSON.stringify(answer.active ? { active: true, license: answer.sub, status: answer.status } : { active: false, reason: answer.reason }));
