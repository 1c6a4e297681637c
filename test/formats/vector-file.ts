// The shape of a conformance vector file (docs/test-vectors/*.json), shared by the generator and
// the tests. Every case is self-contained but for the file's `jwks`: `input` is what a verifier is
// given, `expected` what it must answer (the decoded output, or the error code it must raise).

export interface VectorCase {
  name: string;
  description: string;
  input: Record<string, unknown>;
  expected: { valid: true; [output: string]: unknown } | { valid: false; error: string; reason?: string };
}

export interface VectorFile {
  artifact: string;
  /** The section of docs/formats.md that specifies it. */
  spec: string;
  generated_by: "scripts/test-vectors.ts";
  /** The verifier's clock, in Unix seconds, unless a case's `input.now` says otherwise. */
  now: number;
  /** The deployment's published keys (public members only), when the artifact is signed by them. */
  jwks?: { keys: Record<string, unknown>[] };
  cases: VectorCase[];
}

export const valid = (name: string, description: string, input: Record<string, unknown>, expected: Record<string, unknown>): VectorCase => ({
  name,
  description,
  input,
  expected: { valid: true, ...expected },
});

export const invalid = (name: string, description: string, input: Record<string, unknown>, error: string, reason?: string): VectorCase => ({
  name,
  description,
  input,
  expected: reason === undefined ? { valid: false, error } : { valid: false, error, reason },
});

export const vectorFile = (artifact: string, spec: string, now: number, cases: VectorCase[], jwks?: VectorFile["jwks"]): VectorFile => ({
  artifact,
  spec,
  generated_by: "scripts/test-vectors.ts",
  now,
  ...(jwks ? { jwks } : {}),
  cases,
});

/** The vector files, by name under docs/test-vectors/. */
export const VECTOR_FILES = [
  "license-token.json",
  "lease-token.json",
  "license-file.json",
  "machine-file.json",
  "status-list.json",
  "air-gapped.json",
  "webhook.json",
] as const;
export type VectorFileName = (typeof VECTOR_FILES)[number];
