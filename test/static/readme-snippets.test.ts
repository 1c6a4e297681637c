// Every code snippet in the READMEs that uses the SDK, and every runnable example, type-checks
// against the package's own published types (packages/sdk/dist): a snippet that passes the wrong
// option, forgets a required one (`audience`) or destructures what a call does not return fails
// here, not in an integrator's editor. Snippets are fragments: the names they leave to the reader
// (the app's own functions and values) are declared once below, with honest types.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const SCRATCH = join(".data", "readme-snippets");

/** What the snippets take from the reader's app. */
const AMBIENT = `
import type { ClockStore, JSONWebKeySet as _J, StatusListStore } from "@edge-license/sdk";
declare global {
  const token: string;
  let tokenVar: string;
  const secret: string;
  const request: Request;
  const machineId: string;
  const licenseKey: string;
  const activationId: string;
  const file: string;
  const appDataDir: string;
  const APP_ID: string;
  const PINNED_JWKS: import("jose").JSONWebKeySet;
  const fileClockStore: ClockStore;
  const claims: { status: { status_list: { uri: string; idx: number } }; features: string[] };
  const os: typeof import("node:os");
  const app: { post(path: string, handler: (req: { get(name: string): string }, res: { status(n: number): { json(v: unknown): unknown } }) => unknown): void };
  function fileStore(path: string): StatusListStore;
  function enableExport(): void;
  function enable(features: string[]): void;
  function fetchNewToken(): Promise<string>;
  function getFreshToken(): Promise<string>;
  function lockOut(code: string): void;
  function showSeatLost(): void;
  function showAllSeatsTaken(retryAfterS: number | null): void;
  function keep(token: string): void;
  function showReason(code: string): void;
  function showLicenseProblem(code: string): void;
  function reportProblem(message: string, error: unknown): void;
  function revokeLocally(id: string): Promise<void>;
  function hostname(): string;
  function readFile(path: string, encoding: "utf8"): Promise<string>;
  function writeFile(path: string, data: string): Promise<void>;
}
export {};
`;

interface Snippet {
  source: string;
  index: number;
  lang: string;
  code: string;
}

function snippets(path: string): Snippet[] {
  const text = readFileSync(path, "utf8");
  return [...text.matchAll(/```(ts|js)\n([\s\S]*?)```/g)]
    .map((m, index) => ({ source: path, index, lang: m[1]!, code: m[2]! }))
    .filter((s) => /from "@edge-license\/sdk"/.test(s.code));
}

afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

describe("the READMEs' SDK snippets and the SDK's examples", () => {
  const all = [...snippets("README.md"), ...snippets("packages/sdk/README.md")];

  it("are found (the check is not vacuous)", () => {
    expect(all.length).toBeGreaterThanOrEqual(10);
    expect(readdirSync("packages/sdk/examples").filter((f) => f.endsWith(".mjs")).length).toBeGreaterThanOrEqual(5);
  });

  it("type-check against the package's own types", () => {
    rmSync(SCRATCH, { recursive: true, force: true });
    mkdirSync(SCRATCH, { recursive: true });
    writeFileSync(join(SCRATCH, "ambient.d.ts"), AMBIENT);
    const names: string[] = [];
    for (const s of all) {
      // A module of its own each (top-level await and imports allowed); `token` may be reassigned in a catch.
      const name = `${s.source.replace(/[/.]/g, "_")}_${s.index}.${s.lang === "ts" ? "ts" : "js"}`;
      writeFileSync(join(SCRATCH, name), `${s.code.replace(/\btoken = await/g, "tokenVar = await")}\nexport {};\n`);
      names.push(name);
    }
    for (const example of readdirSync("packages/sdk/examples").filter((f) => f.endsWith(".mjs"))) {
      writeFileSync(join(SCRATCH, `example_${example}`), readFileSync(join("packages/sdk/examples", example), "utf8"));
      names.push(`example_${example}`);
    }
    writeFileSync(
      join(SCRATCH, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "es2023",
          module: "nodenext",
          moduleResolution: "nodenext",
          lib: ["es2023", "dom"],
          types: ["node"],
          typeRoots: ["../../node_modules/@types"],
          allowJs: true,
          checkJs: true,
          strict: true,
          useUnknownInCatchVariables: false,
          noImplicitAny: false,
          noEmit: true,
          skipLibCheck: true,
        },
        files: ["ambient.d.ts", ...names],
      }),
    );
    let output = "";
    try {
      execFileSync(join(process.cwd(), "node_modules", ".bin", "tsc"), ["-p", SCRATCH], { encoding: "utf8", stdio: "pipe" });
    } catch (err) {
      output = String((err as { stdout?: string }).stdout ?? err);
    }
    expect(output).toBe("");
  });
});

describe("README lists that mirror the code", () => {
  it("names exactly the webhook event types of src/contract/events.ts, in order", async () => {
    const { EVENT_TYPES } = await import("../../src/contract/events");
    const readme = readFileSync("README.md", "utf8");
    const paragraph = readme.slice(readme.indexOf("\nEvents: "), readme.indexOf("Body:", readme.indexOf("\nEvents: ")));
    expect([...paragraph.matchAll(/`([a-z_]+\.[a-z_]+)`/g)].map((m) => m[1])).toEqual([...EVENT_TYPES]);
  });
});
