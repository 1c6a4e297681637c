// The SDK stays small: its bundle, as an app ships it (minified, gzip), within a budget. The
// README's "Bundle size" gives the figures (`npm run sdk:size`); raise a budget only on purpose.
import { describe, expect, it } from "vitest";
import { sdkSizes } from "../../scripts/lib/sdk-size.ts";

const BUDGET_GZIP = {
  // 9 KiB until the client named itself to the seller's license activity (X-Edge-License-SDK);
  // 9.25 until device keys and DPoP proofs (dpop.ts, about 2 KiB: key stores, proofs, `cnf` checks).
  "the SDK alone (jose external)": 11.25 * 1024,
  // 22 KiB until DPoP: its share of jose (key generation, JWK import) comes with it.
  "everything, with jose": 23 * 1024,
  "createLicenseVerifier only, with jose": 10 * 1024,
  "verifyLicenseFile only, with jose": 13 * 1024,
};

describe("the SDK's bundle", () => {
  it("stays within its gzip budget in each cut, and tree shaking drops what a verifier-only app does not use", async () => {
    const rows = await sdkSizes(process.cwd());
    expect(rows.map((r) => r.what)).toEqual(Object.keys(BUDGET_GZIP));
    for (const row of rows)
      expect({ what: row.what, withinBudget: row.gzip <= BUDGET_GZIP[row.what as keyof typeof BUDGET_GZIP] }).toEqual({ what: row.what, withinBudget: true });
    const [, everything, tokenVerifier, fileVerifier] = rows;
    expect([tokenVerifier!.minified < everything!.minified, fileVerifier!.minified < everything!.minified]).toEqual([true, true]);
  });
});
