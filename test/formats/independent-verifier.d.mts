// Types of independent-verifier.mjs (plain JS, as a third party would write it) for the tests.

export declare class FormatError extends Error {
  readonly code: string;
}

type Jwks = { keys: Record<string, unknown>[] };

export declare function deriveKey(licenseKey: string, info: string): Uint8Array;
export declare function unarmor(label: string, text: string): string | null;
export declare const statusAt: (bytes: Uint8Array, index: number) => number | undefined;

export declare function verifyStatusList(
  token: string,
  options: { jwks: Jwks; audience: string; uri?: string; algorithms?: string[] },
): Promise<{ claims: Record<string, unknown>; bytes: Uint8Array }>;

export declare function verifyLicenseFile(
  text: string,
  options: {
    jwks: Jwks;
    audience: string;
    now: number;
    issuer?: string;
    algorithms?: string[];
    licenseKey?: string;
    fingerprint?: string;
    statusList?: string;
    requireFreshStatusList?: boolean;
  },
): Promise<{ claims: Record<string, unknown>; encrypted: boolean; machine: boolean; listStatus: "valid" | "stale" | "unchecked" }>;

export declare function verifyAirGapped(
  kind: "activation-request" | "deactivation-proof",
  text: string,
  options: { licenseKey: string; now: number },
): { header: Record<string, unknown>; claims: Record<string, unknown> };

export declare function verifyWebhook(secret: string, headers: Record<string, string | undefined>, body: string, options: { now: number }): unknown;
