// Small rooms: no source file of the service, the SDK, the console or the portal over 400 lines
// (STYLE.md; the operations issue's must-show). A file that grows past it is split by what it
// holds, not trimmed. Vendored libraries are not ours and are left out.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const LIMIT = 400;
const ROOMS = ["src", "packages/sdk/src", "public/console", "public/portal"];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return e.name === "vendor" ? [] : files(join(dir, e.name));
    return /\.(ts|js|mjs|css|html)$/.test(e.name) ? [join(dir, e.name)] : [];
  });
}

describe("source file sizes", () => {
  it(`keeps every file under ${ROOMS.join(", ")} at ${LIMIT} lines or fewer`, () => {
    const over = ROOMS.flatMap((room) => files(join(ROOT, room)))
      .map((file) => ({ file: relative(ROOT, file), lines: readFileSync(file, "utf8").split("\n").length - 1 }))
      .filter((f) => f.lines > LIMIT)
      .map((f) => `${f.file}: ${f.lines}`);
    expect(over).toEqual([]);
  });
});
