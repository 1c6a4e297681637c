// The SDK's size as an app ships it: packages/sdk/dist bundled and minified by esbuild, gzipped
// (level 9). Four cuts: the SDK's own code (jose left out, as when the app has jose anyway),
// everything it exports with the parts of jose those use, and a token-verifier-only and a
// file-verifier-only import (what tree shaking leaves an app that only checks tokens, or files).
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

export interface SizeRow {
  what: string;
  minified: number;
  gzip: number;
}

const CUTS = [
  { what: "the SDK alone (jose external)", code: 'export * from "@edge-license/sdk";', external: ["jose"] },
  { what: "everything, with jose", code: 'export * from "@edge-license/sdk";', external: [] },
  { what: "createLicenseVerifier only, with jose", code: 'export { createLicenseVerifier } from "@edge-license/sdk";', external: [] },
  { what: "verifyLicenseFile only, with jose", code: 'export { verifyLicenseFile } from "@edge-license/sdk";', external: [] },
];

export async function sdkSizes(resolveDir: string): Promise<SizeRow[]> {
  const rows: SizeRow[] = [];
  for (const cut of CUTS) {
    const out = await build({
      stdin: { contents: cut.code, resolveDir, loader: "js" },
      bundle: true,
      minify: true,
      format: "esm",
      platform: "browser",
      external: cut.external,
      write: false,
      logLevel: "silent",
    });
    const bytes = out.outputFiles[0]!.contents;
    rows.push({ what: cut.what, minified: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
  }
  return rows;
}
