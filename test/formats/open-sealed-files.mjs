// Opens the encrypted license file and the encrypted machine file of docs/test-vectors with the
// independent verifier (jose and node:crypto, from docs/formats.md alone) and prints what they say:
//
//   node test/formats/open-sealed-files.mjs
import { readFileSync } from "node:fs";
import { verifyLicenseFile } from "./independent-verifier.mjs";

const vectors = (name) => JSON.parse(readFileSync(new URL(`../../docs/test-vectors/${name}`, import.meta.url), "utf8"));

for (const name of ["license-file.json", "machine-file.json"]) {
  const file = vectors(name);
  const { input } = file.cases.find((c) => c.name === "valid-encrypted");
  const out = await verifyLicenseFile(input.file, {
    jwks: file.jwks,
    audience: input.audience,
    issuer: input.issuer,
    now: input.now ?? file.now,
    licenseKey: input.license_key,
    fingerprint: input.fingerprint,
    statusList: input.status_list,
  });
  console.log(`${name}: encrypted ${out.encrypted}, machine ${out.machine}, status list ${out.listStatus}`);
  console.log(JSON.stringify(out.claims, null, 2));
}
