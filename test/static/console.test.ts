// The console's own source (public/console, not the copied vendor files) never turns a string into
// markup or code, and its page loads nothing inline: the CSP would refuse it, and values the API
// returns (names, metadata, error messages) must only ever be text.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
// Plain data with no imports: Node loads the browser module as it is.
import * as consoleContract from "../../public/console/lib/contract.js";
import { EVENT_READ_PERMISSION } from "../../src/contract/events.ts";
import { PERMISSIONS } from "../../src/contract/permissions.ts";

const ROOT = join(import.meta.dirname, "../../public/console");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "vendor" ? [] : sources(path);
    return /\.(js|html)$/.test(entry.name) ? [path] : [];
  });
}

const FORBIDDEN: [RegExp, string][] = [
  [/\binnerHTML\b|\bouterHTML\b|insertAdjacentHTML/, "sets markup from a string"],
  [/dangerouslySetInnerHTML/, "sets markup from a string"],
  [/\beval\s*\(|new Function\s*\(/, "runs a string as code"],
  [/document\.write/, "writes markup"],
  [/<script(?![^>]*\bsrc=)[^>]*>/, "inline script"],
  [/\son[a-z]+\s*=\s*["']/, "inline event handler attribute"],
  [/<style\b/, "inline style element"],
  [/\bstyle="/, "inline style attribute"],
  [/localStorage/, "keeps data beyond the tab"],
];

describe("the console's source", () => {
  const files = sources(ROOT);

  it("is found (the check is not vacuous)", () => {
    expect(files.map((f) => relative(ROOT, f))).toEqual(expect.arrayContaining(["index.html", "app.js", "lib/ui.js", "screens/overview.js"]));
  });

  it("never builds markup or code from strings, and loads nothing inline", () => {
    const found: string[] = [];
    for (const file of files) {
      readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, i) => {
          for (const [pattern, why] of FORBIDDEN) if (pattern.test(line)) found.push(`${relative(ROOT, file)}:${i + 1} ${why}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });

  it("catches what it looks for", () => {
    const bad = ["el.innerHTML = name", "<div dangerouslySetInnerHTML={x}>", "<script>alert(1)</script>", '<a onclick="x()">', "localStorage.setItem(k, v)"];
    for (const line of bad)
      expect(
        FORBIDDEN.some(([pattern]) => pattern.test(line)),
        line,
      ).toBe(true);
    expect(FORBIDDEN.some(([pattern]) => pattern.test('<script type="module" src="./app.js"></script>'))).toBe(false);
  });
});

describe("the console's copy of the service's closed lists (public/console/lib/contract.js)", () => {
  it("equals src/contract exactly: permissions in order, and each event's read permission", () => {
    expect(consoleContract.PERMISSIONS).toEqual([...PERMISSIONS]);
    expect(consoleContract.EVENT_READ_PERMISSION).toEqual(EVENT_READ_PERMISSION);
  });
});
