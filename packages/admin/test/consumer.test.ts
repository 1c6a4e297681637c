// The client as a seller's backend gets it: the package built as `npm pack` would build it, installed
// into a throwaway project, and two consumer files type-checked by tsc in a child process, on the
// package's TypeScript 5.9 and on the service's TypeScript 7. fixtures/create-license.ts (the
// README's five lines and more) must compile; fixtures/wrong-field.ts must fail, exactly on the
// lines it marks, with the codes it names.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain JS launcher (scripts/run.mjs): installs pinned tools on first use
import { ensureTool } from "../../../scripts/run.mjs";

const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ROOT = resolve(PACKAGE, "../..");
const FIXTURES = join(PACKAGE, "test", "fixtures");

/** The compilers a consumer may use: TypeScript 5 (from the generator's toolchain) and the service's 7. */
const COMPILERS = [join(dirname(ensureTool("openapi-typescript") as string), "typescript"), join(ROOT, "node_modules", "typescript")].map((dir) => ({
  version: (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version,
  bin: join(dir, "bin", "tsc"),
}));

interface Diagnostic {
  file: string;
  line: number;
  code: string;
  message: string;
}

function tsc(bin: string, args: string[]): { status: number | null; diagnostics: Diagnostic[]; output: string } {
  const run = spawnSync(process.execPath, [bin, ...args, "--pretty", "false"], { encoding: "utf8" });
  const output = `${run.stdout}${run.stderr}`;
  const diagnostics = [...output.matchAll(/^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/gm)].map(([, file, line, code, message]) => ({
    file: file!.split(/[\\/]/).at(-1)!,
    line: Number(line),
    code: code!,
    message: message!,
  }));
  return { status: run.status, diagnostics, output };
}

/** The `// expect TSnnnn` marks of a fixture, as the diagnostics tsc must report. */
function expectedErrors(file: string): { file: string; line: number; code: string }[] {
  return readFileSync(join(FIXTURES, file), "utf8")
    .split("\n")
    .flatMap((text, i) => [...text.matchAll(/\/\/ expect (TS\d+)/g)].map((m) => ({ file, line: i + 1, code: m[1]! })));
}

let project: string;

beforeAll(() => {
  // Under the repository (.data is gitignored), so openapi-fetch and @types/node resolve from its node_modules.
  mkdirSync(join(ROOT, ".data"), { recursive: true });
  project = mkdtempSync(join(ROOT, ".data", "admin-consumer-"));
  const installed = join(project, "node_modules", "@edge-license", "admin");
  mkdirSync(installed, { recursive: true });
  copyFileSync(join(PACKAGE, "package.json"), join(installed, "package.json"));
  // The package's build (its `prepack`), written straight into the consumer's node_modules.
  const build = tsc(COMPILERS[0]!.bin, ["-p", join(PACKAGE, "tsconfig.json"), "--outDir", join(installed, "dist")]);
  if (build.status !== 0) throw new Error(`the package does not build:\n${build.output}`);
  writeFileSync(join(project, "package.json"), JSON.stringify({ private: true, type: "module" }));
  const compilerOptions = {
    target: "es2022",
    module: "nodenext",
    moduleResolution: "nodenext",
    lib: ["es2022", "dom"],
    types: ["node"],
    strict: true,
    noEmit: true,
    // The package's declarations are checked too, not only the consumer's code.
    skipLibCheck: false,
  };
  for (const file of ["create-license.ts", "wrong-field.ts"]) {
    copyFileSync(join(FIXTURES, file), join(project, file));
    writeFileSync(join(project, `tsconfig.${file.replace(/\.ts$/, "")}.json`), JSON.stringify({ compilerOptions, files: [file] }));
  }
}, 120_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

/** The TypeScript examples of a markdown text. */
const tsBlocks = (markdown: string) => [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe("the admin client's README examples", () => {
  const fixture = new Set(readFileSync(join(FIXTURES, "create-license.ts"), "utf8").split("\n"));
  const notCompiled = (blocks: string[]) =>
    blocks.flatMap((block) => block.split("\n").filter((line) => line.trim() && !line.startsWith("import ") && !fixture.has(line)));

  it("packages/admin/README.md shows only lines fixtures/create-license.ts compiles (imports aside)", () => {
    const blocks = tsBlocks(readFileSync(join(PACKAGE, "README.md"), "utf8"));
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    expect(notCompiled(blocks)).toEqual([]);
  });

  it('the service README\'s section "A typed admin client" too', () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const section = readme.split("\n### ").find((s) => s.startsWith("A typed admin client\n"));
    expect(section).toBeDefined();
    const blocks = tsBlocks(section!);
    expect(blocks.length).toBeGreaterThanOrEqual(1);
    expect(notCompiled(blocks)).toEqual([]);
  });
});

describe.each(COMPILERS)("a consumer of @edge-license/admin on TypeScript $version", ({ bin }) => {
  it("compiles the README's five lines: create a license, read the key once, handle the typed error envelope", () => {
    const run = tsc(bin, ["-p", join(project, "tsconfig.create-license.json")]);
    expect(run.diagnostics, run.output).toEqual([]);
    expect(run.status, run.output).toBe(0);
  }, 120_000);

  it("refuses a wrong field name, an unchecked `data`, an unknown path and an unknown error code", () => {
    const run = tsc(bin, ["-p", join(project, "tsconfig.wrong-field.json")]);
    expect(run.status).not.toBe(0);
    expect(
      run.diagnostics.map(({ file, line, code }) => ({ file, line, code })),
      run.output,
    ).toEqual(expectedErrors("wrong-field.ts"));
    expect(run.diagnostics.find((d) => d.line === 6)?.message).toMatch(/'policyId'/);
  }, 120_000);
});
