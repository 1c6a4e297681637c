// The layers' import rules, checked on the source itself so they stay true (issue: "no imports
// that run backwards"). Imports run one way: routes -> services -> db / crypto; wire shapes are
// their own layer; contract is shared by everyone. The SDK (packages/sdk/src, checked as layer
// "sdk") needs nothing of the service: the service imports it, as the package @edge-license/sdk.
// Runs in Node (vitest project "static"): it reads files, it starts nothing.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");
const SDK_SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../../packages/sdk/src");

interface Import {
  file: string;
  /** A src-relative path without extension for the service's own modules, else the package name. */
  target: string;
  /** The specifier as written. */
  specifier: string;
  /** One of the service's own modules (a relative import), not a package. */
  local: boolean;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^"';]*?\s+from\s+)?["']([^"']+)["']/gm;

/** The imports of `file`, named relative to `root`: src/ for the service, the SDK's src/ as "sdk/...". */
function importsOf(file: string, text: string, root = SRC): Import[] {
  const name = (path: string) => (root === SDK_SRC ? join("sdk", relative(SDK_SRC, path)) : relative(SRC, path));
  const found: Import[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[3]!;
    const local = specifier.startsWith(".");
    const target = local ? name(resolve(dirname(file), specifier)).replace(/\.(ts|js)$/, "") : specifier;
    found.push({ file: name(file), target, specifier, local, typeOnly: match[2] !== undefined });
  }
  return found;
}

/** The top folder under src/ (or the module's own name for src/*.ts). */
const layer = (path: string) => path.split("/")[0]!;

/** Every rule broken by `imports`, as "file -> target => rule". */
function violations(imports: Import[]): string[] {
  const out: string[] = [];
  for (const { file, target, specifier, local, typeOnly } of imports) {
    const from = layer(file);
    const to = layer(target);
    const broken = (rule: string) => out.push(`${file} -> ${target} => ${rule}`);
    if (["services", "db", "crypto", "contract", "wire"].includes(from) && local && (to === "routes" || to === "middleware")) {
      broken("only routes and middleware may import routes or middleware");
    }
    if (from === "db" && local && (to === "services" || to === "wire")) broken("storage never imports services or wire");
    if (from === "crypto" && local && (to === "db" || to === "services")) broken("crypto imports only the contract");
    if (from === "services" && local && to === "wire") broken("services never import wire shapes: they are handed a serializer");
    if (from === "services" && (target === "hono" || target.startsWith("hono/") || target.startsWith("@hono/"))) broken("services never see Hono");
    if (from === "contract" && local && to !== "contract") broken("the contract imports nothing of the service");
    if (from === "sdk" && local && to !== "sdk") broken("the SDK needs nothing of the service");
    if (from === "sdk" && !local && target !== "jose") broken("the SDK's only dependency is jose");
    // Browsers and Deno resolve no extensionless paths: the built module must name its files.
    if (from === "sdk" && local && !specifier.endsWith(".js")) broken("the SDK's own imports end in .js");
    if (from !== "db" && (target === "drizzle-orm" || target.startsWith("drizzle-orm/") || target === "@neondatabase/serverless") && !typeOnly) {
      broken("no drizzle or Postgres driver outside src/db");
    }
  }
  return out;
}

describe("the layers' imports", () => {
  const imports = [
    ...sourceFiles(SRC).flatMap((file) => importsOf(file, readFileSync(file, "utf8"))),
    ...sourceFiles(SDK_SRC).flatMap((file) => importsOf(file, readFileSync(file, "utf8"), SDK_SRC)),
  ];

  it("reads the whole tree", () => {
    const files = new Set(imports.map((i) => i.file));
    expect(files.has("services/tokens.ts")).toBe(true);
    expect(files.has("db/repositories/licenses.ts")).toBe(true);
    expect(files.has("routes/v1_licenses_verify.ts")).toBe(true);
    expect(files.has("sdk/verifier.ts")).toBe(true);
  });

  it("run one way: no rule is broken anywhere in src", () => {
    expect(violations(imports)).toEqual([]);
  });

  it("would catch each kind of backwards import (the checker is not vacuous)", () => {
    const at = (file: string, text: string) => importsOf(join(SRC, file), text);
    const bad = [
      ...at("services/tokens.ts", 'import { licenseBody } from "../wire/licenses";\nimport { Hono } from "hono";'),
      ...at("services/x.ts", 'import { x } from "../routes/v1_licenses_verify";'),
      ...at("db/repositories/x.ts", 'import { requireActor } from "../../services/actor";'),
      ...at("crypto/x.ts", 'import { issue } from "../services/tokens";\nimport type { Tx } from "../db/client";'),
      ...importsOf(
        join(SDK_SRC, "x.ts"),
        'import { z } from "zod";\nimport { newId } from "../../../src/crypto/random";\nimport { a } from "./verify";',
        SDK_SRC,
      ),
      ...at("contract/x.ts", 'import { AppError } from "../errors";'),
      ...at("routes/x.ts", 'import { eq } from "drizzle-orm";'),
    ];
    expect(violations(bad).map((v) => v.split(" => ")[1])).toEqual([
      "services never import wire shapes: they are handed a serializer",
      "services never see Hono",
      "only routes and middleware may import routes or middleware",
      "storage never imports services or wire",
      "crypto imports only the contract",
      "crypto imports only the contract",
      "the SDK's only dependency is jose",
      "the SDK needs nothing of the service",
      "the SDK's own imports end in .js",
      "the SDK's own imports end in .js",
      "the contract imports nothing of the service",
      "no drizzle or Postgres driver outside src/db",
    ]);
  });

  it("keeps SQL text in src/db: no other file writes a SELECT ... FROM, INSERT INTO, UPDATE ... SET or DELETE FROM", () => {
    // Across lines, in code with its comments taken out: a statement split over lines counts too.
    const SQL = /\b(select\s[^;]{0,300}?\sfrom\s+[a-z_]+\b|insert\s+into\s+[a-z_]+|update\s+[a-z_]+\s+set\s|delete\s+from\s+[a-z_]+)/i;
    const withoutComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    const offenders = sourceFiles(SRC)
      .filter((file) => !relative(SRC, file).startsWith("db/"))
      .flatMap((file) => {
        const match = SQL.exec(withoutComments(readFileSync(file, "utf8")));
        return match ? [`${relative(SRC, file)}: ${match[0].replace(/\s+/g, " ").slice(0, 80)}`] : [];
      });
    expect(offenders).toEqual([]);
  });
});
